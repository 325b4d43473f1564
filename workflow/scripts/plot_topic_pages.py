"""Rule plot_topic_pages: intermediates -> every view with a figure + the plotly.js they share."""

from topics.logs import rule_log
from topics.report.data import ReportPaths
from topics.report.pages import run_pages

with rule_log(snakemake.log[0]):
    paths = ReportPaths.of(snakemake.input)
    run_pages(
        paths,
        list(snakemake.output.pages),
        list(snakemake.output.files),
        snakemake.output.plotly_js,
        options=snakemake.params.options,
    )
