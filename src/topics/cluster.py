"""Cluster the UMAP-reduced papers with HDBSCAN."""

import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("topics")


def hdbscan_cluster(reduced: np.ndarray, min_cluster_size: int = 10,
                    min_samples: int | None = None, **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels (-1 for outliers) and membership strengths for each row.

    HDBSCAN is deterministic: the same reduced vectors and parameters give the same labels.
    """
    from hdbscan import HDBSCAN

    # HDBSCAN cannot form a cluster larger than the corpus.
    min_cluster_size = max(2, min(min_cluster_size, len(reduced)))
    model = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, **params)
    labels = model.fit_predict(reduced)
    return labels.astype(np.int64), model.probabilities_.astype(np.float32)


def run_cluster(reduced_path: str | Path, clusters_path: str | Path, **params: Any) -> np.ndarray:
    reduced = np.load(reduced_path)
    labels, strengths = hdbscan_cluster(reduced, **params)
    n_clusters = len(set(labels.tolist()) - {-1})
    outliers = int((labels == -1).sum())
    log.info("HDBSCAN %s: %d clusters, %d of %d papers outliers (%.1f%%)", params, n_clusters,
             outliers, len(labels), 100 * outliers / max(len(labels), 1))
    np.savez(clusters_path, labels=labels, strengths=strengths)
    return labels
