"""Rule parse_seeds: input files (listings and exports) -> papers table + parse report."""

from topics.logs import rule_log
from topics.parse import run_parse

with rule_log(snakemake.log[0]):
    run_parse(
        snakemake.input.listings,
        snakemake.output.papers,
        snakemake.output.report,
        **snakemake.params.inputs,
        seeds_dir=snakemake.params.seeds_dir,
    )
