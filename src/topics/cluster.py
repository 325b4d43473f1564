"""Cluster the UMAP-reduced papers with HDBSCAN."""

import logging
from pathlib import Path
from typing import Any

import numpy as np

from topics.files import Clusters, read_array, write_clusters

log = logging.getLogger("topics")

# A cluster holding more than this share of the papers is HDBSCAN's eom selection keeping a
# parent cluster whole rather than a theme (benchmarks/RESULTS.md has the seeds' cases).
DOMINANT_SHARE = 0.5


def largest_cluster_share(labels: np.ndarray) -> float:
    """Share of all papers in the largest cluster (0 when every paper is an outlier)."""
    clustered = labels[labels >= 0]
    return float(np.bincount(clustered).max() / len(labels)) if len(clustered) else 0.0


def hdbscan_cluster(reduced: np.ndarray, *, min_cluster_size: int, **params: Any) -> Clusters:
    """Cluster labels (-1 for outliers), membership strengths, and soft membership of every
    row in every cluster (rows x clusters; what outlier reassignment by probabilities uses).

    `params` are HDBSCAN's own arguments (config's hdbscan section). HDBSCAN is
    deterministic: the same reduced vectors and parameters give the same labels.
    """
    from hdbscan import HDBSCAN, all_points_membership_vectors

    # HDBSCAN cannot form a cluster larger than the corpus.
    min_cluster_size = max(2, min(min_cluster_size, len(reduced)))

    model = HDBSCAN(min_cluster_size=min_cluster_size, prediction_data=True, **params)
    labels = model.fit_predict(reduced)
    n_clusters = int(labels.max()) + 1
    membership = (
        all_points_membership_vectors(model).reshape(len(labels), -1)
        if n_clusters > 0
        else np.zeros((len(labels), 0))
    )
    return Clusters(
        labels.astype(np.int64),
        model.probabilities_.astype(np.float32),
        membership.astype(np.float32),
    )


def run_cluster(reduced_path: str | Path, clusters_path: str | Path, **params: Any) -> np.ndarray:
    clusters = hdbscan_cluster(read_array(reduced_path), **params)
    labels = clusters.labels
    n_clusters = len(set(labels.tolist()) - {-1})
    outliers = int((labels == -1).sum())
    log.info(
        "HDBSCAN %s: %d clusters, %d of %d papers outliers (%.1f%%)",
        params,
        n_clusters,
        outliers,
        len(labels),
        100 * outliers / max(len(labels), 1),
    )
    if (share := largest_cluster_share(labels)) > DOMINANT_SHARE:
        log.warning(
            "HDBSCAN put %.0f%% of the papers in one of its %d clusters: that topic is "
            "the corpus, not a theme. Try hdbscan.cluster_selection_method: leaf, another "
            "hdbscan.min_cluster_size or another umap.random_state.",
            100 * share,
            n_clusters,
        )
    write_clusters(clusters, clusters_path)
    return labels
