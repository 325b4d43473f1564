"""Themes: topics grouped by Ward linkage of their centres, named by what they share."""

import numpy as np
import pandas as pd
import pytest
from defaults import DEFAULTS
from scipy.cluster.hierarchy import fcluster
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from topics.errors import UserError
from topics.files import read_array, read_table
from topics.themes import (
    THEME_COLUMNS,
    derive_themes,
    distinct_terms,
    run_themes,
    theme_keywords,
    theme_range,
)

PARAMS = {**DEFAULTS["themes"], "random_state": 0, "vectorizer": DEFAULTS["vectorizer"]}
# Three groups of topics: 6, 4 and 2 topics of 50 papers each.
GROUPS = [6, 4, 2]


def planted(groups=GROUPS, papers=50, outliers=10, seed=0):
    """5-D points of topic blobs within group blobs, each paper's topic, each topic's group."""
    rng = np.random.default_rng(seed)
    points, topic_ids, group_of_topic = [], [], []
    for group, n_topics in enumerate(groups):
        centre = rng.normal(size=5) * 30
        for _ in range(n_topics):
            topic_centre = centre + rng.normal(size=5) * 3
            points.append(topic_centre + rng.normal(size=(papers, 5)) * 0.3)
            topic_ids += [len(group_of_topic)] * papers
            group_of_topic.append(group)
    points.append(rng.normal(size=(outliers, 5)) * 30)
    topic_ids += [-1] * outliers
    return np.vstack(points), np.array(topic_ids), np.array(group_of_topic)


def texts_of(topic_ids, group_of_topic, shared=("galaxy", "protein", "speech", "robot")):
    """Each paper's text: its group's shared word, words of its own topic, common words."""
    return [
        "a study of results"
        if topic < 0
        else f"the {shared[group_of_topic[topic]]} study of word{topic}a word{topic}b results"
        for topic in topic_ids
    ]


def test_a_planted_hierarchy_of_twelve_topics_gives_its_three_groups():
    reduced, topic_ids, groups = planted()
    themes, _, cuts = derive_themes(
        texts_of(topic_ids, groups), topic_ids, reduced, **{**PARAMS, "max_share": 0.6}
    )
    assert len(themes) == 3
    assert sorted(map(sorted, themes["topics"])) == [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9],
        [10, 11],
    ]
    # 12 topics: between ceil(12 / 4) and 12 // 2 themes were considered.
    assert [c.themes for c in cuts] == [3, 4, 5, 6]
    # Theme 0 is the largest; sizes count every paper with a topic, outliers in none.
    assert themes["size"].tolist() == [300, 200, 100]
    assert themes["theme_id"].tolist() == [0, 1, 2]


def test_no_theme_holds_more_than_max_share_of_the_papers():
    reduced, topic_ids, groups = planted()
    themes, _, _ = derive_themes(texts_of(topic_ids, groups), topic_ids, reduced, **PARAMS)
    # The 6-topic group holds 49% of the papers: above 35%, so it is split.
    assert themes["size"].max() / len(topic_ids) <= PARAMS["max_share"]
    assert 3 < len(themes) <= 6
    # Every theme still lies within one planted group.
    for members in themes["topics"]:
        assert len(set(groups[members])) == 1


def test_the_tree_is_ward_over_the_real_topics_and_cuts_into_the_themes():
    reduced, topic_ids, groups = planted()
    themes, tree, _ = derive_themes(
        texts_of(topic_ids, groups), topic_ids, reduced, **{**PARAMS, "max_share": 0.6}
    )
    assert tree.shape == (11, 4) and tree.dtype == np.float64
    # Merge heights never fall (Ward is monotone), and the tree cut into 3 gives the themes.
    assert (np.diff(tree[:, 2]) >= 0).all()
    cut = fcluster(tree, 3, criterion="maxclust")
    for members in themes["topics"]:
        assert len(set(cut[members])) == 1
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
    reduced, topic_ids, groups = planted(groups=[n_topics] if n_topics else [])
    themes, tree, _ = derive_themes(texts_of(topic_ids, groups), topic_ids, reduced, **PARAMS)
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
    reduced, topic_ids, groups = planted(groups=[3, 3, 3, 3])
    # Two groups share their word.
    texts = texts_of(topic_ids, groups, shared=("galaxy", "galaxy", "protein", "speech"))
    themes, _, _ = derive_themes(texts, topic_ids, reduced, **{**PARAMS, "max_share": 0.6})
    assert len(themes) == 4
    assert themes["label"].is_unique and themes["keyword_label"].is_unique
    for label in themes["keyword_label"]:
        assert not set(label.replace(",", " ").split()) & ENGLISH_STOP_WORDS, label
    for name in themes["label"]:  # a name may say "and" or "of", never begin or end so
        words = name.lower().split()
        assert words[0] not in ENGLISH_STOP_WORDS and words[-1] not in ENGLISH_STOP_WORDS


