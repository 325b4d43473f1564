rule derive_themes:
    input:
        papers="results/intermediate/papers.parquet",
        assignments="results/intermediate/assignments.parquet",
        # Themes are communities of the papers' neighbour graph in the embedding space
        # (topics.themes), searched exactly up to neighbours.exact_max papers, UMAP's above.
        embeddings="results/intermediate/embeddings.npy",
        neighbours="results/intermediate/umap_neighbours.npz",
        # The topics' names, which a language model names the themes from (labels.llm).
        topics="results/intermediate/topics.parquet",
    output:
        themes="results/intermediate/themes.parquet",
        tree="results/intermediate/theme_tree.npy",
    params:
        themes=config["themes"],
        vectorizer=config["vectorizer"],
        exact_max=config["neighbours"]["exact_max"],
        llm=LLM,
    threads: LLM_THREADS
    resources:
        mem_mb=naming_mem_mb,
        runtime=naming_runtime,
    log:
        "results/logs/derive_themes.log",
    benchmark:
        "results/benchmarks/derive_themes.tsv"
    script:
        "../scripts/derive_themes.py"
