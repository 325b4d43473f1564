"""Cluster the UMAP-reduced papers with HDBSCAN, no topic above a share of the corpus."""

import functools
import logging
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from topics.files import (
    Clusters,
    read_array,
    read_neighbours,
    write_clusters,
    write_json,
    write_model,
)

log = logging.getLogger("topics")

# A cluster holding more than this share of the papers is HDBSCAN's eom selection keeping a
# parent cluster whole rather than a theme (benchmarks/RESULTS.md has the seeds' cases).
DOMINANT_SHARE = 0.5
# The size cap never falls below this many times min_cluster_size (see size_cap).
MIN_CAP = 5


def largest_cluster_share(labels: np.ndarray) -> float:
    """Share of all papers in the largest cluster (0 when every paper is an outlier)."""
    clustered = labels[labels >= 0]
    return float(np.bincount(clustered).max() / len(labels)) if len(clustered) else 0.0


def size_cap(n_papers: int, max_share: float, min_cluster_size: int) -> int:
    """HDBSCAN's max_cluster_size for a topic share of at most `max_share`.

    Never below MIN_CAP x min_cluster_size: eom turns a cluster over the cap that does not
    split (a leaf of HDBSCAN's tree) into outliers, so on a small corpus a share of it
    (10% of 90 papers in 3 topics: 9) would dissolve its topics rather than split a giant.
    """
    return max(math.floor(max_share * n_papers), MIN_CAP * min_cluster_size)


def uncapped_labels(model: Any) -> np.ndarray:
    """The labels a fitted HDBSCAN's eom selection gives without its max_cluster_size.

    Re-selects clusters from the fitted single-linkage tree (hdbscan's private
    `_tree_to_labels` and `_single_linkage_tree`, checked with hdbscan 0.8.44;
    tests/test_reduce_cluster.py fails if an upgrade changes them): milliseconds, where a
    second fit would cost as much as the first.
    """
    from hdbscan.hdbscan_ import _tree_to_labels

    return _tree_to_labels(
        None,
        model._single_linkage_tree,
        min_cluster_size=model.min_cluster_size,
        cluster_selection_method=model.cluster_selection_method,
        allow_single_cluster=model.allow_single_cluster,
        cluster_selection_epsilon=model.cluster_selection_epsilon,
        max_cluster_size=0,
    )[0]


def hdbscan_cluster(reduced: np.ndarray, **params: Any) -> Clusters:
    """HDBSCAN's clusters of the rows of `reduced` (see hdbscan_fit)."""
    return hdbscan_fit(reduced, **params)[1]


def hdbscan_fit(
    reduced: np.ndarray,
    *,
    min_cluster_size: int,
    max_share: float,
    soft_membership: bool = False,
    prediction_data: bool = False,
    **params: Any,
) -> tuple[Any, Clusters]:
    """The fitted HDBSCAN and its result: cluster labels (-1 for outliers), membership
    strengths, soft membership of every row in every cluster (rows x clusters; only with
    `soft_membership`, for outlier reassignment by probabilities), and the labels eom would
    have given without the size cap. `prediction_data` keeps what places papers added
    later (topics.place) in the fitted model.

    Soft membership is HDBSCAN's costliest part by far, growing with papers x clusters,
    so it is computed only when asked for.

    `params` are HDBSCAN's own arguments (config's hdbscan section). eom now and then keeps
    a parent cluster whole, one topic holding a large part of the corpus; capping clusters
    at `max_share` of the papers (hdbscan's max_cluster_size) makes eom choose among that
    cluster's descendants instead. HDBSCAN is deterministic:
    the same reduced vectors and parameters give the same labels.
    """
    from hdbscan import HDBSCAN, all_points_membership_vectors

    # HDBSCAN cannot form a cluster larger than the corpus.
    min_cluster_size = max(2, min(min_cluster_size, len(reduced)))
    cap = size_cap(len(reduced), max_share, min_cluster_size)
    model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        max_cluster_size=cap,
        prediction_data=soft_membership or prediction_data,
        **params,
    )
    labels = model.fit_predict(reduced)
    n_clusters = int(labels.max()) + 1
    membership = None
    if soft_membership:
        membership = (
            all_points_membership_vectors(model).reshape(len(labels), -1)
            if n_clusters > 0
            else np.zeros((len(labels), 0))
        )
    # The cap only acts on eom (hdbscan ignores it for leaf), and only on a corpus over it.
    uncapped = None
    if model.cluster_selection_method == "eom" and cap < len(reduced):
        try:
            uncapped = uncapped_labels(model)
        except (AttributeError, ImportError, TypeError, KeyError) as error:
            log.warning("could not tell what the size cap changed (%s)", error)
    return model, Clusters(
        labels.astype(np.int64),
        model.probabilities_.astype(np.float32),
        None if membership is None else membership.astype(np.float32),
        None if uncapped is None else np.asarray(uncapped, dtype=np.int64),
    )


