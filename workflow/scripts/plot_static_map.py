"""Rule plot_static_map: intermediates -> topic_map.png (matplotlib, no browser)."""

from topics.logs import rule_log
from topics.report.data import ReportPaths
from topics.report.pages import run_static_map

with rule_log(snakemake.log[0]):
    paths = ReportPaths.of(snakemake.input)
    run_static_map(paths, snakemake.output.png, options=snakemake.params.options)
