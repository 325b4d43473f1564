# The papers' texts in shards (topics.shards), each embedded by its own job: on one machine
# the shards take turns at all its cores, on a cluster each is a job of its own; a crash
# loses at most the shards in flight, and adding papers re-embeds only the shards they fall
# in. The number of shards follows the corpus, so it is known once the papers are split.


checkpoint split_papers:
    input:
        papers="results/intermediate/papers.parquet",
    output:
        shards=directory("results/intermediate/shards"),
    params:
        shard_size=config["embedding"]["shard_size"],
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/split_papers.log",
    benchmark:
        "results/benchmarks/split_papers.tsv"
    script:
        "../scripts/split_papers.py"


rule embed_papers:
    input:
        # Snakemake compares the checksums of small inputs, not only their times: a shard
        # whose fingerprint (the SHA-1 of its texts' keys) did not change is not embedded
        # again when the papers are split anew. Its texts are fixed by the fingerprint, so
        # their table (too large to checksum) is marked ancient.
        fingerprint="results/intermediate/shards/shard-{shard}.sha1",
        texts=ancient("results/intermediate/shards/shard-{shard}.parquet"),
    output:
        vectors="results/intermediate/embeddings/shard-{shard}.npz",
    params:
        embedding=embedding_settings(config["embedding"]),
    threads: ALL_CORES
    resources:
        mem_mb=embed_mem_mb,
        runtime=embed_runtime,
    log:
        "results/logs/embed_papers/shard-{shard}.log",
    benchmark:
        "results/benchmarks/embed_papers/shard-{shard}.tsv"
    script:
        "../scripts/embed_papers.py"


def embedding_shards(wildcards):
    """Every shard's vectors, once split_papers has said how many shards there are."""
    shards = checkpoints.split_papers.get().output.shards
    names = glob_wildcards(f"{shards}/shard-{{shard}}.sha1").shard
    return expand("results/intermediate/embeddings/shard-{shard}.npz", shard=sorted(names))


rule gather_embeddings:
    input:
        papers="results/intermediate/papers.parquet",
        shards=embedding_shards,
    output:
        embeddings="results/intermediate/embeddings.npy",
    threads: 1
    resources:
        mem_mb=scaled_mem_mb,
        runtime=scaled_runtime,
    log:
        "results/logs/gather_embeddings.log",
    benchmark:
        "results/benchmarks/gather_embeddings.tsv"
    script:
        "../scripts/gather_embeddings.py"
