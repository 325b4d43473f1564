"""Rule write_index: intermediates, parse report and metrics -> index.html, the entry page."""

from topics.logs import rule_log
from topics.report.data import ReportPaths
from topics.report.pages import run_index

with rule_log(snakemake.log[0]):
    paths = ReportPaths.of(snakemake.input)
    run_index(
        paths,
        snakemake.input.report,
        snakemake.input.metrics,
        snakemake.output.html,
        snakemake.input.get("fit"),  # update: incremental only
        config=snakemake.params.config,
        listing_paths=list(snakemake.input.listings),
    )
