"""Rules cluster_hdbscan(_sweep): reduced vectors -> cluster labels, none above max_share."""

from topics.cluster import run_cluster
from topics.logs import rule_log

with rule_log(snakemake.log[0]):
    run_cluster(
        snakemake.input.reduced,
        snakemake.output.clusters,
        snakemake.output.get("model"),  # the main run's only
        soft_membership=snakemake.params.soft_membership,
        **snakemake.params.hdbscan,
    )