def cap_effect(labels: np.ndarray, uncapped: np.ndarray | None) -> str | None:
    """What the size cap did, in one sentence; None when it changed nothing.

    "eom without the cap would have kept one cluster of 18.5% of the papers (3131); the cap
    splits it into 31 clusters (412 of its papers left as outliers)". A cluster within the
    cap is selected as it would be without it, so the clusters the cap changed are those
    whose papers no longer form one cluster.
    """
    if uncapped is None:
        return None
    n = len(labels)
    changed = []
    for cluster in np.unique(uncapped[uncapped >= 0]):
        members = labels[uncapped == cluster]
        pieces = np.unique(members)
        if len(pieces) > 1 or pieces[0] < 0:
            changed.append((len(members), int((pieces >= 0).sum()), int((members < 0).sum())))
    if not changed:
        return None
    parts = [
        f"one cluster of {100 * size / n:.1f}% of the papers ({size}); the cap splits it into "
        f"{pieces} clusters ({outliers} of its papers left as outliers)"
        for size, pieces, outliers in sorted(changed, reverse=True)
    ]
    return "eom without the cap would have kept " + "; and ".join(parts)


# Throw i's UMAP seed is umap.random_state + i x THROW_STRIDE (see throw_seeds).
THROW_STRIDE = 1_000_000


def throw_seeds(random_state: int, throws: int) -> list[int]:
    """The UMAP seeds of `throws` throws: random_state itself first (the main run, whose
    reduction, HDBSCAN and map are kept), then a million apart.

    Runs whose random_states differ (by other than a multiple of a million) share no
    throw, so their topics agree only as far as the method makes them: seeds
    random_state + 1, + 2, ... would let random_states 42 and 43 share four throws of five
    and fake their agreement.
    """
    return [random_state + i * THROW_STRIDE for i in range(throws)]


def majority(throws: int) -> int:
    """The throws that make a majority of `throws` (consensus.need: null)."""
    return throws // 2 + 1


def consensus_graph(
    neighbours: tuple[np.ndarray, np.ndarray] | None,
    embeddings: np.ndarray,
    *,
    n_neighbors: int,
    metric: str = "cosine",
) -> np.ndarray:
    """The nearest-neighbour graph the throws vote on (papers x k row indices): the main
    UMAP's own (topics.reduce.fitted_neighbours) where it searched one, the graph every
    throw's UMAP was built on; else (under 4,096 papers, where UMAP measures every
    distance) the exact `n_neighbors` nearest papers by UMAP's metric."""
    if neighbours is not None:
        return np.asarray(neighbours[0])
    from sklearn.neighbors import NearestNeighbors

    k = max(1, min(n_neighbors, len(embeddings) - 1))
    try:
        search = NearestNeighbors(n_neighbors=k, metric=metric).fit(embeddings)
    except ValueError:  # a metric of UMAP's that scikit-learn lacks
        log.info("the consensus graph: scikit-learn has no %r metric, cosine instead", metric)
        search = NearestNeighbors(n_neighbors=k, metric="cosine").fit(embeddings)
    return search.kneighbors(return_distance=False)


def cluster_throws(
    reductions: list[np.ndarray],
    graph: np.ndarray | None,
    *,
    need: int | None,
    min_cluster_size: int,
    max_share: float,
    soft_membership: bool = False,
    prediction_data: bool = False,
    **params: Any,
) -> tuple[Any, Clusters, list[Clusters]]:
    """(the main throw's fitted HDBSCAN, the clusters topics are made of, each throw's
    HDBSCAN clusters).

    HDBSCAN (hdbscan_fit, the same parameters and size cap) on each throw's reduction,
    the first the main run's. One throw: its clusters as they are. Several: their
    consensus (topics.consensus.consensus_topics) on `graph`, two neighbouring papers kept
    together where `need` throws (None: a majority) put them in one cluster, groups under
    min_cluster_size outliers; `fitted` keeps the main throw's labels, which the kept
    HDBSCAN predicts. Each paper's agreement: the share of throws that agree with its
    cluster (topics.consensus.agreement_share; 1 for one throw), nan for outliers.
    """
    from topics.consensus import agreement_share, consensus_topics

    fit = functools.partial(hdbscan_fit, min_cluster_size=min_cluster_size, max_share=max_share)
    model, main = fit(
        reductions[0],
        soft_membership=soft_membership and len(reductions) == 1,
        prediction_data=prediction_data,
        **params,
    )
    throws = [main, *(fit(reduced, **params)[1] for reduced in reductions[1:])]
    runs = [throw.labels for throw in throws]
    if len(throws) == 1:
        labels = main.labels
        return model, main._replace(agreement=agreement_share(labels, runs)), throws
    if graph is None:
        raise ValueError("topics of several throws need the papers' neighbour graph")
    labels = consensus_topics(
        runs,
        graph,
        need=need or majority(len(runs)),
        min_size=max(2, min(min_cluster_size, len(reductions[0]))),
    )
    return (
        model,
        Clusters(labels, agreement=agreement_share(labels, runs), fitted=main.labels),
        throws,
    )


