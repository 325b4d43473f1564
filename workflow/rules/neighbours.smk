# Papers like this one (topics.neighbours): each paper's nearest papers by cosine, in both
# update modes: an incremental run's embeddings.npy holds the fit's vectors and the added
# ones, and the fit's lists are updated with the added papers rather than searched again.


rule find_neighbours:
    input:
        papers="results/intermediate/papers.parquet",
        embeddings="results/intermediate/embeddings.npy",
        # UMAP's neighbour graph, reused above neighbours.exact_max papers (full runs only).
        **(
            {
                "fit": ancient(MODEL_FIT["neighbours"]),
                "assignments": "results/intermediate/assignments.parquet",
            }
            if INCREMENTAL
            else {"graph": "results/intermediate/umap_neighbours.npz"}
        ),
    output:
        neighbours="results/intermediate/neighbours.parquet",
    params:
        neighbours=config["neighbours"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/find_neighbours.log",
    benchmark:
        "results/benchmarks/find_neighbours.tsv"
    script:
        "../scripts/find_neighbours.py"
