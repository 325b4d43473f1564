rule label_topics:
    input:
        papers="results/intermediate/papers.parquet",
        embeddings="results/intermediate/embeddings.npy",
        clusters="results/intermediate/clusters.npz",
    output:
        topics="results/intermediate/topics.parquet",
        assignments="results/intermediate/assignments.parquet",
    params:
        vectorizer=config["vectorizer"],
        bertopic=config["bertopic"],
        keywords=config["keywords"],
        outliers=config["outliers"],
        llm=LLM,
    # The main run's chain goes first; see reduce_umap.
    priority: 2
    threads: LLM_THREADS
    resources:
        mem_mb=naming_mem_mb,
        runtime=naming_runtime,
    log:
        "results/logs/label_topics.log",
    benchmark:
        "results/benchmarks/label_topics.tsv"
    script:
        "../scripts/label_topics.py"
