"""Rule embed_papers: one shard's texts -> one normalised embedding row per text."""

from topics.logs import rule_log
from topics.shards import run_embed_shard

with rule_log(snakemake.log[0]):
    run_embed_shard(
        snakemake.input.texts,
        snakemake.output.vectors,
        threads=snakemake.threads,
        **snakemake.params.embedding,
    )
