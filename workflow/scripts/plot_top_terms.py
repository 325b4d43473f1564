"""Rule plot_top_terms: topics (keywords with c-TF-IDF scores) -> top_terms.html."""
from topics.logs import rule_log
from topics.pages import run_top_terms_page

with rule_log(snakemake.log[0]):
    run_top_terms_page(snakemake.input.topics, snakemake.output.html)
