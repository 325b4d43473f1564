"""Rule reduce_umap_throws: embeddings -> every throw's UMAP coordinates (the main run's
with its model and neighbours), one process."""

from topics.logs import rule_log
from topics.reduce import run_reduce_throws

with rule_log(snakemake.log[0]):
    run_reduce_throws(
        snakemake.input.embeddings,
        snakemake.output.reduced,
        snakemake.output.model,
        snakemake.output.neighbours,
        list(snakemake.output.others),
        snakemake.params.seeds,
        workers=snakemake.threads,
        **snakemake.params.umap,
    )
