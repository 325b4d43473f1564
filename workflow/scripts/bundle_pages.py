"""Rule bundle_pages: the pages and what they link to -> results/atlas/, for the report."""

from topics.logs import rule_log
from topics.report.bundle import run_bundle

with rule_log(snakemake.log[0]):
    run_bundle(snakemake.input, snakemake.output.atlas)
