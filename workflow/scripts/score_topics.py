"""Rules score_topics(_sweep): a run's topics, clusters and stability -> metrics.json."""

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
    )
