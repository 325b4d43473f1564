"""Quality metrics on hand-made topics whose answers are known."""

import json

import numpy as np
import pandas as pd
import pytest

from topics.metrics import (
    agreement,
    coherence,
    label_uniqueness,
    map_topic_agreement,
    run_metrics,
    silhouette,
    theme_metrics,
    tokenize,
    top_words,
    topic_diversity,
    topic_metrics,
)


def test_disjoint_topics_have_diversity_one():
    assert topic_diversity([["cat", "dog", "bird"], ["car", "train", "plane"]]) == 1.0


def test_shared_words_lower_diversity():
    # 4 distinct words among 6: two of them are repeated.
    assert topic_diversity([["cat", "dog", "car"], ["car", "dog", "plane"]]) == pytest.approx(4 / 6)


def test_top_words_split_phrases_and_keep_rank_order():
    assert top_words(["masked image", "image", "masked autoencoder", "mae"], n=3) == [
        "masked",
        "image",
        "autoencoder",
    ]


def test_tokenize_drops_stop_words_and_splits_compounds():
    assert tokenize(["The self-supervised model of the images"]) == [
        ["self", "supervised", "model", "images"]
    ]


def test_words_that_occur_together_are_coherent_and_words_that_never_do_are_not():
    tokens = [["cat", "dog", "pet"]] * 5 + [["car", "train", "plane"]] * 5
    together = coherence([["cat", "dog", "pet"], ["car", "train", "plane"]], tokens)
    apart = coherence([["cat", "car", "pet"], ["dog", "train", "plane"]], tokens)
    assert together > 0.9
    assert apart < 0
    assert coherence([["cat", "dog"]], tokens, "c_v") > 0.5


def test_label_uniqueness_counts_topics_whose_label_is_their_own():
    assert label_uniqueness(["a", "b", "c"]) == 1.0
    assert label_uniqueness(["a", "a", "b", "c"]) == 0.5


def test_silhouette_of_separated_blobs_ignores_outliers():
    rng = np.random.default_rng(0)
    points = np.vstack(
        [rng.normal(0, 0.1, (20, 2)), rng.normal(10, 0.1, (20, 2)), rng.normal(5, 5, (5, 2))]
    )
    labels = np.array([0] * 20 + [1] * 20 + [-1] * 5)
    assert silhouette(points, labels) > 0.9


def test_silhouette_of_a_large_run_is_measured_on_an_even_sample_close_to_the_whole():
    rng = np.random.default_rng(1)
    points = np.vstack([rng.normal(centre, 1.0, (300, 2)) for centre in (0, 4, 8)])
    labels = np.repeat([0, 1, 2], 300)
    whole = silhouette(points, labels)
    sampled = silhouette(points, labels, max_papers=150)
    assert sampled == silhouette(points, labels, max_papers=150)
    assert sampled == pytest.approx(whole, abs=0.05)
    assert sampled != whole


def test_agreement_with_corpus_labels_skips_unlabelled_papers():
    perfect = agreement(["a", "a", "b", "b", None], np.array([3, 3, 7, 7, 0]))
    assert perfect == {"nmi": pytest.approx(1.0), "ari": pytest.approx(1.0)}
    assert agreement([None, None, "a"], np.array([0, 1, 2])) == {}


def test_topic_metrics_of_a_run_with_reassigned_outliers():
    texts = ["cat dog pet"] * 4 + ["car train plane"] * 4 + ["cat pet"] * 2
    keywords = {-1: ["misc"], 0: ["cat", "dog", "pet"], 1: ["car", "train", "plane"]}
    labels = {-1: "outliers", 0: "cat, dog", 1: "car, train"}
    clusters = np.array([0] * 4 + [1] * 4 + [-1] * 2)
    topic_ids = np.array([0] * 4 + [1] * 4 + [0, -1])
    metrics = topic_metrics(
        texts,
        keywords,
        labels,
        clusters,
        topic_ids,
        truth=["pets"] * 4 + ["transport"] * 4 + ["pets", "pets"],
    )
    assert metrics["topics"] == 2
    assert metrics["outlier_share_before"] == 0.2
    assert metrics["outlier_share"] == 0.1
    assert metrics["reassigned"] == 1
    assert metrics["largest_topic_share"] == 0.5
    assert metrics["diversity"] == 1.0
    assert metrics["label_uniqueness"] == 1.0
    assert metrics["npmi"] > 0.5
    assert metrics["silhouette"] is None
    assert 0 < metrics["ari"] < 1


