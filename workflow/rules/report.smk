rule write_tables:
    input:
        papers="results/intermediate/papers.parquet",
        assignments="results/intermediate/assignments.parquet",
        topics="results/intermediate/topics.parquet",
        coords="results/intermediate/umap_map.npy",
    output:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    log:
        "results/logs/write_tables.log",
    benchmark:
        "results/benchmarks/write_tables.tsv"
    script:
        "../scripts/write_tables.py"


rule write_topic_lists:
    input:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    output:
        lists=directory("results/topics"),
    log:
        "results/logs/write_topic_lists.log",
    benchmark:
        "results/benchmarks/write_topic_lists.tsv"
    script:
        "../scripts/write_topic_lists.py"


rule copy_plotly_js:
    output:
        js="results/plotly.min.js",
    log:
        "results/logs/copy_plotly_js.log",
    benchmark:
        "results/benchmarks/copy_plotly_js.tsv"
    script:
        "../scripts/copy_plotly_js.py"


rule plot_topic_map:
    input:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    output:
        html="results/topic_map.html",
    log:
        "results/logs/plot_topic_map.log",
    benchmark:
        "results/benchmarks/plot_topic_map.tsv"
    script:
        "../scripts/plot_topic_map.py"


rule write_index:
    input:
        report="results/parse_report.json",
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
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
