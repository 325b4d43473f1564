rule reduce_umap:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        reduced="results/intermediate/umap_cluster.npy",
    params:
        umap=config["umap"],
    log:
        "results/logs/reduce_umap.log",
    benchmark:
        "results/benchmarks/reduce_umap.tsv"
    script:
        "../scripts/reduce_umap.py"


rule reduce_umap_map:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        reduced="results/intermediate/umap_map.npy",
    params:
        umap={**config["umap_map"], "n_components": 2},
    log:
        "results/logs/reduce_umap_map.log",
    benchmark:
        "results/benchmarks/reduce_umap_map.tsv"
    script:
        "../scripts/reduce_umap.py"


rule reduce_umap_seed:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        reduced="results/intermediate/stability/seed{seed}/umap_cluster.npy",
    params:
        umap=lambda wildcards: {**config["umap"], "random_state": int(wildcards.seed)},
    log:
        "results/logs/reduce_umap_seed/seed{seed}.log",
    benchmark:
        "results/benchmarks/reduce_umap_seed/seed{seed}.tsv"
    script:
        "../scripts/reduce_umap.py"
