rule write_tables:
    input:
        papers="results/intermediate/papers.parquet",
        assignments="results/intermediate/assignments.parquet",
        topics="results/intermediate/topics.parquet",
        coords="results/intermediate/umap_map.npy",
        stability="results/intermediate/stability.json",
    output:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    log:
        "results/logs/write_tables.log",
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
    script:
        "../scripts/write_topic_lists.py"


rule copy_plotly_js:
    output:
        js="results/plotly.min.js",
    log:
        "results/logs/copy_plotly_js.log",
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
    script:
        "../scripts/plot_topic_map.py"


rule write_index:
    input:
        report="results/parse_report.json",
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
        metrics="results/metrics.json",
    output:
        html="results/index.html",
    params:
        config=config,
    log:
        "results/logs/write_index.log",
    script:
        "../scripts/write_index.py"
