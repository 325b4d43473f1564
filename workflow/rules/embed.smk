rule embed_papers:
    input:
        papers="results/intermediate/papers.parquet",
    output:
        embeddings="results/intermediate/embeddings.npy",
    params:
        embedding=config["embedding"],
    threads: workflow.cores
    resources:
        mem_mb=2000,
    log:
        "results/logs/embed_papers.log",
    benchmark:
        "results/benchmarks/embed_papers.tsv"
    script:
        "../scripts/embed_papers.py"
