"""Themes: the topics grouped into a few broad areas, each named by what its topics share.

Themes are communities of the papers' nearest-neighbour graph in the embedding space
(Louvain's modularity, scikit-network), which no UMAP seed moves: each topic joins the
community holding most of its papers. Louvain's resolution is raised step by step from
coarse until there are at least config's fewest themes and no theme above its share of the
corpus: the coarsest such grouping is the themes. Louvain visits the papers in their
canonical order (by paper id), so there is no random choice. A cut of a Ward tree of the
topics' centres in the throws' UMAP layouts, measured against this, followed UMAP's seed
(theme ARI 0.86-0.87 between random_states, against 0.95: benchmarks/RESULTS.md, issue 26).
The tree kept beside the themes joins each theme's topics by Ward linkage of their centroids
in the embedding space, then the themes. Topic -1, the outliers, is in no theme.
"""

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from topics.centroids import topic_centroids
from topics.embed import paper_texts
from topics.errors import UserError
from topics.files import read_array, read_neighbours, read_table, write_array, write_themes
from topics.keywords import count_vectorizer, fold, split_compounds
from topics.label import unique_labels
from topics.llm import name_themes
from topics.names import theme_names

log = logging.getLogger("topics")

# label: the theme's name (topics.names); name: the same, kept when something names themes
# on top of it; keyword_label: the old label, its first keywords.
THEME_COLUMNS = ["theme_id", "label", "name", "keyword_label", "size", "keywords", "topics"]
# Nearest neighbours of each paper in the graph the themes are communities of (UMAP's
# default n_neighbors, measured in benchmarks/RESULTS.md against 30).
THEME_NEIGHBOURS = 15
# Louvain's resolutions tried, coarse to fine, until one gives enough themes.
RESOLUTIONS = tuple(round(0.05 * step, 2) for step in range(1, 41))
# Keywords kept per theme (its label is made of the first few).
N_KEYWORDS = 10
# Fewest papers a term must occur in to name a theme (fewer on a corpus under 500 papers).
MIN_TERM_PAPERS = 5


class Cut(NamedTuple):
    """One grouping of the topics into themes, at one of Louvain's resolutions."""

    themes: int
    # Louvain's resolution (modularity's weight of the null model) that gave it.
    resolution: float
    # Share of all papers in the largest theme.
    largest_share: float
    # Theme of each real topic, in ascending topic-id order.
    theme_of_topic: np.ndarray


def neighbour_graph(neighbours: np.ndarray) -> Any:
    """The papers' neighbour graph (sparse, symmetric, weight 1 per linked pair) from each
    paper's neighbours' row numbers (papers x k; itself and -1 are left out)."""
    import scipy.sparse as sp

    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    cols = np.asarray(neighbours).ravel()
    keep = (cols >= 0) & (cols != rows)
    graph = sp.csr_matrix(
        (np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n), dtype=np.float64
    )
    return graph.maximum(graph.T).tocsr()


def theme_neighbours(
    embeddings: np.ndarray, graph: np.ndarray | None = None, *, k: int = THEME_NEIGHBOURS
) -> np.ndarray:
    """Each paper's `k` nearest papers (row numbers): searched exactly by cosine in the
    embeddings, or taken from `graph` (UMAP's neighbour indices, each row starting with the
    paper itself) where the corpus is too large to search exactly (neighbours.exact_max)."""
    if graph is not None:
        return np.asarray(graph)[:, 1 : k + 1]
    from topics.neighbours import exact_neighbours

    return exact_neighbours(embeddings, k)[0]


def communities(graph: Any, resolution: float) -> np.ndarray:
    """Louvain's community of each paper at `resolution` (scikit-network, papers visited in
    their order: deterministic)."""
    from sknetwork.clustering import Louvain

    return np.asarray(Louvain(resolution=resolution).fit_predict(graph), dtype=np.int64)


def topics_to_communities(topic_index: np.ndarray, community: np.ndarray, n_topics: int):
    """Each topic's community: the one holding most of its papers (ties: the lower id)."""
    counts = np.zeros((n_topics, int(community.max()) + 1), dtype=np.int64)
    inside = topic_index >= 0
    np.add.at(counts, (topic_index[inside], community[inside]), 1)
    _, theme_of_topic = np.unique(counts.argmax(axis=1), return_inverse=True)
    return theme_of_topic.astype(np.int64)


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


