import re
import sys

from topics.cluster import throw_seeds
from topics.errors import UserError
from topics.model import check_fit, fit_parameters
from topics.parse import list_seed_files
from topics.report.views import FIGURE_VIEWS, PAGE_FILES, VIEWS
from topics.resources import embed_resources, job_resources, llm_resources
from topics.shards import embedding_settings, texts_in_shard
from topics.startup import end_snakemake_promptly
from topics.sweep import combinations, reduction_name, section_params


def seed_files():
    """Every listing file in config's seeds_dir; an empty or missing folder stops the run."""
    try:
        return [str(path) for path in list_seed_files(config["seeds_dir"])]
    except UserError as error:
        sys.exit(f"topics: {error}")


# The throws whose agreement makes the topics (consensus.throws): one UMAP seed each, derived
# from umap.random_state (topics.cluster.throw_seeds); the first is the main run's own.
MAIN_SEED = config["umap"]["random_state"]
THROW_SEEDS = throw_seeds(MAIN_SEED, config["consensus"]["throws"])
OTHER_SEEDS = THROW_SEEDS[1:]
# What the clustering job reads besides the throws' reductions: the graph the throws vote
# on (topics.cluster.consensus_graph), only where there are several throws.
CONSENSUS_GRAPH = (
    {
        "neighbours": "results/intermediate/umap_neighbours.npz",
        "embeddings": "results/intermediate/embeddings.npy",
    }
    if len(THROW_SEEDS) > 1
    else {}
)
# Sweep: folder name -> {"section.key": value} for every combination of config's sweep values.
SWEEP = combinations(config["sweep"])
REDUCTIONS = {reduction_name(overrides): overrides for overrides in SWEEP.values()}


def _one_of(names):
    return "|".join(re.escape(name) for name in names) or "(?!)"


wildcard_constraints:
    seed=r"\d+",
    shard=r"\d+",
    combo=_one_of(SWEEP),
    reduction=_one_of(REDUCTIONS),


def seed_reduction(seed):
    """umap_cluster.npy of one throw: the main run's for its first seed."""
    if seed == MAIN_SEED:
        return "results/intermediate/umap_cluster.npy"
    return f"results/intermediate/throws/seed{seed}/umap_cluster.npy"


def sweep_reduction(combo, seed):
    """The UMAP reduction a sweep combination clusters: shared by combinations that differ
    only in hdbscan or vectorizer values, and the main run's own when no umap value changes."""
    name = reduction_name(SWEEP[combo])
    if name == "default":
        return seed_reduction(int(seed))
    return f"results/sweep/reductions/{name}/seed{seed}.npy"


# One machine or a cluster: a cluster executor (profiles/slurm) runs every job on a node, so
# work that one machine does best in one process is spread over jobs there (reduce.smk: the
# other throws). Snakemake reads the rule files before it hands the workflow its executor
# (Workflow.executor_plugin is set in Workflow.execute, after parsing), so they go by what
# tells the two apart while they are read: a local run has cores (--cores, or --jobs, which
# a local run takes for --cores; the default profile says `cores: all`), a cluster run
# none (profiles/slurm gives --jobs, the jobs at once), and a job on a node runs in
# Snakemake's remote mode (--mode remote). A dry run counts as local (Snakemake gives it one
# core); a cluster run given --cores plans as one machine would: the same files, fewer jobs.
ON_CLUSTER = workflow.remote_exec or workflow.resource_settings.cores is None
# Cores of the jobs that use them all (embedding runs one model copy per core): the
# machine's on one machine (--cores). On a cluster Snakemake is given no --cores, and the
# profile's set-threads says how many a job asks for (profiles/slurm/config.yaml).
ALL_CORES = workflow.resource_settings.cores or 1


# Memory and time a job asks a scheduler for, from the corpus size its inputs hold
# (topics.resources); Snakemake calls these again once a job's inputs exist.
def scaled_mem_mb(wildcards, input, rulename):
    return job_resources(rulename, input)[0]


