# HDBSCAN on every throw's reduction in one job (the throws' UMAPs are jobs of their own),
# and the topics' clusters from them: one throw's as they are, or what most throws agree on
# (topics.cluster.cluster_throws); their stability beside them.
rule cluster_hdbscan:
    input:
        # The throws' reductions, the main run's first (consensus.throws).
        reduced=[seed_reduction(seed) for seed in THROW_SEEDS],
        **CONSENSUS_GRAPH,
    output:
        clusters="results/intermediate/clusters.npz",
        # The main throw's fitted HDBSCAN, which places papers added later (update: incremental).
        model="results/model/hdbscan.pkl",
        # Pairwise ARI of the throws, each cluster's stability, the consensus outliers.
        stability="results/intermediate/stability.json",
    params:
        hdbscan=config["hdbscan"],
        seeds=THROW_SEEDS,
        need=config["consensus"]["need"],
        umap=config["umap"],
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
