"""Rules measure_stability(_sweep): UMAP reductions per seed -> HDBSCAN each -> pairwise ARI
and topic stability."""

from topics.logs import rule_log
from topics.stability import run_stability

with rule_log(snakemake.log[0]):
    run_stability(
        list(snakemake.input.reduced),
        snakemake.params.seeds,
        snakemake.params.reference_seed,
        snakemake.input.reference,
        snakemake.output.stability,
        **snakemake.params.hdbscan,
    )
