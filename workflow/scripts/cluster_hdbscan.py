"""Rule cluster_hdbscan: reduced vectors -> cluster labels."""

from topics.cluster import run_cluster
from topics.logs import rule_log

with rule_log(snakemake.log[0]):
    run_cluster(snakemake.input.reduced, snakemake.output.clusters, **snakemake.params.hdbscan)