def test_map_topic_agreement_is_one_for_islands_and_low_for_a_mix():
    rng = np.random.default_rng(0)
    topics = np.repeat([0, 1, 2], 30)
    islands = rng.normal(size=(90, 2)) + np.repeat([[0, 0], [20, 0], [0, 20]], 30, axis=0)
    assert map_topic_agreement(islands, topics) == 1.0
    mixed = rng.normal(size=(90, 2))
    assert map_topic_agreement(mixed, topics) < 0.5
    # Outliers are not scored, and count against the papers whose neighbours they are.
    with_outliers = np.where(np.arange(90) % 10 == 0, -1, topics)
    assert 0.8 < map_topic_agreement(islands, with_outliers) < 1.0
    assert map_topic_agreement(islands, np.full(90, -1)) is None


def test_theme_metrics_count_themes_and_measure_them_against_corpus_labels():
    themes = pd.DataFrame({"theme_id": [0, 1], "size": [6, 3], "topics": [[0, 2], [1]]})
    topic_ids = np.array([0, 0, 0, 2, 2, 2, 1, 1, 1, -1])
    truth = ["a"] * 6 + ["b"] * 3 + ["c"]
    metrics = theme_metrics(themes, topic_ids, truth=truth)
    assert metrics["themes"] == 2
    assert metrics["largest_theme_share"] == 0.6
    assert metrics["theme_nmi"] == pytest.approx(1.0)
    assert "map_topic_agreement" not in metrics


def test_run_metrics_adds_the_theme_and_map_figures(tmp_path):
    texts = ["cat dog pet"] * 4 + ["car train plane"] * 4
    pd.DataFrame({"title": texts, "abstract": texts, "label": ["p"] * 4 + ["t"] * 4}).to_parquet(
        tmp_path / "papers.parquet"
    )
    pd.DataFrame(
        {
            "topic_id": [0, 1],
            "label": ["pets", "transport"],
            "keywords": [["cat", "dog"], ["car", "train"]],
        }
    ).to_parquet(tmp_path / "topics.parquet")
    topic_ids = np.repeat([0, 1], 4)
    pd.DataFrame({"topic_id": topic_ids}).to_parquet(tmp_path / "assignments.parquet")
    np.savez(tmp_path / "clusters.npz", labels=topic_ids)
    np.save(tmp_path / "reduced.npy", np.repeat([[0.0, 0.0], [9.0, 9.0]], 4, axis=0))
    square = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    np.save(tmp_path / "map.npy", np.vstack([square, square + 9]))
    pd.DataFrame({"theme_id": [0], "size": [8], "topics": [[0, 1]]}).to_parquet(
        tmp_path / "themes.parquet"
    )
    paths = [
        tmp_path / name
        for name in [
            "papers.parquet",
            "topics.parquet",
            "assignments.parquet",
            "clusters.npz",
            "reduced.npy",
            "metrics.json",
        ]
    ]
    run_metrics(*paths, None, tmp_path / "themes.parquet", tmp_path / "map.npy")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["themes"] == 1 and metrics["largest_theme_share"] == 1.0
    # 3 of each paper's nearest neighbours share its topic (the corpus is smaller than 10).
    assert metrics["map_topic_agreement"] == round(3 / 7, 4)
    assert metrics["theme_nmi"] == 0.0 and metrics["nmi"] == pytest.approx(1.0)


def test_papers_on_the_same_spot_are_each_others_neighbours_not_their_own():
    coords = np.zeros((4, 2))
    assert map_topic_agreement(coords, np.array([0, 0, 1, 1]), k=3) == pytest.approx(1 / 3)
