"""Topic centroids: the unit-length mean embedding of each topic's papers.

Computed once, by the labelling job (topics.parquet's `centroid` column), from which each
paper's centrality and the views that relate topics (intertopic map, hierarchy,
similarity) all read.
"""

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def topic_centroids(embeddings: np.ndarray, topic_ids: np.ndarray, topics: list[int]) -> np.ndarray:
    """Unit-length mean embedding of each topic in `topics` (rows in that order)."""
    embeddings = np.asarray(embeddings, dtype=np.float64)
    topic_ids = np.asarray(topic_ids)
    if len(embeddings) != len(topic_ids):
        raise ValueError(f"{len(embeddings)} embeddings for {len(topic_ids)} papers")
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


def topic_centroid_matrix(topics: "pd.DataFrame") -> tuple[np.ndarray, np.ndarray]:
    """(ids, centroids) of the real topics of a topics table with a `centroid` column, in
    the table's order: outliers (-1) have no centre worth drawing."""
    real = topics[topics["topic_id"] != -1]
    ids = real["topic_id"].to_numpy(dtype=np.int64)
    if not len(real):
        return ids, np.zeros((0, 0))
    return ids, np.stack([np.asarray(c, dtype=np.float64) for c in real["centroid"]])
