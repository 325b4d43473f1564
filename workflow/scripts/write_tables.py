"""Rule write_tables: intermediate tables -> papers.csv, topics.csv and the reading lists."""
from topics.logs import rule_log
from topics.tables import run_tables

with rule_log(snakemake.log[0]):
    run_tables(snakemake.input.papers, snakemake.input.assignments, snakemake.input.topics,
               snakemake.input.coords, snakemake.output.papers_csv, snakemake.output.topics_csv,
               snakemake.output.lists, stability_path=snakemake.input.stability,
               clusters_path=snakemake.input.clusters)
