"""Rule copy_plotly_js: the one plotly.js bundle all pages share, so no page needs a CDN."""
from topics.logs import rule_log
from topics.pages import run_plotly_js

with rule_log(snakemake.log[0]):
    run_plotly_js(snakemake.output.js)
