"""Themes: communities of the papers' neighbour graph over the topics, named by what they share."""

import numpy as np
import pandas as pd
import pytest
from defaults import DEFAULTS
from scipy.cluster.hierarchy import fcluster
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from topics.errors import UserError
from topics.files import read_array, read_table
from topics.themes import (
    RESOLUTIONS,
    THEME_COLUMNS,
    derive_themes,
    distinct_terms,
    run_themes,
    theme_keywords,
    theme_range,
)

PARAMS = {**DEFAULTS["themes"], "vectorizer": DEFAULTS["vectorizer"]}
# Three groups of topics: 6, 4 and 2 topics of 50 papers each.
GROUPS = [6, 4, 2]


def planted(groups=GROUPS, papers=50, outliers=10, seed=0):
    """16-D embeddings of topic blobs within group blobs, each paper's topic, each topic's
    group. A group's topics overlap, so papers' nearest neighbours cross topics within a
    group, never between groups."""
    rng = np.random.default_rng(seed)
    points, topic_ids, group_of_topic = [], [], []
    for group, n_topics in enumerate(groups):
        centre = rng.normal(size=16) * 10
        for _ in range(n_topics):
            topic_centre = centre + rng.normal(size=16) * 0.35
            points.append(topic_centre + rng.normal(size=(papers, 16)) * 0.6)
            topic_ids += [len(group_of_topic)] * papers
            group_of_topic.append(group)
    points.append(rng.normal(size=(outliers, 16)) * 10)
    topic_ids += [-1] * outliers
    return np.vstack(points).astype(np.float32), np.array(topic_ids), np.array(group_of_topic)


def texts_of(topic_ids, group_of_topic, shared=("galaxy", "protein", "speech", "robot")):
    """Each paper's text: its group's shared word, words of its own topic, common words."""
    return [
        "a study of results"
        if topic < 0
        else f"the {shared[group_of_topic[topic]]} study of word{topic}a word{topic}b results"
        for topic in topic_ids
    ]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_planted_hierarchy_of_twelve_topics_gives_its_three_groups(seed):
    embeddings, topic_ids, groups = planted(seed=seed)
    themes, _, cuts = derive_themes(
        texts_of(topic_ids, groups), topic_ids, embeddings, **{**PARAMS, "max_share": 0.6}
    )
    assert len(themes) == 3
    assert sorted(map(sorted, themes["topics"])) == [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9],
        [10, 11],
    ]
    # The coarsest resolution already gives 3 themes, within 12 topics' range (3 to 6).
    assert [(c.resolution, c.themes) for c in cuts] == [(RESOLUTIONS[0], 3)]
    # Theme 0 is the largest; sizes count every paper with a topic, outliers in none.
    assert themes["size"].tolist() == [300, 200, 100]
    assert themes["theme_id"].tolist() == [0, 1, 2]


def test_no_theme_holds_more_than_max_share_of_the_papers():
    embeddings, topic_ids, groups = planted()
    themes, _, cuts = derive_themes(texts_of(topic_ids, groups), topic_ids, embeddings, **PARAMS)
    # The 6-topic group holds 49% of the papers: above 35%, so a finer resolution splits it.
    assert themes["size"].max() / len(topic_ids) <= PARAMS["max_share"]
    assert 3 < len(themes) <= 6
    assert len(cuts) > 1 and cuts[0].largest_share > PARAMS["max_share"]
    # Every theme still lies within one planted group.
    for members in themes["topics"]:
        assert len(set(groups[members])) == 1


@pytest.mark.parametrize("max_share", [0.6, 0.35])
def test_the_tree_joins_the_real_topics_and_cuts_into_the_themes(max_share):
    embeddings, topic_ids, groups = planted()
    themes, tree, _ = derive_themes(
        texts_of(topic_ids, groups), topic_ids, embeddings, **{**PARAMS, "max_share": max_share}
    )
    assert tree.shape == (11, 4) and tree.dtype == np.float64
    # Merge heights never fall, and the tree cut into as many groups as themes gives them.
    assert (np.diff(tree[:, 2]) >= 0).all()
    cut = fcluster(tree, len(themes), criterion="maxclust")
    assert sorted(map(sorted, themes["topics"])) == sorted(
        sorted(np.flatnonzero(cut == group).tolist()) for group in set(cut)
    )
    # Topics are listed largest first within their theme.
    sizes = np.bincount(topic_ids[topic_ids >= 0])
    for members in themes["topics"]:
        assert list(sizes[members]) == sorted(sizes[members], reverse=True)


