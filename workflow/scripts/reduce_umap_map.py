"""Rule reduce_umap_map: embeddings, the clustering's coordinates and topics -> the 2-D map."""

from topics.logs import rule_log
from topics.reduce import run_map_layout

with rule_log(snakemake.log[0]):
    run_map_layout(
        snakemake.input.embeddings,
        snakemake.input.reduced,
        snakemake.input.assignments,
        snakemake.output.coords,
        snakemake.output.model,
        snakemake.input.neighbours,
        cluster_params=snakemake.params.umap,
        **snakemake.params.umap_map,
    )
