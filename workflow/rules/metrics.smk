rule score_topics:
    input:
        papers="results/intermediate/papers.parquet",
        topics="results/intermediate/topics.parquet",
        assignments="results/intermediate/assignments.parquet",
        clusters="results/intermediate/clusters.npz",
        reduced="results/intermediate/umap_cluster.npy",
        stability="results/intermediate/stability.json",
        themes="results/intermediate/themes.parquet",
        coords="results/intermediate/umap_map.npy",
    output:
        metrics="results/metrics.json",
    # Before the report's other jobs: the index waits for it (report.smk, plot_static_map).
    priority: 1
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/score_topics.log",
    benchmark:
        "results/benchmarks/score_topics.tsv"
    script:
        "../scripts/score_topics.py"
