"""Rule summarize_sweep: every combination's metrics.json -> summary.csv and index.html."""

from topics.logs import rule_log
from topics.report.pages import run_sweep_summary

with rule_log(snakemake.log[0]):
    run_sweep_summary(
        snakemake.params.names,
        list(snakemake.input.metrics),
        snakemake.params.sweep,
        snakemake.output.summary,
        snakemake.output.html,
    )
