"""BERTopic labelling on precomputed clusters, and the readable labels built from it."""

import numpy as np
import pytest
from defaults import DEFAULTS
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from topics.centroids import topic_centroids
from topics.label import OUTLIER_LABEL, centrality, label_topics, readable_label, unique_labels

THEMES = {
    "galaxy": [
        "galaxy formation in dark matter halos",
        "spiral galaxy rotation curves",
        "galaxy clusters and dark matter lensing",
        "dwarf galaxy star formation rates",
    ],
    "protein": [
        "protein folding with deep networks",
        "protein structure prediction from sequences",
        "protein folding energy landscapes",
        "membrane protein structure",
    ],
    "speech": [
        "speech recognition with transformers",
        "end to end speech recognition for low resource languages",
        "speech synthesis and speech recognition",
        "noisy speech enhancement",
    ],
}


@pytest.fixture
def corpus():
    docs, clusters = [], []
    for index, texts in enumerate(THEMES.values()):
        for repeat in range(3):
            for text in texts:
                docs.append(f"The {text} of the study, part {repeat}, and the results.")
                clusters.append(index)
    docs.append("An unrelated note about the weather and the sea.")
    clusters.append(-1)
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(len(docs), 16)).astype(np.float32)
    embeddings[np.array(clusters) == 1] += 3.0  # make centrality meaningful for one topic
    return docs, embeddings, np.array(clusters)


# No outlier reassignment, so the outlier stays one.
PARAMS = {section: DEFAULTS[section] for section in ["vectorizer", "bertopic", "keywords"]} | {
    "outliers": {**DEFAULTS["outliers"], "strategy": "keep"}
}


def test_topics_are_named_by_their_theme_words_without_stop_words(corpus):
    docs = corpus[0]
    topics, topic_ids, _, _ = label_topics(*corpus, None, **PARAMS)
    assert (topics["label"] == topics["name"]).all()
    labels = dict(zip(topics["topic_id"], topics["keyword_label"], strict=True))
    assert labels[-1] == OUTLIER_LABEL == topics.loc[topics["topic_id"] == -1, "label"].item()
    themed = [label for topic_id, label in labels.items() if topic_id != -1]
    assert sorted(any(theme in label for label in themed) for theme in THEMES) == [True] * 3
    for label in themed:
        assert not set(label.replace(",", " ").split()) & ENGLISH_STOP_WORDS, label
    # Each name is a phrase of its own topic's texts (topics.names; tests/test_names.py).
    for row in topics[topics["topic_id"] != -1].itertuples():
        texts = [doc.lower() for doc, t in zip(docs, topic_ids, strict=True) if t == row.topic_id]
        assert sum(row.name.lower() in text for text in texts) >= 3, row.name
    assert topics.loc[topics["topic_id"] == -1, "size"].item() == 1
    assert (topic_ids == -1).sum() == 1


def test_every_topic_keeps_ten_keywords_with_scores(corpus):
    topics, _, _, _ = label_topics(*corpus, None, **PARAMS)
    real = topics[topics["topic_id"] != -1]
    assert len(real) == len(THEMES)  # one topic per theme: none lost, none to pass unchecked
    for row in real.itertuples():
        assert len(row.keywords) == 10 and len(row.scores) == 10
        assert all(score > 0 for score in row.scores)  # each keyword's c-TF-IDF score


def test_hyphenated_words_stay_separate_words(corpus):
    docs, embeddings, clusters = corpus
    docs = [doc.replace("protein folding", "self-supervised protein-folding") for doc in docs]
    topics, _, _, _ = label_topics(docs, embeddings, clusters, None, **PARAMS)
    words = {word for keywords in topics["keywords"] for word in keywords}
    assert {"protein", "folding"} <= words  # the words kept, apart
    assert "selfsupervised" not in words and "proteinfolding" not in words


def test_all_outliers_gives_one_outlier_topic(corpus):
    docs, embeddings, clusters = corpus
    topics, topic_ids, _, _ = label_topics(
        docs, embeddings, np.full_like(clusters, -1), None, **PARAMS
    )
    assert list(topics["topic_id"]) == [-1] and (topic_ids == -1).all()


def test_readable_label_prefers_phrases_over_their_words():
    assert (
        readable_label(["anomaly", "detection", "anomaly detection", "industrial", "defect"])
        == "anomaly detection, industrial, defect"
    )
    assert readable_label(["masked image", "masked", "image", "mim"]) == "masked image, mim"


def test_unique_labels_lengthen_a_label_that_would_repeat():
    labels = unique_labels(
        [
            ["vision", "transformer", "attention", "tokens"],
            ["vision", "transformer", "attention", "patches"],
        ]
    )
    assert labels[0] == "vision, transformer, attention"
    assert labels[1] != labels[0] and "patches" in labels[1]


def test_centrality_is_highest_for_the_paper_nearest_the_topic_mean():
    embeddings = np.array([[1, 0], [0.9, 0.1], [0, 1], [0, 1]], dtype=np.float32)
    topic_ids = np.array([0, 0, 0, 1])
    scores = centrality(embeddings, topic_ids, topic_centroids(embeddings, topic_ids, [0, 1]))
    assert scores[1] > scores[0] > scores[2]
    assert scores[3] == pytest.approx(1.0)
