"""Rule write_topic_lists: papers.csv + topics.csv -> one Markdown reading list per topic."""
from topics.logs import rule_log
from topics.reading_lists import run_reading_lists

with rule_log(snakemake.log[0]):
    run_reading_lists(snakemake.input.papers_csv, snakemake.input.topics_csv,
                      snakemake.output.lists)
