"""Rule reduce_umap_throws: embeddings -> the other throws' UMAP coordinates, one process."""

from topics.logs import rule_log
from topics.reduce import run_reduce_throws

with rule_log(snakemake.log[0]):
    run_reduce_throws(
        snakemake.input.embeddings,
        list(snakemake.output.reduced),
        snakemake.params.seeds,
        snakemake.input.neighbours,
        workers=snakemake.threads,
        **snakemake.params.umap,
    )
