"""Rule write_tables: intermediates -> papers.csv, topics.csv, themes.csv, reading lists."""

from topics.logs import rule_log
from topics.report.data import ReportPaths
from topics.report.tables import run_tables

with rule_log(snakemake.log[0]):
    out = snakemake.output
    run_tables(
        ReportPaths.of(snakemake.input),
        out.papers_csv,
        out.topics_csv,
        out.themes_csv,
        out.trends_csv,
        out.neighbours_csv,
        out.lists,
        out.theme_lists,
        options=snakemake.params.options,
    )
