rule reduce_umap:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        reduced="results/intermediate/umap_cluster.npy",
        # The fitted UMAP, which places papers added later (update: incremental).
        model="results/model/umap_cluster.pkl",
        # Its nearest neighbours, which the other throws reuse (topics.reduce.fitted_neighbours)
        # and vote on (topics.cluster.consensus_graph).
        neighbours="results/intermediate/umap_neighbours.npz",
    params:
        umap=config["umap"],
    # The topics' chain (reduce, the other throws, cluster, label) goes first whenever jobs
    # wait for a core; the other throws wait for this one's neighbours.
    priority: 2
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/reduce_umap.log",
    benchmark:
        "results/benchmarks/reduce_umap.tsv"
    script:
        "../scripts/reduce_umap.py"


# The map is laid out around the topics (topics.reduce.map_layout), so it follows labelling.
rule reduce_umap_map:
    input:
        embeddings="results/intermediate/embeddings.npy",
        reduced="results/intermediate/umap_cluster.npy",
        assignments="results/intermediate/assignments.parquet",
        # The clustering UMAP's neighbours, which the map takes rather than search again
        # where its metric and n_neighbors allow (topics.reduce.map_neighbours).
        neighbours="results/intermediate/umap_neighbours.npz",
    output:
        coords="results/intermediate/umap_map.npy",
        # The fitted map UMAP, which places papers added later (update: incremental).
        model="results/model/umap_map.pkl",
    params:
        umap_map=config["umap_map"],
        umap=config["umap"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/reduce_umap_map.log",
    benchmark:
        "results/benchmarks/reduce_umap_map.tsv"
    script:
        "../scripts/reduce_umap_map.py"


# The other throws (consensus.throws): the main run's UMAP under another seed each, one job
# each so that they run side by side (on a cluster, on as many nodes).
rule reduce_umap_seed:
    input:
        embeddings="results/intermediate/embeddings.npy",
        neighbours="results/intermediate/umap_neighbours.npz",
    output:
        reduced="results/intermediate/throws/seed{seed}/umap_cluster.npy",
    params:
        umap=lambda wildcards: {**config["umap"], "random_state": int(wildcards.seed)},
    # On the topics' chain: clustering waits for every throw.
    priority: 2
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/reduce_umap_seed/seed{seed}.log",
    benchmark:
        "results/benchmarks/reduce_umap_seed/seed{seed}.tsv"
    script:
        "../scripts/reduce_umap.py"
