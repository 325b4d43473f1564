"""Quality metrics on hand-made topics whose answers are known."""

import numpy as np
import pytest

from topics.metrics import (
    agreement,
    coherence,
    label_uniqueness,
    silhouette,
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
