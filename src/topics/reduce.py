"""Reduce embeddings with UMAP: a few dimensions for clustering, two for the map."""

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("topics")


def umap_reduce(embeddings: np.ndarray, n_components: int = 5, n_neighbors: int = 15,
                min_dist: float = 0.0, metric: str = "cosine", random_state: int = 42,
                **params: Any) -> np.ndarray:
    """UMAP-reduce rows of `embeddings` to `n_components` float32 columns.

    A fixed random_state makes UMAP deterministic (and single-threaded): the same
    embeddings and parameters give the same coordinates in every run.
    """
    from topics.imports import import_umap

    UMAP = import_umap()  # numba's on-disk cache on: later processes skip the JIT

    n_samples = len(embeddings)
    if n_samples <= n_components + 1:
        raise ValueError(f"UMAP needs more than {n_components + 1} papers, got {n_samples}")
    # UMAP cannot look for more neighbours than there are other points.
    n_neighbors = min(n_neighbors, n_samples - 1)
    # A seeded UMAP runs on one thread anyway; saying so spares the log UMAP's warning.
    params.setdefault("n_jobs", 1 if random_state is not None else -1)
    reducer = UMAP(n_components=n_components, n_neighbors=n_neighbors, min_dist=min_dist,
                   metric=metric, random_state=random_state, **params)
    return reducer.fit_transform(embeddings).astype(np.float32)


def run_reduce(embeddings_path: str | Path, reduced_path: str | Path, **params: Any) -> np.ndarray:
    embeddings = np.load(embeddings_path)
    started = time.perf_counter()
    reduced = umap_reduce(embeddings, **params)
    log.info("UMAP %s -> %s in %.1f s (%s)", embeddings.shape, reduced.shape,
             time.perf_counter() - started, params)
    np.save(reduced_path, reduced)
    return reduced
