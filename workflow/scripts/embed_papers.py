"""Rule embed_papers: papers table -> one normalised embedding row per paper."""

from topics.embed import run_embed
from topics.logs import rule_log

with rule_log(snakemake.log[0]):
    run_embed(
        snakemake.input.papers,
        snakemake.output.embeddings,
        threads=snakemake.threads,
        **snakemake.params.embedding,
    )
