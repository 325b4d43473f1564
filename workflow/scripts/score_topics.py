"""Rules score_topics(_sweep): a run's topics, clusters, stability, themes and map ->
metrics.json (a sweep's combinations have no themes or map)."""

from topics.logs import rule_log
from topics.metrics import run_metrics

with rule_log(snakemake.log[0]):
    run_metrics(
        snakemake.input.papers,
        snakemake.input.topics,
        snakemake.input.assignments,
        snakemake.input.clusters,
        snakemake.input.reduced,
        snakemake.output.metrics,
        snakemake.input.stability,
        snakemake.input.get("themes"),
        snakemake.input.get("coords"),
    )
