"""Themes: the topics grouped into a few broad areas, each named by what its topics share.

Topics are merged by Ward linkage of their centres in the space HDBSCAN clustered (the mean
UMAP coordinates of each topic's papers, reassigned outliers included), and the tree is cut
into the number of themes, within config's bounds, whose themes separate the papers best
(silhouette), among the cuts with no theme above a share of the corpus.
benchmarks/RESULTS.md compares this with the alternatives (c-TF-IDF or embedding linkage,
HDBSCAN's condensed tree, a coarser clustering). Topic -1, the outliers, is in no theme.
"""

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from topics.consensus import stacked_layouts
from topics.embed import paper_texts
from topics.errors import UserError
from topics.files import read_array, read_table, write_array, write_themes
from topics.keywords import count_vectorizer, fold, split_compounds
from topics.label import unique_labels
from topics.llm import name_themes
from topics.names import theme_names

log = logging.getLogger("topics")

# label: the theme's name (topics.names); name: the same, kept when something names themes
# on top of it; keyword_label: the old label, its first keywords.
THEME_COLUMNS = ["theme_id", "label", "name", "keyword_label", "size", "keywords", "topics"]
# Papers the silhouette of a cut is measured on: the silhouette compares every pair, and
# 4,000 papers rank the cuts as the whole corpus does at a fraction of the time.
SILHOUETTE_PAPERS = 4000
# Keywords kept per theme (its label is made of the first few).
N_KEYWORDS = 10
# Fewest papers a term must occur in to name a theme (fewer on a corpus under 500 papers).
MIN_TERM_PAPERS = 5


class Cut(NamedTuple):
    """One way of cutting the topic tree: its themes and how good they are."""

    themes: int
    # Silhouette of the papers at the theme level (nan where it cannot be measured).
    silhouette: float
    # Share of all papers in the largest theme.
    largest_share: float
    # Theme of each real topic, in ascending topic-id order.
    theme_of_topic: np.ndarray


def topic_centres(reduced: np.ndarray, topic_ids: np.ndarray, topics: Sequence[int]) -> np.ndarray:
    """Mean reduced coordinates of each topic's papers, rows in the order of `topics`."""
    return np.stack([reduced[topic_ids == topic].mean(axis=0) for topic in topics]).astype(
        np.float64
    )


def theme_tree(centres: np.ndarray) -> np.ndarray:
    """Ward linkage of the topic centres (scipy's format); (0, 4) below 2 topics."""
    if len(centres) < 2:
        return np.zeros((0, 4))
    from scipy.cluster.hierarchy import linkage

    return linkage(centres, method="ward")


