"""Keyword selection, labels and outlier reassignment with real BERTopic on a tiny corpus."""

import numpy as np
import pytest
from defaults import DEFAULTS

from topics.keywords import (
    bertopic_text,
    cooccurrence_windows,
    fold,
    keyword_vocabulary,
    select_keywords,
)
from topics.label import fit_bertopic, label_topics, reassign_outliers, unique_labels

VECTORIZER = DEFAULTS["vectorizer"]
KEYWORDS = {key: value for key, value in DEFAULTS["keywords"].items() if key != "window"}


def fit(docs, embeddings, clusters):
    return fit_bertopic(
        docs,
        embeddings,
        clusters,
        vectorizer=VECTORIZER,
        top_n_words=30,
        reduce_frequent_words=True,
    )


PETS = [
    "cat dog pet fur",
    "dog cat leash pet",
    "pet cat fur whiskers",
    "dog pet bark cat",
    "cat fur pet dog",
    "pet dog cat paw",
]
CARS = [
    "car engine road wheel",
    "engine car fuel road",
    "road car wheel engine",
    "car fuel engine tyre",
]


def corpus():
    """Pets (topic 0), cars (topic 1) and two outliers: a pet paper and a car paper."""
    docs = [*PETS, *CARS, "a paper on cat and dog fur", "a paper on car engine fuel"]
    rng = np.random.default_rng(0)
    pets, cars = np.eye(8)[0], np.eye(8)[1]
    centres = [pets] * 6 + [cars] * 4 + [0.6 * pets + 0.4 * cars, 0.4 * pets + 0.6 * cars]
    embeddings = np.array(centres) + rng.normal(0, 0.02, (12, 8))
    clusters = np.array([0] * 6 + [1] * 4 + [-1, -1])
    membership = np.array([[1, 0]] * 6 + [[0, 1]] * 4 + [[0.3, 0.1], [0.1, 0.3]])
    return docs, embeddings.astype(np.float32), clusters, membership


def test_fold_merges_plurals_only():
    assert fold("vision transformers") == fold("vision transformer")
    assert fold("loss") == "loss"
    assert fold("gaussians focus") == "gaussian focus"


def test_select_keywords_prefers_cooccurring_words_and_skips_plural_twins():
    candidates = ["transformer", "transformers", "banana", "attention"]
    # rows are texts; transformer and attention always occur together, banana never with them.
    presence = np.array([[1, 1, 0, 1]] * 5 + [[0, 0, 1, 0]] * 5, dtype=bool)
    assert select_keywords(candidates, presence, [], n=2, **KEYWORDS) == [
        "transformer",
        "attention",
    ]


def test_select_keywords_avoids_words_other_topics_use():
    candidates = ["image", "segmentation", "mask"]
    presence = np.ones((4, 3), dtype=bool)
    assert (
        select_keywords(candidates, presence, ["image classification"], n=2, **KEYWORDS)[0]
        == "segmentation"
    )


def test_cooccurrence_windows_cover_each_text():
    text = "alpha beta gamma, the delta epsilon zeta"  # "the" is a stop word
    assert cooccurrence_windows([text], window=3) == [
        "alpha beta gamma",
        "beta gamma delta",
        "gamma delta epsilon",
        "delta epsilon zeta",
    ]
    assert cooccurrence_windows(["short text"], window=10) == ["short text"]
    assert cooccurrence_windows(["self-supervised"], window=None) == ["self supervised"]


def test_unique_labels_lengthen_clashing_labels():
    labels = unique_labels(
        [["image", "segmentation", "mask", "medical"], ["image", "segmentation", "mask", "video"]]
    )
    assert len(set(labels)) == 2


@pytest.mark.parametrize("strategy", ["embeddings", "c-tf-idf", "distributions", "probabilities"])
def test_each_outlier_strategy_moves_outliers_to_their_own_topic(strategy):
    docs, embeddings, clusters, membership = corpus()
    model = fit(docs, embeddings, clusters)
    core = np.asarray(model.topics_)
    pets, cars = core[0], core[6]
    new = reassign_outliers(
        model, docs, core, embeddings, clusters, membership, strategy=strategy, threshold=0.0
    )
    assert new[:10].tolist() == core[:10].tolist()  # topic papers stay where they are
    assert new[10:].tolist() == [pets, cars]


def test_keep_and_a_high_threshold_leave_outliers_alone():
    docs, embeddings, clusters, membership = corpus()
    model = fit(docs, embeddings, clusters)
    core = np.asarray(model.topics_)
    assert (
        reassign_outliers(
            model, docs, core, embeddings, clusters, membership, strategy="keep", threshold=0.0
        ).tolist()
        == core.tolist()
    )
    # The outliers sit between the two topics: cosine similarity about 0.8 to each.
    strict = reassign_outliers(
        model, docs, core, embeddings, clusters, membership, strategy="embeddings", threshold=0.95
    )
    assert strict[10:].tolist() == [-1, -1]


def test_label_topics_marks_reassigned_papers_and_sizes_topics_after_reassignment():
    docs, embeddings, clusters, membership = corpus()
    topics, topic_ids, reassigned, _ = label_topics(
        docs,
        embeddings,
        clusters,
        membership,
        vectorizer=VECTORIZER,
        bertopic={**DEFAULTS["bertopic"], "top_n_words": 5},
        keywords=DEFAULTS["keywords"],
        outliers={"strategy": "embeddings", "threshold": 0.0},
    )
    assert reassigned.tolist() == [False] * 10 + [True, True]
    assert -1 not in topic_ids
    assert topics["size"].tolist() == [7, 5]
    assert topics["label"].is_unique
    assert "cat" in " ".join(topics["keywords"][0]) or "pet" in " ".join(topics["keywords"][0])


def test_keyword_candidates_are_terms_as_bertopic_counts_them():
    """bertopic_text must clean texts exactly as BERTopic does before c-TF-IDF: a term the
    vocabulary holds that BERTopic never counts has no document frequency, and its infinite
    idf broke labelling (the 17k corpus's "naïve" became BERTopic's "nave")."""
    from bertopic import BERTopic

    texts = ["naïve Bayes\tfor e.g. \u03b1-decay", "Zürich's\nself-supervised ViT (ours)", ""]
    assert [bertopic_text(text) for text in texts] == BERTopic()._preprocess_text(texts)


def test_keyword_vocabulary_drops_single_paper_terms_and_keeps_min_df_topics():
    rng = np.random.default_rng(0)
    common = ["graph neural network", "image segmentation", "reinforcement learning"]
    docs = [f"{common[i % 3]} study number{i} naïve" for i in range(300)]
    clusters = np.array([i % 3 for i in range(300)])
    vocabulary = keyword_vocabulary(docs, clusters, VECTORIZER)
    assert "graph neural" in vocabulary and "nave" in vocabulary
    # Each paper's own number is in one paper only: no keyword for any topic.
    assert not any(term.startswith("number") for term in vocabulary)
    # min_df counts topics: a term of one topic goes at min_df 2, one of all three stays.
    strict = keyword_vocabulary(docs, clusters, {**VECTORIZER, "min_df": 2})
    assert "graph" not in strict and "study" in strict
    # Labelling runs on such texts (no term BERTopic cannot count).
    embeddings = rng.normal(size=(300, 8)).astype(np.float32)
    model = fit(docs, embeddings, clusters)
    assert {word for word, _ in model.get_topic(0)} & {"graph", "image", "reinforcement"}