@pytest.mark.parametrize(
    ("n_topics", "expected"),
    [(0, (0, 0)), (1, (1, 1)), (3, (1, 1)), (4, (1, 2)), (17, (5, 8)), (225, (8, 25))],
)
def test_small_corpora_are_allowed_fewer_themes(n_topics, expected):
    assert theme_range(n_topics, min_themes=8, max_themes=25) == expected


def test_min_themes_above_max_themes_is_named_in_one_sentence():
    with pytest.raises(UserError, match=r"themes.min_themes \(9\) is above themes.max_themes"):
        theme_range(30, min_themes=9, max_themes=5)


@pytest.mark.parametrize("n_topics", [0, 1, 2, 3])
def test_a_corpus_of_few_topics_gets_one_theme_or_none(n_topics):
    embeddings, topic_ids, groups = planted(groups=[n_topics] if n_topics else [])
    themes, tree, _ = derive_themes(texts_of(topic_ids, groups), topic_ids, embeddings, **PARAMS)
    assert len(themes) == min(n_topics, 1)
    assert tree.shape == (max(n_topics - 1, 0), 4)
    assert sorted(t for members in themes["topics"] for t in members) == list(range(n_topics))


def test_a_theme_is_named_by_the_word_its_topics_share_not_by_its_largest_topic():
    # Theme 0: three topics that all say "galaxy"; its largest (60 papers) also says "dark
    # matter" in every paper. Theme 1: two topics that say "speech". "results" is everywhere.
    topic_ids = np.repeat([0, 1, 2, 3, 4], [60, 20, 20, 30, 30])
    own = ["dark matter", "spiral arms", "dwarf stars", "recognition", "synthesis"]
    shared = ["galaxy"] * 3 + ["speech"] * 2
    texts = [f"{shared[t]} {own[t]} results" for t in topic_ids]
    keywords = theme_keywords(texts, topic_ids, np.array([0, 0, 0, 1, 1]), DEFAULTS["vectorizer"])
    assert keywords[0][0] == "galaxy" and keywords[1][0] == "speech"
    assert "results" not in keywords[0] + keywords[1]


def test_a_label_says_each_thing_once():
    ranked = [
        "language",
        "language models",
        "large language",
        "llms",
        "llm",
        "captions",
        "captioning",
        "nlp",
        "llms nlp",
    ]
    scores = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.1]
    # A phrase replaces the word it holds when it scores nearly as well ("language models"),
    # not when it is a rare pairing ("llms nlp").
    assert distinct_terms(list(zip(ranked, scores, strict=True)), 4) == [
        "language models",
        "llms",
        "captions",
        "nlp",
    ]


def test_theme_labels_are_unique_and_hold_no_stop_words():
    embeddings, topic_ids, groups = planted(groups=[3, 3, 3, 3])
    # Two groups share their word.
    texts = texts_of(topic_ids, groups, shared=("galaxy", "galaxy", "protein", "speech"))
    themes, _, _ = derive_themes(texts, topic_ids, embeddings, **{**PARAMS, "max_share": 0.6})
    assert len(themes) == 4
    assert themes["label"].is_unique and themes["keyword_label"].is_unique
    for label in themes["keyword_label"]:
        assert not set(label.replace(",", " ").split()) & ENGLISH_STOP_WORDS, label
    for name in themes["label"]:  # a name may say "and" or "of", never begin or end so
        words = name.lower().split()
        assert words[0] not in ENGLISH_STOP_WORDS and words[-1] not in ENGLISH_STOP_WORDS


