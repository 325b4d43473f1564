"""Rule split_papers: papers table -> the texts to embed in shards, each with its fingerprint."""

from topics.logs import rule_log
from topics.shards import run_split

with rule_log(snakemake.log[0]):
    run_split(
        snakemake.input.papers,
        snakemake.output.shards,
        shard_size=snakemake.params.shard_size,
    )
