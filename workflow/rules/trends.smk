# Papers per period and each theme's and topic's trend (none when the inputs give no years).


rule measure_trends:
    input:
        papers="results/intermediate/papers.parquet",
        assignments="results/intermediate/assignments.parquet",
        themes="results/intermediate/themes.parquet",
    output:
        counts="results/intermediate/trend_counts.parquet",
        trends="results/intermediate/trends.parquet",
    params:
        trends=config["trends"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/measure_trends.log",
    benchmark:
        "results/benchmarks/measure_trends.tsv"
    script:
        "../scripts/measure_trends.py"
