"""Rules cluster_hdbscan(_sweep): the throws' reductions -> HDBSCAN each -> the topics'
clusters (one throw's, or the throws' consensus) and their stability."""

from topics.cluster import run_cluster
from topics.logs import rule_log

with rule_log(snakemake.log[0]):
    graph = snakemake.input.get("neighbours"), snakemake.input.get("embeddings")
    run_cluster(
        list(snakemake.input.reduced),
        snakemake.output.clusters,
        snakemake.output.get("model"),  # the main run's only
        snakemake.output.stability,
        seeds=snakemake.params.seeds,
        need=snakemake.params.need,
        graph=graph if all(graph) else None,
        umap=snakemake.params.umap,
        soft_membership=snakemake.params.soft_membership,
        **snakemake.params.hdbscan,
    )