def write_run(folder, embeddings, topic_ids, texts):
    """The files run_themes reads: papers, assignments, embeddings."""
    np.save(folder / "embeddings.npy", np.asarray(embeddings, dtype=np.float32))
    pd.DataFrame({"title": texts, "abstract": texts}).to_parquet(folder / "papers.parquet")
    pd.DataFrame({"paper_id": range(len(topic_ids)), "topic_id": topic_ids}).to_parquet(
        folder / "assignments.parquet"
    )


def test_run_themes_writes_the_table_and_the_tree(tmp_path):
    embeddings, topic_ids, groups = planted()
    write_run(tmp_path, embeddings, topic_ids, texts_of(topic_ids, groups))
    run_themes(
        tmp_path / "papers.parquet",
        tmp_path / "assignments.parquet",
        tmp_path / "embeddings.npy",
        tmp_path / "themes.parquet",
        tmp_path / "theme_tree.npy",
        **PARAMS,
    )
    themes = read_table(tmp_path / "themes.parquet")
    assert list(themes.columns) == [*THEME_COLUMNS, "llm_name"]
    assert themes["theme_id"].dtype == np.int64 and themes["size"].dtype == np.int64
    assert all(len(keywords) <= 10 for keywords in themes["keywords"])
    assert read_array(tmp_path / "theme_tree.npy").shape == (11, 4)


def test_above_exact_max_the_themes_follow_umaps_neighbour_graph(tmp_path):
    """A corpus larger than neighbours.exact_max is not searched exactly: the themes are
    communities of the graph UMAP found (each row the paper itself, then its neighbours)."""
    embeddings, topic_ids, groups = planted(groups=[2, 2], outliers=0)
    write_run(tmp_path, embeddings, topic_ids, texts_of(topic_ids, groups))
    # A graph that pairs topic 0 with topic 2 and topic 1 with topic 3, against the
    # embeddings' own (0 with 1, 2 with 3).
    partner = {0: 2, 1: 3, 2: 0, 3: 1}
    rng = np.random.default_rng(0)
    rows = []
    for paper, topic in enumerate(topic_ids):
        pool = np.flatnonzero((topic_ids == topic) | (topic_ids == partner[topic]))
        rows.append([paper, *rng.choice(pool[pool != paper], 15, replace=False)])
    indices = np.array(rows)
    np.savez(tmp_path / "umap_neighbours.npz", indices=indices, distances=np.zeros(indices.shape))
    found = {}
    for exact_max in [1000, 100]:
        run_themes(tmp_path / "papers.parquet", tmp_path / "assignments.parquet",
                   tmp_path / "embeddings.npy", tmp_path / "themes.parquet",
                   tmp_path / "theme_tree.npy", neighbours_path=tmp_path / "umap_neighbours.npz",
                   exact_max=exact_max, **{**PARAMS, "min_themes": 2})  # fmt: skip
        found[exact_max] = sorted(map(sorted, read_table(tmp_path / "themes.parquet")["topics"]))
    assert found[1000] == [[0, 1], [2, 3]]  # 200 papers: searched exactly
    assert found[100] == [[0, 2], [1, 3]]


def test_a_corpus_without_topics_writes_an_empty_table_and_tree(tmp_path):
    np.save(tmp_path / "embeddings.npy", np.ones((5, 5), dtype=np.float32))
    pd.DataFrame({"title": ["a"] * 5, "abstract": ["b"] * 5}).to_parquet(
        tmp_path / "papers.parquet"
    )
    pd.DataFrame({"paper_id": range(5), "topic_id": [-1] * 5}).to_parquet(
        tmp_path / "assignments.parquet"
    )
    run_themes(
        tmp_path / "papers.parquet",
        tmp_path / "assignments.parquet",
        tmp_path / "embeddings.npy",
        tmp_path / "themes.parquet",
        tmp_path / "theme_tree.npy",
        **PARAMS,
    )
    themes = read_table(tmp_path / "themes.parquet")
    assert len(themes) == 0
    assert list(themes.columns) == [*THEME_COLUMNS, "llm_name"]
    assert read_array(tmp_path / "theme_tree.npy").shape == (0, 4)