def theme_range(n_topics: int, *, min_themes: int, max_themes: int) -> tuple[int, int]:
    """The numbers of themes to choose from for `n_topics` topics.

    config's bounds, lowered where the corpus has few topics: at most half as many themes
    as topics (themes of one topic each would say nothing new), and at least a quarter as
    many are asked for (17 topics: 5 to 8 themes; 1 to 3 topics: one theme).
    """
    if min_themes > max_themes:
        raise UserError(
            f"config.yaml: themes.min_themes ({min_themes}) is above themes.max_themes "
            f"({max_themes}); set min_themes <= max_themes."
        )
    if n_topics == 0:
        return 0, 0
    low = max(1, min(min_themes, math.ceil(n_topics / 4)))
    high = max(low, min(max_themes, n_topics // 2))
    return low, high


def cut(tree: np.ndarray, n_themes: int, n_topics: int) -> np.ndarray:
    """Theme (0..) of each topic when the tree is cut into `n_themes` groups."""
    if n_themes <= 1 or n_topics < 2:
        return np.zeros(n_topics, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, n_themes, criterion="maxclust").astype(np.int64) - 1


def score_cuts(
    reduced: np.ndarray,
    topic_index: np.ndarray,
    tree: np.ndarray,
    n_topics: int,
    themes_range: tuple[int, int],
    random_state: int,
) -> list[Cut]:
    """Every cut of the tree into a number of themes within `themes_range`.

    `topic_index` is each paper's row in the tree (-1 for outliers). The silhouette is
    taken on SILHOUETTE_PAPERS papers with a topic, drawn with `random_state`.
    """
    from sklearn.metrics import silhouette_score

    low, high = themes_range
    clustered = np.flatnonzero(topic_index >= 0)
    sample = clustered
    if len(clustered) > SILHOUETTE_PAPERS:
        rng = np.random.default_rng(random_state)
        sample = np.sort(rng.choice(clustered, size=SILHOUETTE_PAPERS, replace=False))
    cuts = []
    for n_themes in range(max(low, 2) if high >= 2 else 1, high + 1):
        theme_of_topic = cut(tree, n_themes, n_topics)
        paper_themes = theme_of_topic[topic_index[clustered]]
        largest = np.bincount(paper_themes).max() / len(topic_index)
        sampled = theme_of_topic[topic_index[sample]]
        found = len(np.unique(sampled))
        score = (
            float(silhouette_score(reduced[sample], sampled))
            if 2 <= found < len(sample)
            else float("nan")
        )
        cuts.append(Cut(len(np.unique(theme_of_topic)), score, float(largest), theme_of_topic))
    return cuts


def best_cut(cuts: Sequence[Cut], max_share: float) -> Cut:
    """The cut with the best silhouette among those with no theme above `max_share`; when
    none qualifies, the one whose largest theme is smallest (then by silhouette)."""

    def silhouette(c: Cut) -> float:
        return -np.inf if np.isnan(c.silhouette) else c.silhouette

    allowed = [c for c in cuts if c.largest_share <= max_share]
    if allowed:
        return max(allowed, key=lambda c: (silhouette(c), -c.themes))
    return min(cuts, key=lambda c: (c.largest_share, -silhouette(c), c.themes))


def term_weights(
    texts: Sequence[str], topic_index: np.ndarray, n_topics: int, vectorizer: dict[str, Any]
) -> tuple[Any, Any, list[str]]:
    """(over-use, over-used) of every term by every topic (sparse, topics x terms), terms.

    Over-use of term w by topic t: p_t log(p_t / p), with p_t the share of t's papers that
    hold w and p that share among all papers with a topic (0 where t holds w no more often
    than the corpus does); over-used: 1 where that over-use is above 0.
    Terms are what config's vectorizer makes of each paper (stop words out, phrases in).
    """
    import scipy.sparse as sp

    clustered = np.flatnonzero(topic_index >= 0)
    # A term too rare to name a theme is dropped before the topics x terms tables are
    # made: most two-word phrases occur once, and at 100,000 papers they made this job
    # the pipeline's largest (benchmarks/RESULTS.md).
    min_papers = min(MIN_TERM_PAPERS, max(1, len(clustered) // 100))
    min_df = max(vectorizer.get("min_df", 1), min_papers)
    counter = count_vectorizer(vectorizer, binary=True, min_df=min_df)
    held = counter.fit_transform([split_compounds(texts[i]) for i in clustered])
    membership = sp.csr_matrix(
        (np.ones(len(clustered)), (topic_index[clustered], np.arange(len(clustered)))),
        shape=(n_topics, len(clustered)),
    )
    sizes = np.asarray(membership.sum(axis=1)).ravel()
    counts = (membership @ held).tocoo()
    corpus_share = np.asarray(held.mean(axis=0)).ravel()
    topic_share = counts.data / sizes[counts.row]
    lift = topic_share / corpus_share[counts.col]
    overuse = sp.csr_matrix(
        (topic_share * np.log(np.maximum(lift, 1.0)), (counts.row, counts.col)), shape=counts.shape
    )
    overused = sp.csr_matrix(((lift > 1).astype(float), (counts.row, counts.col)), counts.shape)
    return overuse, overused, list(counter.get_feature_names_out())


def stem(word: str) -> str:
    """A crude stem, so that a label does not say one word twice ("captions, captioning")."""
    word, before = fold(word), ""
    while word != before:  # "captioning" -> "caption" -> "capt", as "captions"
        before = word
        for suffix in ("ation", "ing", "ion", "ive", "ic", "er", "or", "ed", "al"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
    return word


def distinct_terms(ranked: Sequence[tuple[str, float]], n: int) -> list[str]:
    """The first n of (term, score) pairs, best first, that say something new.

    A term whose words a chosen phrase already holds is skipped; a phrase holding a chosen
    term's words takes its place if it scores at least half as well ("point" -> "point
    cloud"), and is skipped otherwise, as is a term sharing a word with a chosen one
    ("large language" after "language models"). Words are compared by stem.
    """
    chosen: list[str] = []
    stems: list[set[str]] = []
    scores: list[float] = []
    for term, score in ranked:
        words = {stem(word) for word in term.split()}
        if any(words <= other for other in stems):
            continue
        inside = [i for i, other in enumerate(stems) if other <= words]
        if any(words & other for i, other in enumerate(stems) if i not in inside):
            continue
        if inside:
            if score < 0.5 * max(scores[i] for i in inside):
                continue
            chosen[inside[0]], stems[inside[0]] = term, words
            for i in reversed(inside[1:]):
                del chosen[i], stems[i], scores[i]
        elif len(chosen) < n:
            chosen.append(term)
            stems.append(words)
            scores.append(score)
    return chosen


def theme_keywords(
    texts: Sequence[str],
    topic_index: np.ndarray,
    theme_of_topic: np.ndarray,
    vectorizer: dict[str, Any],
    n: int = N_KEYWORDS,
) -> list[list[str]]:
    """Each theme's keywords: the terms its topics share and other themes' topics do not.

    A term scores coverage x breadth x distinctiveness in theme h: coverage, the mean
    over-use of the term by h's topics (topics.themes.term_weights; each topic weighted by
    its papers); breadth, the share of h's papers in topics that over-use it;
    distinctiveness, h's coverage over the sum of every theme's. So a
    word many of a theme's topics use beats the largest topic's own words, and a word every
    theme uses ("learning", "image") ranks low everywhere. c-TF-IDF over themes, measured
    against this, named themes by such words (benchmarks/RESULTS.md).
    `topic_index` is each paper's topic row (-1 for outliers), `theme_of_topic` each row's
    theme.
    """
    import scipy.sparse as sp

    n_themes = int(theme_of_topic.max()) + 1 if len(theme_of_topic) else 0
    if n_themes == 0:
        return []
    try:
        overuse, overused, terms = term_weights(texts, topic_index, len(theme_of_topic), vectorizer)
    except ValueError:  # no term left: every word a stop word
        return [[] for _ in range(n_themes)]
    sizes = np.bincount(topic_index[topic_index >= 0], minlength=len(theme_of_topic))
    grouping = sp.csr_matrix(
        (sizes.astype(float), (theme_of_topic, np.arange(len(theme_of_topic)))),
        shape=(n_themes, len(theme_of_topic)),
    )
    theme_sizes = np.maximum(np.asarray(grouping.sum(axis=1)), 1)
    # Sparse throughout: a theme x term table of a large corpus would not fit in memory.
    coverage = sp.csr_matrix(sp.diags(1 / theme_sizes.ravel()) @ (grouping @ overuse))
    breadth = sp.csr_matrix(sp.diags(1 / theme_sizes.ravel()) @ (grouping @ overused))
    totals = np.asarray(coverage.sum(axis=0)).ravel()
    distinct = coverage @ sp.diags(1 / np.maximum(totals, 1e-12))
    score = sp.csr_matrix(coverage.multiply(breadth).multiply(distinct))
    keywords = []
    for theme in range(n_themes):
        row = score.getrow(theme)
        order = np.lexsort((row.indices, -row.data))[: 20 * n]  # best first, ties by term
        ranked = [(terms[row.indices[i]], row.data[i]) for i in order if row.data[i] > 0]
        keywords.append(distinct_terms(ranked, n))
    return keywords


def derive_themes(
    texts: Sequence[str],
    topic_ids: np.ndarray,
    reduced: np.ndarray,
    *,
    min_themes: int,
    max_themes: int,
    max_share: float,
    random_state: int,
    vectorizer: dict[str, Any],
    titles: Sequence[str] | None = None,
    abstracts: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, list[Cut]]:
    """(themes table, Ward tree of the real topics in ascending id order, the cuts scored).

    `texts` are the papers' titles and abstracts, `topic_ids` each paper's final topic,
    `reduced` the coordinates the topics were clustered in (every throw's side by side,
    run_themes); min_themes, max_themes and max_share are
    config's themes section, `random_state` seeds the papers the silhouette is measured
    on, `vectorizer` (config's section) makes the keyword terms. Themes are named
    (topics.names.theme_names) from the papers' `titles` and `abstracts` (without them,
    from `texts` as titles). Theme 0 is the largest by papers; each theme lists its topics
    largest first.
    """
    topic_ids = np.asarray(topic_ids)
    real = np.array(sorted(set(topic_ids.tolist()) - {-1}), dtype=np.int64)
    tree = theme_tree(topic_centres(reduced, topic_ids, real) if len(real) else np.zeros((0, 1)))
    if not len(real):
        return themes_frame([], [], [], [], [], []), tree, []
    topic_index = np.where(topic_ids >= 0, np.searchsorted(real, topic_ids), -1)
    themes_range = theme_range(len(real), min_themes=min_themes, max_themes=max_themes)
    cuts = score_cuts(reduced, topic_index, tree, len(real), themes_range, random_state)
    chosen = best_cut(cuts, max_share)
    sizes = np.bincount(topic_index[topic_index >= 0], minlength=len(real))
    # Number themes by size, largest first (ties: the one holding the smaller topic id).
    theme_sizes = np.bincount(chosen.theme_of_topic, weights=sizes)
    first_topic = [
        np.flatnonzero(chosen.theme_of_topic == t).min() for t in range(len(theme_sizes))
    ]
    order = sorted(range(len(theme_sizes)), key=lambda t: (-theme_sizes[t], first_topic[t]))
    theme_of_topic = np.argsort(order)[chosen.theme_of_topic]
    keywords = theme_keywords(texts, topic_index, theme_of_topic, vectorizer)
    members = [
        sorted(np.flatnonzero(theme_of_topic == theme), key=lambda i: (-sizes[i], real[i]))
        for theme in range(len(order))
    ]
    topic_lists = [[int(real[i]) for i in rows] for rows in members]
    keyword_labels = theme_labels(keywords, topic_lists)
    names = theme_names(
        texts if titles is None else titles,
        [""] * len(texts) if abstracts is None else abstracts,
        topic_ids,
        {int(real[i]): int(theme_of_topic[i]) for i in range(len(real))},
        fallback=dict(enumerate(keyword_labels)),
    )
    table = themes_frame(
        list(range(len(order))),
        [names[theme] for theme in range(len(order))],
        keyword_labels,
        [int(sizes[rows].sum()) for rows in members],
        keywords,
        topic_lists,
    )
    return table, tree, cuts


def themes_frame(ids, labels, keyword_labels, sizes, keywords, topics) -> pd.DataFrame:
    """The themes table, typed even when empty (a corpus without topics has no themes)."""
    return pd.DataFrame(
        {
            "theme_id": pd.Series(ids, dtype="int64"),
            "label": pd.Series(labels, dtype=object),
            "name": pd.Series(labels, dtype=object),
            "keyword_label": pd.Series(keyword_labels, dtype=object),
            "size": pd.Series(sizes, dtype="int64"),
            "keywords": pd.Series(keywords, dtype=object),
            "topics": pd.Series(topics, dtype=object),
        },
        columns=THEME_COLUMNS,
    )


def theme_labels(keywords: Sequence[Sequence[str]], topics: Sequence[Sequence[int]]) -> list[str]:
    """Readable labels, unique among themes; a theme without keywords is named by its topics."""
    return unique_labels(
        [
            list(words) or ["topics " + " ".join(str(topic) for topic in members)]
            for words, members in zip(keywords, topics, strict=True)
        ]
    )


def run_themes(
    papers_path: str | Path,
    assignments_path: str | Path,
    reduced_path: str | Path | Sequence[str | Path],
    themes_path: str | Path,
    tree_path: str | Path,
    topics_path: str | Path | None = None,
    *,
    llm: dict[str, Any] | None = None,
    threads: int = 1,
    **params: Any,
) -> pd.DataFrame:
    """derive_themes on the files of a run; `llm` (config's labels.llm) adds the model's
    names (topics.llm) from the topics' names in `topics_path`. `reduced_path`: the
    throws' reductions (consensus.throws), whose layouts side by side
    (topics.consensus.stacked_layouts) the themes are cut in, so that no one seed's layout
    decides which topics lie close (benchmarks/RESULTS.md, issue 26); one path, or one
    throw, is that reduction as it is."""
    papers = read_table(papers_path, columns=["title", "abstract"])
    texts = paper_texts(papers)
    topic_ids = read_table(assignments_path)["topic_id"].to_numpy()
    paths = [reduced_path] if isinstance(reduced_path, str | Path) else list(reduced_path)
    themes, tree, cuts = derive_themes(
        texts,
        topic_ids,
        stacked_layouts([read_array(path) for path in paths]),
        titles=papers["title"].fillna("").tolist(),
        abstracts=papers["abstract"].fillna("").tolist(),
        **params,
    )
    topics = read_table(topics_path, columns=["topic_id", "name"]) if llm else None
    themes = name_themes(themes, topics, llm, threads)
    n_topics = len(set(topic_ids.tolist()) - {-1})
    for c in cuts:
        log.info(
            "%d themes: silhouette %.3f, largest theme %.1f%% of the papers",
            c.themes,
            c.silhouette,
            100 * c.largest_share,
        )
    log.info(
        "%d topics in %d themes (themes %s)",
        n_topics,
        len(themes),
        {key: params[key] for key in ["min_themes", "max_themes", "max_share"]},
    )
    for row in themes.itertuples():
        log.info(
            "theme %d (%d papers, %d topics): %s [%s]",
            row.theme_id,
            row.size,
            len(row.topics),
            row.label,
            row.keyword_label,
        )
    write_themes(themes, themes_path)
    write_array(tree.astype(np.float64), tree_path)
    return themes
