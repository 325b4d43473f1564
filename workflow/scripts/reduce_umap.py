"""Rules reduce_umap and reduce_umap_map: embeddings -> UMAP coordinates."""

from topics.logs import rule_log
from topics.reduce import run_reduce

with rule_log(snakemake.log[0]):
    run_reduce(snakemake.input.embeddings, snakemake.output.reduced, **snakemake.params.umap)
