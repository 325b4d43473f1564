"""Cluster the UMAP-reduced papers with HDBSCAN, no topic above a share of the corpus."""

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np

from topics.files import Clusters, read_array, write_clusters, write_model

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


def run_cluster(
    reduced_path: str | Path,
    clusters_path: str | Path,
    model_path: str | Path | None = None,
    *,
    max_share: float,
    soft_membership: bool = False,
    **params: Any,
) -> np.ndarray:
    """model_path: where the fitted HDBSCAN is kept for placing papers added later (the
    main run's only)."""
    reduced = read_array(reduced_path)
    model, clusters = hdbscan_fit(
        reduced,
        max_share=max_share,
        soft_membership=soft_membership,
        prediction_data=model_path is not None,
        **params,
    )
    labels = clusters.labels
    n_clusters = len(set(labels.tolist()) - {-1})
    outliers = int((labels == -1).sum())
    log.info(
        "HDBSCAN %s, no cluster above %s of the papers: %d clusters, %d of %d papers "
        "outliers (%.1f%%)",
        params,
        max_share,
        n_clusters,
        outliers,
        len(labels),
        100 * outliers / max(len(labels), 1),
    )
    if effect := cap_effect(labels, clusters.uncapped):
        log.info("%s (hdbscan.max_share %s)", effect, max_share)
    if (share := largest_cluster_share(labels)) > DOMINANT_SHARE:
        log.warning(
            "HDBSCAN put %.0f%% of the papers in one of its %d clusters: that topic is "
            "the corpus, not a theme. Try a lower hdbscan.max_share, "
            "hdbscan.cluster_selection_method: leaf, another hdbscan.min_cluster_size or "
            "another umap.random_state.",
            100 * share,
            n_clusters,
        )
    write_clusters(clusters, clusters_path)
    if model_path is not None:
        write_model(model, model_path)
    return labels
