"""Rule measure_trends: papers, topics and themes -> papers per period and trends."""

from topics.logs import rule_log
from topics.trends import run_trends

with rule_log(snakemake.log[0]):
    run_trends(
        snakemake.input.papers,
        snakemake.input.assignments,
        snakemake.input.themes,
        snakemake.output.counts,
        snakemake.output.trends,
        **snakemake.params.trends,
    )
