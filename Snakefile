# Paper listings in seeds/ -> topic maps and reading lists in results/.
# Stages: parse -> embed -> reduce (UMAP) -> cluster (HDBSCAN) -> label (BERTopic) -> themes
# -> map -> report.
from snakemake.utils import min_version

from topics.config import workflow_config

min_version("9.0")


configfile: "config.yaml"


# Validated against workflow/schemas/config.schema.yaml, defaults filled in, before any rule runs.
config.update(workflow_config(config, workflow.source_path("workflow/schemas/config.schema.yaml")))


# What `snakemake --report report.zip` says the workflow does; each output's caption is
# beside it in workflow/report/.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/parse.smk"


# update (config.yaml): full fits on every paper and keeps the fit in results/model/;
# incremental places the papers added since with that fit, writing the same intermediates.
if INCREMENTAL:

    include: "workflow/rules/place.smk"

else:

    include: "workflow/rules/embed.smk"
    include: "workflow/rules/reduce.smk"
    include: "workflow/rules/cluster.smk"
    include: "workflow/rules/label.smk"
    include: "workflow/rules/themes.smk"
    include: "workflow/rules/metrics.smk"
    include: "workflow/rules/model.smk"
    include: "workflow/rules/sweep.smk"


include: "workflow/rules/neighbours.smk"
include: "workflow/rules/trends.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        # Every page (topics.report.views), then the files beside them.
        [f"results/{view.file}" for view in VIEWS],
        "results/topic_map.png",
        "results/plotly.min.js",
        "results/papers.csv",
        "results/topics.csv",
        "results/themes.csv",
        "results/topic_trends.csv",
        "results/paper_neighbours.csv",
        "results/topics",
        "results/themes",
        "results/metrics.json",
        # The pages as one folder for `snakemake --report report.zip`.
        "results/atlas",
        # The fit that update: incremental places papers with.
        MODEL_FIT["fit"],
        # The sweep runs only when config.yaml lists values to try, in full runs.
        (
            ["results/sweep/summary.csv", "results/sweep/index.html"]
            if config["sweep"] and not INCREMENTAL
            else []
        ),
