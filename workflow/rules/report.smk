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


# matplotlib, not a browser: the main job must run where no Chromium is installed.
rule plot_static_map:
    input:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    output:
        png="results/topic_map.png",
    log:
        "results/logs/plot_static_map.log",
    script:
        "../scripts/plot_static_map.py"


rule compute_topic_centroids:
    input:
        embeddings="results/intermediate/embeddings.npy",
        assignments="results/intermediate/assignments.parquet",
        topics="results/intermediate/topics.parquet",
    output:
        centroids="results/intermediate/topic_centroids.npz",
    log:
        "results/logs/compute_topic_centroids.log",
    script:
        "../scripts/compute_topic_centroids.py"


rule plot_intertopic_map:
    input:
        centroids="results/intermediate/topic_centroids.npz",
        topics_csv="results/topics.csv",
    output:
        html="results/intertopic_map.html",
    params:
        kind="intertopic",
    log:
        "results/logs/plot_intertopic_map.log",
    script:
        "../scripts/plot_centroid_view.py"


rule plot_topic_hierarchy:
    input:
        centroids="results/intermediate/topic_centroids.npz",
        topics_csv="results/topics.csv",
    output:
        html="results/topic_hierarchy.html",
    params:
        kind="hierarchy",
    log:
        "results/logs/plot_topic_hierarchy.log",
    script:
        "../scripts/plot_centroid_view.py"


rule plot_topic_similarity:
    input:
        centroids="results/intermediate/topic_centroids.npz",
        topics_csv="results/topics.csv",
    output:
        html="results/topic_similarity.html",
    params:
        kind="similarity",
    log:
        "results/logs/plot_topic_similarity.log",
    script:
        "../scripts/plot_centroid_view.py"


rule plot_top_terms:
    input:
        topics="results/intermediate/topics.parquet",
    output:
        html="results/top_terms.html",
    log:
        "results/logs/plot_top_terms.log",
    script:
        "../scripts/plot_top_terms.py"


rule plot_topic_sources:
    input:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
    output:
        html="results/topic_sources.html",
    log:
        "results/logs/plot_topic_sources.log",
    script:
        "../scripts/plot_topic_sources.py"


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
