"""Rule plot_static_map: papers.csv + topics.csv -> topic_map.png (matplotlib, no browser)."""
from topics.logs import rule_log
from topics.pages import run_static_map

with rule_log(snakemake.log[0]):
    run_static_map(snakemake.input.papers_csv, snakemake.input.topics_csv, snakemake.output.png)
