"""Rule derive_themes: topics and the papers' neighbour graph -> themes and their tree."""

from topics.logs import rule_log
from topics.themes import run_themes

with rule_log(snakemake.log[0]):
    run_themes(
        snakemake.input.papers,
        snakemake.input.assignments,
        snakemake.input.embeddings,
        snakemake.output.themes,
        snakemake.output.tree,
        snakemake.input.topics,
        neighbours_path=snakemake.input.neighbours,
        exact_max=snakemake.params.exact_max,
        llm=snakemake.params.llm,
        threads=snakemake.threads,
        vectorizer=snakemake.params.vectorizer,
        **snakemake.params.themes,
    )