def run_cluster(
    reduced_paths: list[str | Path],
    clusters_path: str | Path,
    model_path: str | Path | None = None,
    stability_path: str | Path | None = None,
    *,
    seeds: list[int],
    need: int | None,
    graph: tuple[str | Path, str | Path] | None = None,
    umap: dict[str, Any] | None = None,
    max_share: float,
    soft_membership: bool = False,
    **params: Any,
) -> np.ndarray:
    """clusters.npz (and stability.json) from every throw's reduction, `reduced_paths`
    in the order of `seeds`, the main run's first: the throws are clustered here, in one
    job (an HDBSCAN is under a second once compiled; a job each would pay a process and
    hdbscan's import each), while their UMAPs stay jobs of their own, side by side.

    model_path: where the main throw's fitted HDBSCAN is kept for placing papers added
    later (the main run's only); graph: (umap_neighbours.npz, embeddings.npy), read only
    for several throws, with `umap` (its n_neighbors and metric) for consensus_graph."""
    from topics.stability import throws_report

    started = time.perf_counter()
    reductions = [read_array(path) for path in reduced_paths]
    neighbours = None
    if len(reductions) > 1 and graph is not None:
        umap = umap or {}
        neighbours = consensus_graph(
            read_neighbours(graph[0]),
            read_array(graph[1]),
            n_neighbors=umap.get("n_neighbors", 15),
            metric=umap.get("metric", "cosine"),
        )
    model, clusters, throws = cluster_throws(
        reductions,
        neighbours,
        need=need,
        max_share=max_share,
        soft_membership=soft_membership,
        prediction_data=model_path is not None,
        **params,
    )
    for seed, throw in zip(seeds, throws, strict=True):
        log_throw(throw, seed, params, max_share)
    labels = clusters.labels
    runs = {seed: throw.labels for seed, throw in zip(seeds, throws, strict=True)}
    report = throws_report(runs, clusters, need or majority(len(throws)))
    if len(throws) > 1:
        log.info(
            "consensus of %d throws (seeds %s), %d must agree: %d topics; %d of %d papers "
            "(%.1f%%) outliers, the throws disagreeing on them (consensus outliers, before "
            "outlier reassignment); agreement of the others: mean %s, all throws agree on "
            "%s of them; largest topic %.1f%% of the papers; %.1f s",
            len(throws),
            seeds,
            report["need"],
            report["topics"],
            report["outliers"],
            len(labels),
            100 * report["outliers"] / max(len(labels), 1),
            report["agreement_mean"],
            report["all_agree_share"],
            100 * largest_cluster_share(labels),
            time.perf_counter() - started,
        )
        if (share := largest_cluster_share(labels)) > max_share:
            log.warning(
                "the throws' consensus joined %.1f%% of the papers in one topic, above "
                "hdbscan.max_share (%s), which caps each throw's clusters, not their "
                "consensus: a higher consensus.need keeps fewer papers together.",
                100 * share,
                max_share,
            )
    write_clusters(clusters, clusters_path)
    if model_path is not None:
        write_model(model, model_path)
    if stability_path is not None:
        write_json(report, stability_path)
    return labels


def log_throw(throw: Clusters, seed: int, params: dict[str, Any], max_share: float) -> None:
    """One throw's HDBSCAN in the log: its clusters and outliers, what the size cap split,
    and a warning where one cluster holds most of the corpus."""
    labels = throw.labels
    n_clusters = len(set(labels.tolist()) - {-1})
    outliers = int((labels == -1).sum())
    log.info(
        "UMAP seed %s, HDBSCAN %s, no cluster above %s of the papers: %d clusters, %d of %d "
        "papers outliers (%.1f%%)",
        seed,
        params,
        max_share,
        n_clusters,
        outliers,
        len(labels),
        100 * outliers / max(len(labels), 1),
    )
    if effect := cap_effect(labels, throw.uncapped):
        log.info("UMAP seed %s: %s (hdbscan.max_share %s)", seed, effect, max_share)
    if (share := largest_cluster_share(labels)) > DOMINANT_SHARE:
        log.warning(
            "UMAP seed %s: HDBSCAN put %.0f%% of the papers in one of its %d clusters: that "
            "topic is the corpus, not a theme. Try a lower hdbscan.max_share, "
            "hdbscan.cluster_selection_method: leaf, another hdbscan.min_cluster_size or "
            "another umap.random_state.",
            seed,
            100 * share,
            n_clusters,
        )