def scaled_runtime(wildcards, input, rulename):
    return job_resources(rulename, input)[1]


# Every throw in one job (reduce_umap_throws): a throw's memory for each throw at once (the
# main one's, which keeps its neighbour search's index, the largest); the main throw's time,
# then a throw's for each round of the others.
def throws_mem_mb(wildcards, input, threads):
    return job_resources("reduce_umap", input)[0] * threads


def throws_runtime(wildcards, input, threads):
    main = job_resources("reduce_umap", input)[1]
    return main + job_resources("reduce_umap_seed", input)[1] * -(-len(OTHER_SEEDS) // threads)


# labels.llm (topics.llm): a language model names the topics and themes in their jobs; a
# local one runs there, on every core, and needs its memory and time (topics.resources).
LLM = config["labels"]["llm"]
LLM_THREADS = ALL_CORES if LLM and LLM.get("model") else 1


def naming_mem_mb(wildcards, input, rulename):
    return scaled_mem_mb(wildcards, input, rulename) + llm_resources(LLM)[0]


def naming_runtime(wildcards, input, rulename):
    return scaled_runtime(wildcards, input, rulename) + llm_resources(LLM)[1]


def _shard_texts(input):
    return texts_in_shard(input.fingerprint) or config["embedding"]["shard_size"]


def embed_mem_mb(wildcards, input, threads):
    return embed_resources(_shard_texts(input), threads)[0]


def embed_runtime(wildcards, input, threads):
    return embed_resources(_shard_texts(input), threads)[1]


# What every report job reads: the run's intermediates (topics.report.data.ReportPaths).
REPORT_INPUTS = {
    "papers": "results/intermediate/papers.parquet",
    "assignments": "results/intermediate/assignments.parquet",
    "topics": "results/intermediate/topics.parquet",
    "coords": "results/intermediate/umap_map.npy",
    "stability": "results/intermediate/stability.json",
    "clusters": "results/intermediate/clusters.npz",
    "themes": "results/intermediate/themes.parquet",
    "theme_tree": "results/intermediate/theme_tree.npy",
    "trend_counts": "results/intermediate/trend_counts.parquet",
    "trends": "results/intermediate/trends.parquet",
    "neighbours": "results/intermediate/neighbours.parquet",
}


# The fit a full run keeps (rule save_model, topics.model) and an incremental run places
# papers with: its intermediates as they were, which papers were in it, each topic's vector
# for outlier reassignment, and fit.json (when, under which parameters); then the fitted
# models, which the fitting jobs write themselves.
MODEL_FIT = {
    "embeddings": "results/model/embeddings.npy",
    "neighbours": "results/model/neighbours.parquet",
    "reduced": "results/model/umap_cluster.npy",
    "fit": "results/model/fit.json",
    "fit_papers": "results/model/papers.parquet",
    "outlier_vectors": "results/model/outlier_vectors.npy",
    "clusters": "results/model/clusters.npz",
    "assignments": "results/model/assignments.parquet",
    "topics": "results/model/topics.parquet",
    "coords": "results/model/umap_map.npy",
    "themes": "results/model/themes.parquet",
    "theme_tree": "results/model/theme_tree.npy",
}
MODEL_ESTIMATORS = {
    "umap_cluster": "results/model/umap_cluster.pkl",
    "hdbscan": "results/model/hdbscan.pkl",
    "umap_map": "results/model/umap_map.pkl",
}
INCREMENTAL = config["update"] == "incremental"
if INCREMENTAL:
    try:
        check_fit(config, MODEL_FIT["fit"], [*MODEL_FIT.values(), *MODEL_ESTIMATORS.values()])
    except UserError as error:
        sys.exit(f"topics: {error}")


onsuccess:
    end_snakemake_promptly()


onerror:
    end_snakemake_promptly()
