# Four jobs, not one per page: every job is a new Python process that pays for its
# interpreter start, Snakemake's script preamble and imports, more than most pages take.
# Each reads the intermediates (REPORT_INPUTS), never the CSV files written for people.


rule write_tables:
    input:
        **REPORT_INPUTS,
    output:
        papers_csv="results/papers.csv",
        topics_csv="results/topics.csv",
        themes_csv="results/themes.csv",
        trends_csv="results/topic_trends.csv",
        neighbours_csv="results/paper_neighbours.csv",
        lists=directory("results/topics"),
        theme_lists=directory("results/themes"),
    params:
        options=config["report"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/write_tables.log",
    benchmark:
        "results/benchmarks/write_tables.tsv"
    script:
        "../scripts/write_tables.py"


# Every view with a figure (topics.report.views), the files they load from beside them
# and the one plotly.js they share.
rule plot_topic_pages:
    input:
        **REPORT_INPUTS,
    output:
        pages=[f"results/{view.file}" for view in FIGURE_VIEWS],
        files=[f"results/{name}" for name in PAGE_FILES],
        plotly_js="results/plotly.min.js",
    params:
        options=config["report"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
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
        **REPORT_INPUTS,
    output:
        png="results/topic_map.png",
    params:
        options=config["report"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/plot_static_map.log",
    benchmark:
        "results/benchmarks/plot_static_map.tsv"
    script:
        "../scripts/plot_static_map.py"


rule write_index:
    input:
        **REPORT_INPUTS,
        report="results/parse_report.json",
        metrics="results/metrics.json",
        listings=seed_files(),
        # Linked from the page; listed so the index is written once the picture exists.
        picture="results/topic_map.png",
        # When the fit was made, which the index names beside the papers placed since.
        **({"fit": ancient(MODEL_FIT["fit"])} if INCREMENTAL else {}),
    output:
        html="results/index.html",
    params:
        config=config,
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/write_index.log",
    benchmark:
        "results/benchmarks/write_index.tsv"
    script:
        "../scripts/write_index.py"
