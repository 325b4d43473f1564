"""Rule gather_embeddings: every shard's vectors -> one row per paper, in the papers' order."""

from topics.logs import rule_log
from topics.shards import run_gather

with rule_log(snakemake.log[0]):
    run_gather(snakemake.input.papers, snakemake.input.shards, snakemake.output.embeddings)
