"""Rule plot_topic_sources: papers.csv -> topic_sources.html (papers per topic and file)."""
from topics.logs import rule_log
from topics.pages import run_sources_page

with rule_log(snakemake.log[0]):
    run_sources_page(snakemake.input.papers_csv, snakemake.input.topics_csv,
                     snakemake.output.html)
