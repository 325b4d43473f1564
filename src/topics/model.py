"""The fitted model a full run leaves in results/model/, which incremental runs place papers with.

A full fit keeps its fitted UMAPs and HDBSCAN (written by their own jobs), and this stage
adds what placing a paper needs besides: the fit's intermediates as they were (an
incremental run rewrites results/intermediate/, and the papers in the fit keep their
values), the vector of each topic that outlier reassignment compares papers with, which
papers were in the fit, when, and under which parameters. `check_fit` stops an incremental
run whose parameters the fit did not use.
"""

import datetime
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from topics.embed import paper_texts, text_key
from topics.errors import UserError
from topics.files import (
    copy_file,
    read_array,
    read_json,
    read_table,
    write_array,
    write_json,
    write_table,
)

log = logging.getLogger("topics")

# config.yaml's sections whose values shape the fit: placing papers with a fit made under
# other values would mix two models.
FIT_SECTIONS = [
    "embedding",
    "umap",
    "umap_map",
    "hdbscan",
    # The throws the topics are agreed by: the kept HDBSCAN's clusters map onto them.
    "consensus",
    "vectorizer",
    "bertopic",
    "keywords",
    "outliers",
    "themes",
]
# embedding keys that change how vectors are computed, not which: the fit stays valid.
NOT_FIT_KEYS = {"embedding": {"shard_size", "batch_size", "device", "cache_dir", "export_dir"}}
# The intermediates a fit keeps as they were (the names of the rules' inputs and outputs).
KEPT_INTERMEDIATES = [
    # Every paper's vector: an incremental run's nearest papers (topics.neighbours) are
    # searched among the fit's papers and the added ones.
    "embeddings",
    "reduced",
    "clusters",
    "assignments",
    "topics",
    "coords",
    "themes",
    "theme_tree",
]
# Kept by the fit for find_neighbours, which updates its lists (topics.neighbours), not for
# placing.
FIT_NEIGHBOURS = "neighbours"
# Every file of a kept fit, by the name the rules give it (MODEL_FIT and MODEL_ESTIMATORS in
# workflow/rules/common.smk): what topics.place reads.
MODEL_FILES = [
    "fit",
    "fit_papers",
    "outlier_vectors",
    *KEPT_INTERMEDIATES,
    "umap_cluster",
    "hdbscan",
    "umap_map",
]
# BERTopic's reduce_outliers strategies that placement reproduces (topics.place).
PLACEABLE_OUTLIER_STRATEGIES = ("keep", "embeddings")


def fit_parameters(config: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of config.yaml that shape a fit, as JSON would hold them."""
    sections = {
        name: {
            key: value
            for key, value in config[name].items()
            if key not in NOT_FIT_KEYS.get(name, set())
        }
        for name in FIT_SECTIONS
    }
    return json.loads(json.dumps(sections))


def outlier_vectors(embeddings: np.ndarray, topic_ids: np.ndarray, core: np.ndarray) -> np.ndarray:
    """Row t: the mean embedding of topic t's core papers (not reassigned outliers).

    What BERTopic's reduce_outliers(strategy="embeddings") compares outliers with (its
    topic_embeddings_), computed as BERTopic computes it, in float32 and in corpus order,
    so a placed outlier meets the same vectors the fit's outliers met.
    """
    n_topics = int(topic_ids.max()) + 1 if len(topic_ids) else 0
    vectors = np.zeros((n_topics, embeddings.shape[1]), dtype=embeddings.dtype)
    for topic in range(n_topics):
        members = np.flatnonzero((topic_ids == topic) & core)
        if len(members):
            vectors[topic] = embeddings[members].mean(axis=0)
    return vectors


def run_save_model(
    papers_path: str | Path,
    embeddings_path: str | Path,
    intermediates: Mapping[str, str | Path],
    kept: Mapping[str, str | Path],
    fit_papers_path: str | Path,
    vectors_path: str | Path,
    fit_path: str | Path,
    *,
    parameters: Mapping[str, Any],
) -> None:
    """Keep the fit in results/model/: `intermediates` (name -> path) copied to `kept`
    (name -> path), the papers' ids and text keys, the outlier vectors, and fit.json
    (when, how many papers, the fit's `parameters`: fit_parameters of config.yaml)."""
    papers = read_table(papers_path)
    for name, path in intermediates.items():
        copy_file(path, kept[name])
    assignments = read_table(intermediates["assignments"])
    keys = [text_key(text) for text in paper_texts(papers)]
    write_table(papers[["paper_id"]].assign(key=keys), fit_papers_path)
    topic_ids = assignments["topic_id"].to_numpy()
    core = ~assignments["reassigned"].to_numpy(dtype=bool) & (topic_ids >= 0)
    write_array(outlier_vectors(read_array(embeddings_path), topic_ids, core), vectors_path)
    fitted = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    write_json(
        {"fitted": fitted, "papers": len(papers), "parameters": dict(parameters)},
        fit_path,
    )
    log.info("kept the fit of %d papers (%s) in %s", len(papers), fitted, Path(fit_path).parent)


def changed_parameter(fitted: Mapping[str, Any], now: Mapping[str, Any]) -> str | None:
    """The first "section.key" whose value differs between two fit_parameters; None if none."""
    for section in FIT_SECTIONS:
        old, new = fitted.get(section, {}), now.get(section, {})
        for key in sorted(set(old) | set(new)):
            if old.get(key, "(unset)") != new.get(key, "(unset)"):
                return f"{section}.{key}"
    return None


def check_fit(
    config: Mapping[str, Any], fit_path: str | Path, files: Iterable[str | Path] = ()
) -> dict[str, Any]:
    """fit.json of the fit an incremental run places papers with; UserError when there is
    none, when a fit parameter changed since, when outliers cannot be placed alike, or
    when one of the fit's other `files` is missing (a fit kept by an earlier version of the
    pipeline)."""
    if not Path(fit_path).exists():
        raise UserError(
            f"config.yaml: update is incremental but {fit_path} holds no fitted model; "
            f"run once with update: full."
        )
    fit = read_json(fit_path)
    # Fits made while HDBSCAN's size cap was config's topics.max_share.
    moved = fit["parameters"].pop("topics", {})
    fit["parameters"].setdefault("hdbscan", {}).update(moved)
    # Fits made before embedding.max_tokens read every text to the model's maximum.
    fit["parameters"].setdefault("embedding", {}).setdefault("max_tokens", None)
    now = fit_parameters(config)
    if (key := changed_parameter(fit["parameters"], now)) is not None:
        section, name = key.split(".", 1)
        old = fit["parameters"].get(section, {}).get(name, "(unset)")
        raise UserError(
            f"config.yaml: {key} is {now[section].get(name, '(unset)')!r} but the fitted "
            f"model was made with {old!r}; papers cannot be placed with a model of other "
            f"parameters: set update: full to refit, or set {key} back."
        )
    strategy = config["outliers"]["strategy"]
    if strategy not in PLACEABLE_OUTLIER_STRATEGIES:
        raise UserError(
            f"config.yaml: outliers.strategy {strategy!r} cannot place added papers as the "
            f"fit placed its outliers; use update: full, or outliers.strategy "
            f"{' or '.join(PLACEABLE_OUTLIER_STRATEGIES)}."
        )
    if missing := [str(path) for path in files if not Path(path).exists()]:
        raise UserError(
            f"config.yaml: update is incremental but the fitted model lacks "
            f"{', '.join(missing)} (kept by an earlier version of topics); run once with "
            f"update: full."
        )
    return fit
