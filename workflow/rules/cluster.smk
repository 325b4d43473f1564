rule cluster_hdbscan:
    input:
        reduced="results/intermediate/umap_cluster.npy",
    output:
        clusters="results/intermediate/clusters.npz",
    params:
        hdbscan=config["hdbscan"],
    log:
        "results/logs/cluster_hdbscan.log",
    benchmark:
        "results/benchmarks/cluster_hdbscan.tsv"
    script:
        "../scripts/cluster_hdbscan.py"


rule cluster_hdbscan_seed:
    input:
        reduced="results/intermediate/stability/seed{seed}/umap_cluster.npy",
    output:
        clusters="results/intermediate/stability/seed{seed}/clusters.npz",
    params:
        hdbscan=config["hdbscan"],
    log:
        "results/logs/cluster_hdbscan_seed/seed{seed}.log",
    script:
        "../scripts/cluster_hdbscan.py"
