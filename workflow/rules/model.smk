# update: full keeps what its fit needs to place papers added later (update: incremental)
# in results/model/: the fitted UMAPs and HDBSCAN (written by their own jobs) and this.


rule save_model:
    input:
        papers="results/intermediate/papers.parquet",
        embeddings="results/intermediate/embeddings.npy",
        reduced="results/intermediate/umap_cluster.npy",
        clusters="results/intermediate/clusters.npz",
        assignments="results/intermediate/assignments.parquet",
        topics="results/intermediate/topics.parquet",
        coords="results/intermediate/umap_map.npy",
        themes="results/intermediate/themes.parquet",
        theme_tree="results/intermediate/theme_tree.npy",
        neighbours="results/intermediate/neighbours.parquet",
        # The fitted models: fit.json is written once they are.
        models=list(MODEL_ESTIMATORS.values()),
    output:
        **MODEL_FIT,
    params:
        # Only the parameters the fit depends on: a change elsewhere (report, trends)
        # must not make the kept fit look newer than it is.
        parameters=fit_parameters(config),
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/save_model.log",
    benchmark:
        "results/benchmarks/save_model.tsv"
    script:
        "../scripts/save_model.py"
