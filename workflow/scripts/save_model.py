"""Rule save_model: the fit's intermediates -> results/model/, to place later papers with."""

from topics.logs import rule_log
from topics.model import FIT_NEIGHBOURS, KEPT_INTERMEDIATES, run_save_model

KEPT = [*KEPT_INTERMEDIATES, FIT_NEIGHBOURS]

with rule_log(snakemake.log[0]):
    inputs, outputs = snakemake.input, snakemake.output
    run_save_model(
        inputs.papers,
        inputs.embeddings,
        {name: inputs[name] for name in KEPT},
        {name: outputs[name] for name in KEPT},
        outputs.fit_papers,
        outputs.outlier_vectors,
        outputs.fit,
        parameters=snakemake.params.parameters,
    )
