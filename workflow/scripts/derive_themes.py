"""Rule derive_themes: topics and the throws' coordinates -> themes and their tree."""

from topics.logs import rule_log
from topics.themes import run_themes

with rule_log(snakemake.log[0]):
    run_themes(
        snakemake.input.papers,
        snakemake.input.assignments,
        list(snakemake.input.reduced),
        snakemake.output.themes,
        snakemake.output.tree,
        snakemake.input.topics,
        llm=snakemake.params.llm,
        threads=snakemake.threads,
        vectorizer=snakemake.params.vectorizer,
        random_state=snakemake.params.random_state,
        **snakemake.params.themes,
    )
