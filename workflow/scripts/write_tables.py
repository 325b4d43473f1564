"""Rule write_tables: intermediates -> papers.csv, topics.csv and the reading lists."""

from topics.logs import rule_log
from topics.report.data import ReportPaths
from topics.report.tables import run_tables

with rule_log(snakemake.log[0]):
    paths = ReportPaths.of(snakemake.input)
    run_tables(
        paths, snakemake.output.papers_csv, snakemake.output.topics_csv, snakemake.output.lists
    )
