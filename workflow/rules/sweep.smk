# Every combination of config's sweep values runs into results/sweep/<combo>/, sharing the
# one embedding; Snakemake skips combinations whose outputs exist.


rule reduce_umap_sweep:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        reduced="results/sweep/reductions/{reduction}/seed{seed}.npy",
    params:
        umap=lambda wildcards: {**section_params(config, REDUCTIONS[wildcards.reduction], "umap"),
                                "random_state": int(wildcards.seed)},
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/sweep/reduce_umap/{reduction}/seed{seed}.log",
    script:
        "../scripts/reduce_umap.py"


# Every combination's topics as the main run makes them: its HDBSCAN on each throw's reduction
# (the combination's UMAP under each throw's seed), then the throws' consensus, voted on the
# main run's neighbour graph.
rule cluster_hdbscan_sweep:
    input:
        reduced=lambda wildcards: [sweep_reduction(wildcards.combo, seed) for seed in THROW_SEEDS],
        **CONSENSUS_GRAPH,
    output:
        clusters="results/sweep/{combo}/clusters.npz",
        stability="results/sweep/{combo}/stability.json",
    params:
        hdbscan=lambda wildcards: section_params(config, SWEEP[wildcards.combo], "hdbscan"),
        seeds=THROW_SEEDS,
        need=config["consensus"]["need"],
        umap=config["umap"],
        soft_membership=config["outliers"]["strategy"] == "probabilities",
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/sweep/cluster_hdbscan/{combo}.log",
    script:
        "../scripts/cluster_hdbscan.py"


rule label_topics_sweep:
    input:
        papers="results/intermediate/papers.parquet",
        embeddings="results/intermediate/embeddings.npy",
        clusters="results/sweep/{combo}/clusters.npz",
    output:
        topics="results/sweep/{combo}/topics.parquet",
        assignments="results/sweep/{combo}/assignments.parquet",
    params:
        vectorizer=lambda wildcards: section_params(config, SWEEP[wildcards.combo], "vectorizer"),
        bertopic=config["bertopic"],
        keywords=config["keywords"],
        outliers=config["outliers"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/sweep/label_topics/{combo}.log",
    script:
        "../scripts/label_topics.py"


rule score_topics_sweep:
    input:
        papers="results/intermediate/papers.parquet",
        topics="results/sweep/{combo}/topics.parquet",
        assignments="results/sweep/{combo}/assignments.parquet",
        clusters="results/sweep/{combo}/clusters.npz",
        reduced=lambda wildcards: sweep_reduction(wildcards.combo, MAIN_SEED),
        stability="results/sweep/{combo}/stability.json",
    output:
        metrics="results/sweep/{combo}/metrics.json",
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/sweep/score_topics/{combo}.log",
    script:
        "../scripts/score_topics.py"


rule summarize_sweep:
    input:
        metrics=expand("results/sweep/{combo}/metrics.json", combo=list(SWEEP)),
        js="results/plotly.min.js",
    output:
        summary="results/sweep/summary.csv",
        html="results/sweep/index.html",
    params:
        names=list(SWEEP),
        sweep=config["sweep"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/summarize_sweep.log",
    script:
        "../scripts/summarize_sweep.py"
