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


rule cluster_hdbscan_sweep:
    input:
        reduced=lambda wildcards: sweep_reduction(wildcards.combo, wildcards.seed),
    output:
        clusters="results/sweep/{combo}/seed{seed}/clusters.npz",
    params:
        hdbscan=lambda wildcards: section_params(config, SWEEP[wildcards.combo], "hdbscan"),
        soft_membership=config["outliers"]["strategy"] == "probabilities",
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/sweep/cluster_hdbscan/{combo}/seed{seed}.log",
    script:
        "../scripts/cluster_hdbscan.py"


rule label_topics_sweep:
    input:
        papers="results/intermediate/papers.parquet",
        embeddings="results/intermediate/embeddings.npy",
        clusters=f"results/sweep/{{combo}}/seed{MAIN_SEED}/clusters.npz",
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


rule measure_stability_sweep:
    input:
        reduced=lambda wildcards: [sweep_reduction(wildcards.combo, seed) for seed in OTHER_SEEDS],
        reference=f"results/sweep/{{combo}}/seed{MAIN_SEED}/clusters.npz",
    output:
        stability="results/sweep/{combo}/stability.json",
    params:
        seeds=STABILITY_SEEDS,
        reference_seed=MAIN_SEED,
        hdbscan=lambda wildcards: section_params(config, SWEEP[wildcards.combo], "hdbscan"),
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/sweep/measure_stability/{combo}.log",
    script:
        "../scripts/measure_stability.py"


rule score_topics_sweep:
    input:
        papers="results/intermediate/papers.parquet",
        topics="results/sweep/{combo}/topics.parquet",
        assignments="results/sweep/{combo}/assignments.parquet",
        clusters=f"results/sweep/{{combo}}/seed{MAIN_SEED}/clusters.npz",
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
