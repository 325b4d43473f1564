"""Topics from several throws: what most UMAP seeds agree on (issue 26).

Each throw is one UMAP reduction of the same papers with its own seed, clustered by
HDBSCAN. `consensus_topics` votes on the edges of the embeddings' nearest-neighbour graph
(the one UMAP searched once for all seeds): two neighbouring papers stay together when at
least `need` throws put them in the same topic; the consensus topics are the connected
groups of at least `min_size` papers, the rest outliers. Only the sparse graph is voted
on, so the cost grows with papers x neighbours, never with papers squared.

`agreement_share` says, per paper, how many throws agree with its consensus topic. (Themes
do not depend on the throws' layouts at all: topics.themes.) benchmarks/RESULTS.md (issue 26)
has the measurements and the alternatives (one HDBSCAN on the stacked layouts, a vote after
aligning each throw's topics to a reference).
"""

from collections.abc import Sequence

import numpy as np


def edge_votes(runs: Sequence[np.ndarray], neighbours: np.ndarray) -> tuple[np.ndarray, ...]:
    """(rows, columns, votes) of the neighbour graph's edges: for each, the number of runs
    that put both papers in one topic (an outlier, -1, agrees with nothing)."""
    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    cols = neighbours.ravel()
    keep = (cols >= 0) & (cols != rows)
    rows, cols = rows[keep], cols[keep]
    votes = np.zeros(len(rows), dtype=np.int64)
    for labels in runs:
        labels = np.asarray(labels)
        votes += (labels[rows] == labels[cols]) & (labels[rows] >= 0)
    return rows, cols, votes


def consensus_topics(
    runs: Sequence[np.ndarray], neighbours: np.ndarray, *, need: int, min_size: int
) -> np.ndarray:
    """Consensus topic of each paper (0.. by size, largest first; -1 outliers).

    `runs`: each throw's topic per paper (-1 outliers); `neighbours`: each paper's nearest
    neighbours' row indices (papers x k, -1 for none); `need`: the throws that must agree
    to keep an edge (a majority, len(runs) // 2 + 1, measured best: voting on topics after
    outlier reassignment chains topics into one). Topic ids of different runs need not
    correspond: only whether two papers share a topic within a run counts.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n = len(neighbours)
    rows, cols, votes = edge_votes(runs, neighbours)
    kept = votes >= need
    graph = sp.csr_matrix((np.ones(kept.sum()), (rows[kept], cols[kept])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    big = np.flatnonzero(sizes >= min_size)
    # Largest first; ties by the smallest paper index in the group, so ids are reproducible.
    first = np.full(len(sizes), n)
    np.minimum.at(first, component, np.arange(n))
    order = big[np.lexsort((first[big], -sizes[big]))]
    renumber = np.full(len(sizes), -1, dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return renumber[component]


def agreement_share(topics: np.ndarray, runs: Sequence[np.ndarray]) -> np.ndarray:
    """Per paper, the share of runs whose topic for it is the one holding most of its
    consensus topic's papers in that run (nan for consensus outliers): 1.0 means every
    throw puts the paper with the bulk of its topic."""
    topics = np.asarray(topics)
    inside = topics >= 0
    hits = np.zeros(len(topics))
    for labels in runs:
        labels = np.asarray(labels)
        both = inside & (labels >= 0)
        if not both.any():
            continue
        # For each consensus topic, the run's topic holding most of its papers.
        pairs, counts = np.unique(
            np.stack([topics[both], labels[both]]), axis=1, return_counts=True
        )
        order = np.lexsort((-counts, pairs[0]))
        pairs = pairs[:, order]
        first = np.r_[True, pairs[0, 1:] != pairs[0, :-1]]
        major = np.full(int(topics.max()) + 1, -2, dtype=np.int64)
        major[pairs[0, first]] = pairs[1, first]
        hits[inside] += labels[inside] == major[topics[inside]]
    share = np.full(len(topics), np.nan)
    share[inside] = hits[inside] / max(len(runs), 1)
    return share
