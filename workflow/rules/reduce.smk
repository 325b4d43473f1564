# The main run's UMAP, a job of its own on a cluster; on one machine reduce_umap_throws below
# makes the same files with the other throws.
rule reduce_umap:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        reduced="results/intermediate/umap_cluster.npy",
        # The fitted UMAP, which places papers added later (update: incremental).
        model="results/model/umap_cluster.pkl",
        # Its nearest neighbours, which the other throws reuse (topics.reduce.fitted_neighbours)
        # and vote on (topics.cluster.consensus_graph).
        neighbours="results/intermediate/umap_neighbours.npz",
    params:
        umap=config["umap"],
    # The topics' chain (reduce, the other throws, cluster, label) goes first whenever jobs
    # wait for a core; the other throws wait for this one's neighbours.
    priority: 2
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/reduce_umap.log",
    benchmark:
        "results/benchmarks/reduce_umap.tsv"
    script:
        "../scripts/reduce_umap.py"


# The map is laid out around the topics (topics.reduce.map_layout), so it follows labelling.
rule reduce_umap_map:
    input:
        embeddings="results/intermediate/embeddings.npy",
        reduced="results/intermediate/umap_cluster.npy",
        assignments="results/intermediate/assignments.parquet",
        # The clustering UMAP's neighbours, which the map takes rather than search again
        # where its metric and n_neighbors allow (topics.reduce.map_neighbours).
        neighbours="results/intermediate/umap_neighbours.npz",
    output:
        coords="results/intermediate/umap_map.npy",
        # The fitted map UMAP, which places papers added later (update: incremental).
        model="results/model/umap_map.pkl",
    params:
        umap_map=config["umap_map"],
        umap=config["umap"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/reduce_umap_map.log",
    benchmark:
        "results/benchmarks/reduce_umap_map.tsv"
    script:
        "../scripts/reduce_umap_map.py"


# The other throws (consensus.throws): the main run's UMAP under another seed each. On a
# cluster, reduce_umap above and one job per other throw (reduce_umap_seed), so that they run
# side by side on as many nodes. On one machine, one job for every throw, the main one
# included (reduce_umap_throws), its throws side by side on the job's cores: a job per throw
# would pay its interpreter and UMAP's imports once per throw, on a small corpus more than
# the throw itself, and a seeded UMAP uses one core, so the main throw alone would leave the
# others idle (benchmarks/RESULTS.md, issue 25). Both ways write the same files, array for
# array; ruleorder below picks one (ON_CLUSTER, common.smk), and a job on a node (remote
# mode) finds any of these rules by name.
rule reduce_umap_seed:
    input:
        embeddings="results/intermediate/embeddings.npy",
        neighbours="results/intermediate/umap_neighbours.npz",
    output:
        reduced="results/intermediate/throws/seed{seed}/umap_cluster.npy",
    params:
        umap=lambda wildcards: {**config["umap"], "random_state": int(wildcards.seed)},
    # On the topics' chain: clustering waits for every throw.
    priority: 2
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/reduce_umap_seed/seed{seed}.log",
    benchmark:
        "results/benchmarks/reduce_umap_seed/seed{seed}.tsv"
    script:
        "../scripts/reduce_umap.py"


# Each other throw's seed, by the path of its reduction.
THROW_OF_REDUCTION = {seed_reduction(seed): seed for seed in OTHER_SEEDS}


rule reduce_umap_throws:
    input:
        embeddings="results/intermediate/embeddings.npy",
    output:
        # reduce_umap's outputs,
        reduced="results/intermediate/umap_cluster.npy",
        model="results/model/umap_cluster.pkl",
        neighbours="results/intermediate/umap_neighbours.npz",
        # and reduce_umap_seed's.
        others=[seed_reduction(seed) for seed in OTHER_SEEDS],
    params:
        umap=config["umap"],
        # Each other throw's seed. A function of the outputs, so Snakemake does not count it
        # as a parameter: with fewer throws (7 -> 3) the remaining throws' files stay as they
        # are, as with a job per throw. More throws run this job again, all its throws.
        seeds=lambda wildcards, output: [THROW_OF_REDUCTION[path] for path in output.others],
    priority: 2
    # A seeded UMAP runs on one core: a throw per core.
    threads: max(1, min(len(THROW_SEEDS), ALL_CORES))
    resources:
        mem_mb=throws_mem_mb,
        runtime=throws_runtime,
    log:
        "results/logs/reduce_umap_throws.log",
    benchmark:
        "results/benchmarks/reduce_umap_throws.tsv"
    script:
        "../scripts/reduce_umap_throws.py"


if ON_CLUSTER:

    ruleorder: reduce_umap_seed > reduce_umap > reduce_umap_throws

else:

    ruleorder: reduce_umap_throws > reduce_umap > reduce_umap_seed
