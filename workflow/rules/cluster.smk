rule cluster_hdbscan:
    input:
        reduced="results/intermediate/umap_cluster.npy",
    output:
        clusters="results/intermediate/clusters.npz",
        # The fitted HDBSCAN, which places papers added later (update: incremental).
        model="results/model/hdbscan.pkl",
    params:
        hdbscan=config["hdbscan"],
        # Only outlier reassignment by probabilities reads the (costly) soft membership.
        soft_membership=config["outliers"]["strategy"] == "probabilities",
    # The main run's chain goes first; see reduce_umap.
    priority: 2
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/cluster_hdbscan.log",
    benchmark:
        "results/benchmarks/cluster_hdbscan.tsv"
    script:
        "../scripts/cluster_hdbscan.py"