def test_run_themes_writes_the_table_and_the_tree(tmp_path):
    reduced, topic_ids, groups = planted()
    np.save(tmp_path / "umap_cluster.npy", reduced.astype(np.float32))
    texts = texts_of(topic_ids, groups)
    pd.DataFrame({"title": texts, "abstract": texts}).to_parquet(tmp_path / "papers.parquet")
    pd.DataFrame({"paper_id": range(len(topic_ids)), "topic_id": topic_ids}).to_parquet(
        tmp_path / "assignments.parquet"
    )
    run_themes(
        tmp_path / "papers.parquet",
        tmp_path / "assignments.parquet",
        tmp_path / "umap_cluster.npy",
        tmp_path / "themes.parquet",
        tmp_path / "theme_tree.npy",
        **PARAMS,
    )
    themes = read_table(tmp_path / "themes.parquet")
    assert list(themes.columns) == [*THEME_COLUMNS, "llm_name"]
    assert themes["theme_id"].dtype == np.int64 and themes["size"].dtype == np.int64
    assert all(len(keywords) <= 10 for keywords in themes["keywords"])
    assert read_array(tmp_path / "theme_tree.npy").shape == (11, 4)


def test_themes_of_several_throws_are_cut_in_their_layouts_side_by_side(tmp_path):
    """The themes job reads every throw's reduction: one path, or a list of one, is that
    layout alone; a second throw whose layout pairs other topics moves the tree."""
    reduced, topic_ids, groups = planted()
    np.save(tmp_path / "r0.npy", reduced.astype(np.float32))
    # The second throw: the same papers, each somewhere else (rows shuffled).
    np.save(tmp_path / "r1.npy", np.random.default_rng(1).permutation(reduced).astype(np.float32))
    texts = texts_of(topic_ids, groups)
    pd.DataFrame({"title": texts, "abstract": texts}).to_parquet(tmp_path / "papers.parquet")
    pd.DataFrame({"paper_id": range(len(topic_ids)), "topic_id": topic_ids}).to_parquet(
        tmp_path / "assignments.parquet"
    )
    trees = {}
    for name, reduced_paths in [
        ("path", tmp_path / "r0.npy"),
        ("one", [tmp_path / "r0.npy"]),
        ("two", [tmp_path / "r0.npy", tmp_path / "r1.npy"]),
    ]:
        run_themes(tmp_path / "papers.parquet", tmp_path / "assignments.parquet",
                   reduced_paths, tmp_path / f"{name}.parquet", tmp_path / f"{name}.npy",
                   **PARAMS)  # fmt: skip
        trees[name] = read_array(tmp_path / f"{name}.npy")
    np.testing.assert_array_equal(trees["path"], trees["one"])
    assert not np.array_equal(trees["one"], trees["two"])


def test_a_corpus_without_topics_writes_an_empty_table_and_tree(tmp_path):
    np.save(tmp_path / "umap_cluster.npy", np.zeros((5, 5), dtype=np.float32))
    pd.DataFrame({"title": ["a"] * 5, "abstract": ["b"] * 5}).to_parquet(
        tmp_path / "papers.parquet"
    )
    pd.DataFrame({"paper_id": range(5), "topic_id": [-1] * 5}).to_parquet(
        tmp_path / "assignments.parquet"
    )
    run_themes(
        tmp_path / "papers.parquet",
        tmp_path / "assignments.parquet",
        tmp_path / "umap_cluster.npy",
        tmp_path / "themes.parquet",
        tmp_path / "theme_tree.npy",
        **PARAMS,
    )
    themes = read_table(tmp_path / "themes.parquet")
    assert len(themes) == 0
    assert list(themes.columns) == [*THEME_COLUMNS, "llm_name"]
    assert read_array(tmp_path / "theme_tree.npy").shape == (0, 4)
