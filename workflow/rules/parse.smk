rule parse_seeds:
    input:
        listings=seed_files(),
    output:
        papers="results/intermediate/papers.parquet",
        report="results/parse_report.json",
    params:
        inputs=config["inputs"],
        seeds_dir=config["seeds_dir"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/parse_seeds.log",
    benchmark:
        "results/benchmarks/parse_seeds.tsv"
    script:
        "../scripts/parse_seeds.py"
