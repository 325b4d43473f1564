"""Stability across seeds: pairwise ARI and how often each topic's papers stay together."""

import numpy as np
import pytest

from topics.cluster import run_cluster
from topics.files import Clusters, read_json, write_neighbours
from topics.stability import (
    pairwise_ari,
    throws_report,
    together_share,
    topic_scores,
    topic_stability,
)


def test_renumbered_identical_clusterings_agree_fully():
    runs = {1: np.array([0, 0, 1, 1, -1]), 2: np.array([1, 1, 0, 0, -1])}
    assert pairwise_ari(runs) == {"1-2": pytest.approx(1.0)}


def test_topic_split_in_two_halves_scores_under_half():
    members = np.arange(10)
    halves = np.array([0] * 5 + [1] * 5)
    # 2 * (5 * 4) of the 10 * 9 ordered pairs stay together.
    assert together_share(members, halves) == pytest.approx(40 / 90)
    assert together_share(members, np.zeros(10, dtype=int)) == 1.0
    assert together_share(members, np.full(10, -1)) == 0.0


def test_stable_topic_scores_higher_than_a_dissolving_one():
    topics = np.array([0] * 6 + [1] * 6)
    others = [np.array([5] * 6 + [-1, -1, -1, 2, 2, 2]), np.array([3] * 6 + [4] * 6)]
    scores = topic_stability(topics, others)
    assert scores[0] == 1.0
    # Half dissolves into outliers in the first run: 3 * 2 of 6 * 5 pairs stay together.
    assert scores[1] == pytest.approx((6 / 30 + 1.0) / 2)


def test_each_cluster_is_scored_against_every_throw_and_outliers_counted():
    # The topics' clusters (a consensus: -1 where the throws disagree) and two throws.
    labels = np.array([0, 0, 0, 1, 1, 1, -1])
    runs = {42: np.array([0, 0, 0, 1, 1, 1, 1]), 1_000_042: np.array([0, 0, 0, 1, 1, 2, 2])}
    agreement = np.array([1, 1, 1, 1, 1, 0.5, np.nan])
    report = throws_report(runs, Clusters(labels, agreement=agreement), need=2)
    assert report["seeds"] == [42, 1_000_042] and report["throws"] == 2 and report["need"] == 2
    assert report["clusters"] == {"42": 2, "1000042": 3}
    assert report["cluster_stability"]["0"] == 1.0
    # Cluster 1 stays whole in the first throw, 2 of its 6 pairs together in the second.
    assert report["cluster_stability"]["1"] == pytest.approx((1 + 2 / 6) / 2, abs=1e-4)
    assert set(report["pairwise_ari"]) == {"42-1000042"}
    assert report["topics"] == 2 and report["outliers"] == 1
    assert report["agreement_mean"] == pytest.approx(5.5 / 6, abs=1e-4)
    assert report["all_agree_share"] == pytest.approx(5 / 6, abs=1e-4)


def test_one_throw_measures_no_stability():
    labels = np.array([0, 0, 1, 1, -1])
    report = throws_report({42: labels}, Clusters(labels), need=1)
    assert report["cluster_stability"] == {} and report["mean_ari"] is None
    assert report["need"] is None and report["outliers"] == 1


def test_topics_take_the_score_of_the_cluster_their_core_papers_came_from():
    clusters = np.array([0, 0, 0, 1, 1, 1, -1])
    # Labelling renumbered the clusters by size and reassigned the outlier to topic 0.
    topic_ids = np.array([1, 1, 1, 0, 0, 0, 0])
    scores = topic_scores({"0": 1.0, "1": 0.3333}, clusters, topic_ids)
    assert scores == {"0": 0.3333, "1": 1.0}


def test_a_throw_whose_clustering_collapses_is_named_in_the_log(tmp_path, caplog):
    rng = np.random.default_rng(0)
    # The main throw: two groups of 45; the second throw: 80 papers in one tight blob.
    main = np.vstack([rng.normal(0, 0.05, (45, 2)), rng.normal(5, 0.05, (45, 2))])
    collapsed = np.vstack([rng.normal(0, 0.05, (80, 2)), rng.normal(5, 0.05, (10, 2))])
    np.save(tmp_path / "r42.npy", main.astype(np.float32))
    np.save(tmp_path / "r43.npy", collapsed.astype(np.float32))
    np.save(tmp_path / "e.npy", main.astype(np.float32))
    write_neighbours(None, tmp_path / "n.npz")
    with caplog.at_level("WARNING", logger="topics"):
        run_cluster(
            [tmp_path / "r42.npy", tmp_path / "r43.npy"],
            tmp_path / "c.npz",
            None,
            tmp_path / "stability.json",
            seeds=[42, 43],
            need=None,
            graph=(tmp_path / "n.npz", tmp_path / "e.npy"),
            umap={"n_neighbors": 10, "metric": "euclidean"},
            min_cluster_size=5,
            # The size cap off: a collapse is what this test is about.
            max_share=1.0,
        )
    report = read_json(tmp_path / "stability.json")
    assert report["clusters"] == {"42": 2, "43": 2}
    assert "UMAP seed 43: HDBSCAN put 89% of the papers in one of its 2 clusters" in caplog.text
    assert "seed 42" not in caplog.text
