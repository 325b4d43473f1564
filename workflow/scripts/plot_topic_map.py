"""Rule plot_topic_map: papers.csv + topics.csv -> topic_map.html."""
from topics.logs import rule_log
from topics.pages import run_map_page

with rule_log(snakemake.log[0]):
    run_map_page(snakemake.input.papers_csv, snakemake.input.topics_csv, snakemake.output.html)
