# update: incremental: the papers added since the last full fit are embedded and placed with
# that fit's models (topics.place), writing the intermediates the fit's rules write in a
# full run, so the report rules run unchanged. The fit in results/model/ is read, never
# made here (ancient: its files' times never call for a refit); stability and metrics.json
# stay those of the fit.


rule embed_added_papers:
    input:
        papers="results/intermediate/papers.parquet",
        fit_papers=ancient(MODEL_FIT["fit_papers"]),
    output:
        vectors="results/intermediate/added/embeddings.npz",
    params:
        embedding=embedding_settings(config["embedding"]),
    threads: ALL_CORES
    # As for a full shard: how many papers were added is known only once they are parsed.
    resources:
        mem_mb=lambda wildcards, threads: embed_resources(config["embedding"]["shard_size"], threads)[0],
        runtime=lambda wildcards, threads: embed_resources(config["embedding"]["shard_size"], threads)[1],
    log:
        "results/logs/embed_added_papers.log",
    benchmark:
        "results/benchmarks/embed_added_papers.tsv"
    script:
        "../scripts/embed_added_papers.py"


rule place_added_papers:
    input:
        papers="results/intermediate/papers.parquet",
        added="results/intermediate/added/embeddings.npz",
        **{name: ancient(path) for name, path in (MODEL_FIT | MODEL_ESTIMATORS).items()},
    output:
        # The fit's vectors and the added papers', in the papers' order: what find_neighbours reads.
        embeddings="results/intermediate/embeddings.npy",
        reduced="results/intermediate/umap_cluster.npy",
        clusters="results/intermediate/clusters.npz",
        assignments="results/intermediate/assignments.parquet",
        topics="results/intermediate/topics.parquet",
        coords="results/intermediate/umap_map.npy",
        themes="results/intermediate/themes.parquet",
        theme_tree="results/intermediate/theme_tree.npy",
    params:
        outliers=config["outliers"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/place_added_papers.log",
    benchmark:
        "results/benchmarks/place_added_papers.tsv"
    script:
        "../scripts/place_added_papers.py"
