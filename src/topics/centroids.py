"""Topic centroids: the mean embedding of each topic's papers, for the views that relate topics.

Computed from the embeddings the pipeline already has, once per run of the page job, for
the intertopic map, the hierarchy and the similarity heatmap.
"""

import numpy as np


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


def real_topic_centroids(embeddings: np.ndarray, paper_topics: np.ndarray,
                         topics: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids, centroids) of the real topics among `topics`, in that order: outliers (-1)
    have no centre worth drawing. `paper_topics` holds each embedding's topic id."""
    if len(embeddings) != len(paper_topics):
        raise ValueError(f"{len(embeddings)} embeddings for {len(paper_topics)} papers")
    ids = np.array([int(t) for t in topics if t != -1], dtype=np.int64)
    return ids, topic_centroids(embeddings, paper_topics, list(ids))
