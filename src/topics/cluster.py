"""Cluster the UMAP-reduced papers with HDBSCAN."""

import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("topics")

# A cluster holding more than this share of the papers is HDBSCAN's eom selection keeping a
# parent cluster whole rather than a theme. On the seeds, 1 of 30 runs (10 UMAP seeds, three
# embeddings) gave 2 clusters, one holding 97% of the papers, where the others gave 14-19;
# on that reduction leaf selection gave 19 and min_cluster_size 15 gave 12 (8 still gave 2).
DOMINANT_SHARE = 0.5


def largest_cluster_share(labels: np.ndarray) -> float:
    """Share of all papers in the largest cluster (0 when every paper is an outlier)."""
    clustered = labels[labels >= 0]
    return float(np.bincount(clustered).max() / len(labels)) if len(clustered) else 0.0


def hdbscan_cluster(reduced: np.ndarray, min_cluster_size: int = 10,
                    min_samples: int | None = None, **params: Any,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cluster labels (-1 for outliers), membership strengths, and soft membership of every
    row in every cluster (rows x clusters; what outlier reassignment by probabilities uses).

    HDBSCAN is deterministic: the same reduced vectors and parameters give the same labels.
    """
    from hdbscan import HDBSCAN, all_points_membership_vectors

    # HDBSCAN cannot form a cluster larger than the corpus.
    min_cluster_size = max(2, min(min_cluster_size, len(reduced)))

    model = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples,
                    prediction_data=True, **params)
    labels = model.fit_predict(reduced)
    n_clusters = int(labels.max()) + 1
    membership = (all_points_membership_vectors(model).reshape(len(labels), -1)
                  if n_clusters > 0 else np.zeros((len(labels), 0)))
    return (labels.astype(np.int64), model.probabilities_.astype(np.float32),
            membership.astype(np.float32))


def run_cluster(reduced_path: str | Path, clusters_path: str | Path, **params: Any) -> np.ndarray:
    reduced = np.load(reduced_path)
    labels, strengths, membership = hdbscan_cluster(reduced, **params)
    n_clusters = len(set(labels.tolist()) - {-1})
    outliers = int((labels == -1).sum())
    log.info("HDBSCAN %s: %d clusters, %d of %d papers outliers (%.1f%%)", params, n_clusters,
             outliers, len(labels), 100 * outliers / max(len(labels), 1))
    if (share := largest_cluster_share(labels)) > DOMINANT_SHARE:
        log.warning("HDBSCAN put %.0f%% of the papers in one of its %d clusters: that topic is "
                    "the corpus, not a theme. Try hdbscan.cluster_selection_method: leaf, another "
                    "hdbscan.min_cluster_size or another umap.random_state.",
                    100 * share, n_clusters)
    np.savez(clusters_path, labels=labels, strengths=strengths, membership=membership)
    return labels
