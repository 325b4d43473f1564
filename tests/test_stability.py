"""Stability across seeds: pairwise ARI and how often each topic's papers stay together."""

import numpy as np
import pytest

from topics.stability import (
    pairwise_ari,
    run_stability,
    stability_report,
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


def test_report_scores_each_cluster_against_the_other_seeds():
    clusters = np.array([0, 0, 0, 1, 1, 1, -1])
    runs = {42: clusters, 43: np.array([0, 0, 0, 1, 1, 2, 2])}
    report = stability_report(runs, 42, clusters)
    assert report["seeds"] == [42, 43]
    assert report["clusters"] == {"42": 2, "43": 3}
    assert report["cluster_stability"]["0"] == 1.0
    assert report["cluster_stability"]["1"] == pytest.approx(2 / 6, abs=1e-4)
    assert set(report["pairwise_ari"]) == {"42-43"}


def test_topics_take_the_score_of_the_cluster_their_core_papers_came_from():
    clusters = np.array([0, 0, 0, 1, 1, 1, -1])
    # Labelling renumbered the clusters by size and reassigned the outlier to topic 0.
    topic_ids = np.array([1, 1, 1, 0, 0, 0, 0])
    scores = topic_scores({"0": 1.0, "1": 0.3333}, clusters, topic_ids)
    assert scores == {"0": 0.3333, "1": 1.0}


def test_a_seed_whose_clustering_collapses_is_named_in_the_log(tmp_path, caplog):
    rng = np.random.default_rng(0)
    reference = np.array([0] * 45 + [1] * 45)
    np.savez(tmp_path / "c.npz", labels=reference)
    # Seed 43's reduction: 80 papers in one tight blob, 10 far away.
    collapsed = np.vstack([rng.normal(0, 0.05, (80, 2)), rng.normal(5, 0.05, (10, 2))])
    np.save(tmp_path / "r43.npy", collapsed.astype(np.float32))
    with caplog.at_level("WARNING", logger="topics"):
        report = run_stability(
            [tmp_path / "r43.npy"],
            [42, 43],
            42,
            tmp_path / "c.npz",
            tmp_path / "stability.json",
            min_cluster_size=5,
            # The size cap off: a collapse is what this test is about.
            max_share=1.0,
        )
    assert report["clusters"] == {"42": 2, "43": 2}
    assert "UMAP seed 43: HDBSCAN put 89% of the papers in one cluster" in caplog.text
    assert "seed 42" not in caplog.text


def test_the_size_cap_acts_on_every_seed_and_the_log_says_what_it_split(tmp_path, caplog):
    from test_reduce_cluster import collapsing

    np.savez(tmp_path / "c.npz", labels=np.zeros(270, dtype=int))
    np.save(tmp_path / "r43.npy", collapsing())
    with caplog.at_level("INFO", logger="topics"):
        report = run_stability(
            [tmp_path / "r43.npy"],
            [42, 43],
            42,
            tmp_path / "c.npz",
            tmp_path / "stability.json",
            min_cluster_size=10,
            max_share=0.1,
        )
    assert report["clusters"]["43"] == 7
    assert "UMAP seed 43: eom without the cap would have kept one cluster of 88.9%" in caplog.text