def group_topics(
    graph: Any,
    topic_index: np.ndarray,
    n_topics: int,
    themes_range: tuple[int, int],
    max_share: float,
) -> list[Cut]:
    """The groupings tried, coarse to fine; the last is the themes when any was within
    `themes_range` with no theme above `max_share` (best_cut).

    `topic_index` is each paper's topic row (-1 for outliers). Louvain's resolution goes
    up RESOLUTIONS until a grouping qualifies or there are more themes than the range
    allows."""
    low, high = themes_range
    inside = topic_index >= 0
    cuts: list[Cut] = []
    if n_topics < 2 or high <= 1:
        return [Cut(min(n_topics, 1), 0.0, 1.0, np.zeros(n_topics, dtype=np.int64))]
    for resolution in RESOLUTIONS:
        theme_of_topic = topics_to_communities(
            topic_index, communities(graph, resolution), n_topics
        )
        sizes = np.bincount(theme_of_topic[topic_index[inside]])
        found = len(sizes)
        cuts.append(Cut(found, resolution, float(sizes.max() / len(topic_index)), theme_of_topic))
        if found > high or (found >= low and cuts[-1].largest_share <= max_share):
            break
    return cuts


def best_cut(cuts: Sequence[Cut], themes_range: tuple[int, int], max_share: float) -> Cut:
    """The coarsest grouping within `themes_range` with no theme above `max_share`; when
    none qualifies, the one within the range whose largest theme is smallest, or else the
    one closest to the range."""
    low, high = themes_range
    within = [c for c in cuts if low <= c.themes <= high]
    allowed = [c for c in within if c.largest_share <= max_share]
    if allowed:
        return allowed[0]
    if within:
        return min(within, key=lambda c: (c.largest_share, c.themes))
    return min(cuts, key=lambda c: (max(low - c.themes, c.themes - high), c.resolution))


def theme_tree(centres: np.ndarray, theme_of_topic: np.ndarray) -> np.ndarray:
    """A linkage (scipy's format) of the topics that the themes cut: each theme's topics
    joined by Ward linkage of their `centres`, then the themes by Ward linkage of their
    topics' mean centre, raised above the highest merge inside a theme, so a cut into as
    many groups as there are themes gives the themes. (0, 4) below 2 topics."""
    n = len(centres)
    if n < 2:
        return np.zeros((0, 4))
    from scipy.cluster.hierarchy import linkage

    merges = []  # (height, theme, order in its theme, left, right, size) in local node ids
    roots = {}
    sizes = {i: 1 for i in range(n)}
    for theme in np.unique(theme_of_topic):
        members = np.flatnonzero(theme_of_topic == theme)
        ids = list(members)  # local node id -> global leaf, then merge keys
        if len(members) > 1:
            for step, (a, b, height, _) in enumerate(linkage(centres[members], method="ward")):
                merges.append((height, int(theme), step, ids[int(a)], ids[int(b)]))
                ids.append(("merge", int(theme), step))
        roots[int(theme)] = ids[-1]
    rows, node_of = [], {}

    def node(key):
        return key if isinstance(key, int | np.integer) else node_of[key]

    for height, theme, step, a, b in sorted(merges, key=lambda m: m[:3]):
        a, b = node(a), node(b)
        node_of[("merge", theme, step)] = n + len(rows)
        sizes[n + len(rows)] = sizes[a] + sizes[b]
        rows.append([min(a, b), max(a, b), height, sizes[a] + sizes[b]])
    themes = sorted(roots)
    if len(themes) > 1:
        # Above every merge inside a theme, so that no theme is split before two are joined.
        base = max((row[2] for row in rows), default=0.0)
        theme_centres = np.stack(
            [centres[theme_of_topic == theme].mean(axis=0) for theme in themes]
        )
        tops = [node(roots[theme]) for theme in themes]
        for a, b, height, _ in linkage(theme_centres, method="ward"):
            a, b = tops[int(a)], tops[int(b)]
            tops.append(n + len(rows))
            sizes[n + len(rows)] = sizes[a] + sizes[b]
            rows.append([min(a, b), max(a, b), base + float(height), sizes[a] + sizes[b]])
    return np.asarray(rows, dtype=np.float64)


