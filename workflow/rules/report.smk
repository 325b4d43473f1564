# Four jobs, not one per page: every job is a new Python process that pays ~0.6 s of
# interpreter start, Snakemake's script preamble and imports, more than most pages take.


rule write_tables:
    input:
        papers="results/intermediate/papers.parquet",
        assignments="results/intermediate/assignments.parquet",
        topics="results/intermediate/topics.parquet",
        coords="results/intermediate/umap_map.npy",
        stability="results/intermediate/stability.json",
        clusters="results/intermediate/clusters.npz",
    output:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
        lists=directory("results/topics"),
    log:
        "results/logs/write_tables.log",
    benchmark:
        "results/benchmarks/write_tables.tsv"
    script:
        "../scripts/write_tables.py"


# Every interactive page and the one plotly.js they share; topic centroids are computed
# in the job from the embeddings.
rule plot_topic_pages:
    input:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
        topics="results/intermediate/topics.parquet",
        embeddings="results/intermediate/embeddings.npy",
    output:
        topic_map="results/topic_map.html",
        intertopic_map="results/intertopic_map.html",
        topic_hierarchy="results/topic_hierarchy.html",
        topic_similarity="results/topic_similarity.html",
        top_terms="results/top_terms.html",
        topic_sources="results/topic_sources.html",
        plotly_js="results/plotly.min.js",
    log:
        "results/logs/plot_topic_pages.log",
    benchmark:
        "results/benchmarks/plot_topic_pages.tsv"
    script:
        "../scripts/plot_topic_pages.py"


# matplotlib, not a browser: the main job must run where no Chromium is installed.
# Its own job, so it runs beside plot_topic_pages.
rule plot_static_map:
    input:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    output:
        png="results/topic_map.png",
    log:
        "results/logs/plot_static_map.log",
    benchmark:
        "results/benchmarks/plot_static_map.tsv"
    script:
        "../scripts/plot_static_map.py"


rule write_index:
    input:
        report="results/parse_report.json",
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
        picture="results/topic_map.png",
        listings=seed_files(),
        metrics="results/metrics.json",
    output:
        html="results/index.html",
    params:
        config=config,
    log:
        "results/logs/write_index.log",
    benchmark:
        "results/benchmarks/write_index.tsv"
    script:
        "../scripts/write_index.py"
