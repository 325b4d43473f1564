"""Rule find_neighbours: embeddings -> each paper's nearest papers."""

from topics.logs import rule_log
from topics.neighbours import run_find_neighbours

with rule_log(snakemake.log[0]):
    run_find_neighbours(
        snakemake.input.papers,
        snakemake.input.embeddings,
        snakemake.input.get("graph"),
        snakemake.output.neighbours,
        fit_path=snakemake.input.get("fit"),
        assignments_path=snakemake.input.get("assignments"),
        **snakemake.params.neighbours,
    )
