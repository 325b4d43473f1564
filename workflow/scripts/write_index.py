"""Rule write_index: parse report + tables -> index.html, the entry page."""
from topics.logs import rule_log
from topics.pages import run_index_page

with rule_log(snakemake.log[0]):
    run_index_page(snakemake.input.report, snakemake.input.papers_csv,
                   snakemake.input.topics_csv, snakemake.output.html,
                   config=snakemake.params.config, listing_paths=list(snakemake.input.listings),
                   metrics_path=snakemake.input.metrics)
