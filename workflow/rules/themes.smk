rule derive_themes:
    input:
        papers="results/intermediate/papers.parquet",
        assignments="results/intermediate/assignments.parquet",
        # Every throw's reduction (consensus.throws): the themes are cut in their layouts side
        # by side (topics.consensus.stacked_layouts), the main run's alone for one throw.
        reduced=[seed_reduction(seed) for seed in THROW_SEEDS],
        # The topics' names, which a language model names the themes from (labels.llm).
        topics="results/intermediate/topics.parquet",
    output:
        themes="results/intermediate/themes.parquet",
        tree="results/intermediate/theme_tree.npy",
    params:
        themes=config["themes"],
        vectorizer=config["vectorizer"],
        # Seeds the papers each cut's silhouette is measured on.
        random_state=config["umap"]["random_state"],
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
