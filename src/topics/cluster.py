"""Cluster the UMAP-reduced papers with HDBSCAN."""

import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("topics")


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
    np.savez(clusters_path, labels=labels, strengths=strengths, membership=membership)
    return labels
