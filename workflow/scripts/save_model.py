"""Rule save_model: the fit's intermediates -> results/model/, to place later papers with."""

from topics.logs import rule_log
from topics.model import KEPT_INTERMEDIATES, run_save_model

with rule_log(snakemake.log[0]):
    inputs, outputs = snakemake.input, snakemake.output
    run_save_model(
        inputs.papers,
        inputs.embeddings,
        {name: inputs[name] for name in KEPT_INTERMEDIATES},
        {name: outputs[name] for name in KEPT_INTERMEDIATES},
        outputs.fit_papers,
        outputs.outlier_vectors,
        outputs.fit,
        parameters=snakemake.params.parameters,
    )
