"""Topic centroids: the mean embedding of each topic's papers, for the views that relate topics.

Computed once from the embeddings the pipeline already has; the intertopic map, hierarchy
and similarity heatmap all read this file instead of touching the embeddings themselves.
"""

from pathlib import Path

import numpy as np
import pandas as pd


def topic_centroids(embeddings: np.ndarray, topic_ids: np.ndarray,
                    topics: list[int]) -> np.ndarray:
    """Unit-length mean embedding of each topic in `topics` (rows in that order)."""
    embeddings = np.asarray(embeddings, dtype=np.float64)
    topic_ids = np.asarray(topic_ids)
    centroids = np.zeros((len(topics), embeddings.shape[1]))
    for row, topic in enumerate(topics):
        members = embeddings[topic_ids == topic]
        if len(members):
            centre = members.mean(axis=0)
            centroids[row] = centre / (np.linalg.norm(centre) or 1.0)
    return centroids


def cosine_similarity_matrix(centroids: np.ndarray) -> np.ndarray:
    """Cosine similarity between every pair of (unit-length) centroids, clipped to [-1, 1]."""
    return np.clip(centroids @ centroids.T, -1.0, 1.0)


def read_centroids(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(topic ids, centroids) as written by run_centroids."""
    with np.load(path) as data:
        return data["topic_ids"], data["centroids"]


def run_centroids(embeddings_path: str | Path, assignments_path: str | Path,
                  topics_path: str | Path, out_path: str | Path) -> None:
    """Centroids of the real topics (outliers have no centre worth drawing)."""
    topics = pd.read_parquet(topics_path)
    ids = [int(t) for t in topics["topic_id"] if t != -1]
    assignments = pd.read_parquet(assignments_path)
    centroids = topic_centroids(np.load(embeddings_path), assignments["topic_id"].to_numpy(), ids)
    np.savez(out_path, topic_ids=np.array(ids, dtype=np.int64), centroids=centroids)
