"""Rule place_added_papers: the last full fit and the added papers' vectors -> the run's
intermediates, the added papers placed with the fit's models."""

from topics.logs import rule_log
from topics.model import KEPT_INTERMEDIATES, MODEL_FILES
from topics.place import run_place

with rule_log(snakemake.log[0]):
    inputs = snakemake.input
    run_place(
        inputs.papers,
        inputs.added,
        {name: inputs[name] for name in MODEL_FILES},
        {name: snakemake.output[name] for name in KEPT_INTERMEDIATES},
        outliers=snakemake.params.outliers,
    )
