"""Sweep combinations, their folder names and the balanced (Pareto-optimal) marks."""

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from topics.config import validate_config
from topics.errors import UserError
from topics.sweep import (
    balanced,
    combinations,
    meets_targets,
    reduction_name,
    section_params,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def test_every_combination_gets_a_readable_folder_name():
    combos = combinations({"hdbscan.min_cluster_size": [5, 10], "vectorizer.ngram_range": [[1, 2]]})
    assert list(combos) == [
        "hdbscan.min_cluster_size=5,vectorizer.ngram_range=1-2",
        "hdbscan.min_cluster_size=10,vectorizer.ngram_range=1-2",
    ]
    assert combos["hdbscan.min_cluster_size=5,vectorizer.ngram_range=1-2"] == {
        "hdbscan.min_cluster_size": 5,
        "vectorizer.ngram_range": [1, 2],
    }
    assert combinations({}) == {}


def test_combinations_differing_in_hdbscan_only_share_a_reduction():
    assert reduction_name({"hdbscan.min_cluster_size": 5}) == "default"
    assert (
        reduction_name({"umap.n_neighbors": 10, "hdbscan.min_cluster_size": 5})
        == "umap.n_neighbors=10"
    )


def test_section_params_put_the_combination_into_config():
    config = {"hdbscan": {"min_cluster_size": 10, "metric": "euclidean"}}
    assert section_params(
        config, {"hdbscan.min_cluster_size": 5, "umap.metric": "cosine"}, "hdbscan"
    ) == {"min_cluster_size": 5, "metric": "euclidean"}


def test_dominated_and_catch_all_combinations_are_not_balanced():
    table = pd.DataFrame(
        {
            "npmi": [0.08, 0.05, 0.02, 0.30],
            "diversity": [0.9, 0.95, 0.85, 0.99],
            "outlier_share": [0.01, 0.01, 0.02, 0.0],
            "largest_topic_share": [0.1, 0.1, 0.15, 0.97],
            "stability_ari": [0.6, 0.6, 0.5, 0.9],
        }
    )
    # Row 2 is beaten by row 0 on every criterion; row 3 is one catch-all topic.
    assert balanced(table).tolist() == [True, True, False, False]
    assert meets_targets(table).tolist() == [True, True, False, False]


def test_config_accepts_sweep_values_and_rejects_unknown_keys():
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    ok = validate_config({**config, "sweep": {"umap.n_neighbors": [10, 30]}}, SCHEMA)
    assert ok["sweep"] == {"umap.n_neighbors": [10, 30]}
    with pytest.raises(UserError, match=re.escape("unknown key 'sweep.umap.random_state'")):
        validate_config({**config, "sweep": {"umap.random_state": [1, 2]}}, SCHEMA)
    with pytest.raises(UserError, match=re.escape("sweep.hdbscan.min_cluster_size")):
        validate_config({**config, "sweep": {"hdbscan.min_cluster_size": [1]}}, SCHEMA)
