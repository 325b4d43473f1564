"""Rules reduce_umap(_seed, _sweep): embeddings -> UMAP coordinates for clustering."""

from topics.logs import rule_log
from topics.reduce import run_reduce

with rule_log(snakemake.log[0]):
    run_reduce(
        snakemake.input.embeddings,
        snakemake.output.reduced,
        snakemake.output.get("model"),  # the main run's only
        snakemake.output.get("neighbours"),  # the main run's only
        snakemake.input.get("neighbours"),  # a stability seed's
        **snakemake.params.umap,
    )
