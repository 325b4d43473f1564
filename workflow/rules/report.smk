# Four jobs, not one per page: every job is a new Python process that pays for its
# interpreter start, Snakemake's script preamble and imports, more than most pages take.
# Each reads the intermediates (REPORT_INPUTS), never the CSV files written for people.


rule write_tables:
    input:
        **REPORT_INPUTS,
    output:
        papers_csv=report(
            "results/papers.csv",
            caption="../report/papers_csv.rst",
            category="2. Tables",
            labels={"table": "papers"},
        ),
        topics_csv=report(
            "results/topics.csv",
            caption="../report/topics_csv.rst",
            category="2. Tables",
            labels={"table": "topics"},
        ),
        themes_csv=report(
            "results/themes.csv",
            caption="../report/themes_csv.rst",
            category="2. Tables",
            labels={"table": "themes"},
        ),
        trends_csv=report(
            "results/topic_trends.csv",
            caption="../report/topic_trends_csv.rst",
            category="2. Tables",
            labels={"table": "trends"},
        ),
        neighbours_csv=report(
            "results/paper_neighbours.csv",
            caption="../report/paper_neighbours_csv.rst",
            category="2. Tables",
            labels={"table": "nearest papers"},
        ),
        # Each topic's and theme's reading list and BibTeX, one entry of the report each.
        lists=report(
            directory("results/topics"),
            patterns=["{name}.{kind}"],
            caption="../report/topic_lists.rst",
            category="3. Reading lists",
            subcategory="Topics",
            labels={"topic": "{name}", "file": "{kind}"},
        ),
        theme_lists=report(
            directory("results/themes"),
            patterns=["{name}.{kind}"],
            caption="../report/theme_lists.rst",
            category="3. Reading lists",
            subcategory="Themes",
            labels={"theme": "{name}", "file": "{kind}"},
        ),
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
    # Before write_tables (see plot_static_map): the longest of the report's jobs.
    priority: 1
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
        png=report(
            "results/topic_map.png",
            caption="../report/topic_map_png.rst",
            category="1. Atlas",
            labels={"what": "the map as a picture"},
        ),
    params:
        options=config["report"],
    # Before write_tables: the index waits for the picture and for score_topics
    # (metrics.smk), and the pages job is the longest; on two cores these three first.
    priority: 1
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


# `snakemake --report report.zip`: the pages with what they load and link to, as one folder
# the report opens at its index (topics.report.bundle), beside the tables, reading lists and
# BibTeX files marked where their rules write them.
rule bundle_pages:
    input:
        [f"results/{view.file}" for view in VIEWS],
        [f"results/{name}" for name in PAGE_FILES],
        "results/plotly.min.js",
        "results/topic_map.png",
        "results/papers.csv",
        "results/topics.csv",
        "results/themes.csv",
        "results/topic_trends.csv",
        "results/paper_neighbours.csv",
        # Marked as inputs here (Snakemake's report reads marks on inputs too), so that every
        # mark and caption of the report is in this file.
        report(
            "results/parse_report.json",
            caption="../report/parse_report.rst",
            category="4. Quality and inputs",
            labels={"file": "parse report"},
        ),
        report(
            "results/metrics.json",
            caption="../report/metrics.rst",
            category="4. Quality and inputs",
            labels={"file": "quality metrics"},
        ),
        "results/topics",
        "results/themes",
    output:
        atlas=report(
            directory("results/atlas"),
            htmlindex="index.html",
            caption="../report/atlas.rst",
            category="1. Atlas",
            labels={"what": "the pages: start here"},
        ),
    threads: 1
    # Files copied a buffer at a time: memory does not grow with the corpus.
    resources:
        mem_mb=300,
        runtime=10,
    log:
        "results/logs/bundle_pages.log",
    script:
        "../scripts/bundle_pages.py"
