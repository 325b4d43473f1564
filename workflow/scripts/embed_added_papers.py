"""Rule embed_added_papers: the papers not in the last full fit -> their vectors, in one job."""

from topics.logs import rule_log
from topics.shards import run_embed_added

with rule_log(snakemake.log[0]):
    run_embed_added(
        snakemake.input.papers,
        snakemake.input.fit_papers,
        snakemake.output.vectors,
        threads=snakemake.threads,
        **snakemake.params.embedding,
    )