def cut(tree: np.ndarray, n_themes: int, n_topics: int) -> np.ndarray:
    """Group (0..) of each topic when the tree is cut into `n_themes` groups."""
    if n_themes <= 1 or n_topics < 2:
        return np.zeros(n_topics, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, n_themes, criterion="maxclust").astype(np.int64) - 1


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
    embeddings: np.ndarray,
    *,
    min_themes: int,
    max_themes: int,
    max_share: float,
    vectorizer: dict[str, Any],
    graph: np.ndarray | None = None,
    titles: Sequence[str] | None = None,
    abstracts: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, list[Cut]]:
    """(themes table, tree of the real topics in ascending id order, the groupings tried).

    `texts` are the papers' titles and abstracts, `topic_ids` each paper's final topic,
    `embeddings` the papers' vectors, whose nearest-neighbour graph the themes are
    communities of (`graph`: UMAP's neighbour indices to take instead of searching, for
    corpora above neighbours.exact_max); min_themes, max_themes and max_share are config's
    themes section, `vectorizer` (config's section) makes the keyword terms. Themes are
    named (topics.names.theme_names) from the papers' `titles` and `abstracts` (without
    them, from `texts` as titles). Theme 0 is the largest by papers; each theme lists its
    topics largest first.
    """
    topic_ids = np.asarray(topic_ids)
    real = np.array(sorted(set(topic_ids.tolist()) - {-1}), dtype=np.int64)
    if not len(real):
        return themes_frame([], [], [], [], [], []), np.zeros((0, 4)), []
    topic_index = np.where(topic_ids >= 0, np.searchsorted(real, topic_ids), -1)
    themes_range = theme_range(len(real), min_themes=min_themes, max_themes=max_themes)
    papers_graph = neighbour_graph(theme_neighbours(embeddings, graph)) if len(real) > 1 else None
    cuts = group_topics(papers_graph, topic_index, len(real), themes_range, max_share)
    chosen = best_cut(cuts, themes_range, max_share)
    sizes = np.bincount(topic_index[topic_index >= 0], minlength=len(real))
    # Number themes by size, largest first (ties: the one holding the smaller topic id).
    theme_sizes = np.bincount(chosen.theme_of_topic, weights=sizes)
    first_topic = [
        np.flatnonzero(chosen.theme_of_topic == t).min() for t in range(len(theme_sizes))
    ]
    order = sorted(range(len(theme_sizes)), key=lambda t: (-theme_sizes[t], first_topic[t]))
    theme_of_topic = np.argsort(order)[chosen.theme_of_topic]
    tree = theme_tree(topic_centroids(embeddings, topic_ids, real.tolist()), theme_of_topic)
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
    embeddings_path: str | Path,
    themes_path: str | Path,
    tree_path: str | Path,
    topics_path: str | Path | None = None,
    *,
    neighbours_path: str | Path | None = None,
    exact_max: int | None = None,
    llm: dict[str, Any] | None = None,
    threads: int = 1,
    **params: Any,
) -> pd.DataFrame:
    """derive_themes on the files of a run; `llm` (config's labels.llm) adds the model's
    names (topics.llm) from the topics' names in `topics_path`. Above `exact_max` papers
    (config's neighbours.exact_max) the graph is UMAP's neighbours in `neighbours_path`
    rather than an exact search of the embeddings."""
    papers = read_table(papers_path, columns=["title", "abstract"])
    texts = paper_texts(papers)
    topic_ids = read_table(assignments_path)["topic_id"].to_numpy()
    embeddings = read_array(embeddings_path)
    graph = None
    if neighbours_path is not None and exact_max is not None and len(embeddings) > exact_max:
        found = read_neighbours(neighbours_path)
        graph = None if found is None else found[0]
    themes, tree, cuts = derive_themes(
        texts,
        topic_ids,
        embeddings,
        graph=graph,
        titles=papers["title"].fillna("").tolist(),
        abstracts=papers["abstract"].fillna("").tolist(),
        **params,
    )
    topics = read_table(topics_path, columns=["topic_id", "name"]) if llm else None
    themes = name_themes(themes, topics, llm, threads)
    n_topics = len(set(topic_ids.tolist()) - {-1})
    for c in cuts:
        log.info(
            "resolution %.2f: %d themes, largest theme %.1f%% of the papers",
            c.resolution,
            c.themes,
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
