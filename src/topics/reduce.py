"""Reduce embeddings with UMAP: a few dimensions for clustering, two for the map."""

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from topics.files import read_array, write_array
from topics.startup import import_umap, quiet_uncacheable

log = logging.getLogger("topics")


def umap_reduce(
    embeddings: np.ndarray,
    *,
    n_components: int,
    n_neighbors: int,
    random_state: int | None,
    **params: Any,
) -> np.ndarray:
    """UMAP-reduce rows of `embeddings` to `n_components` float32 columns.

    `params` are UMAP's own arguments (config's umap section). A fixed random_state makes
    UMAP deterministic (and single-threaded): the same embeddings and parameters give the
    same coordinates in every run.
    """
    UMAP = import_umap()  # numba's on-disk cache on: later processes skip the JIT

    n_samples = len(embeddings)
    if n_samples <= n_components + 1:
        raise ValueError(f"UMAP needs more than {n_components + 1} papers, got {n_samples}")
    # UMAP cannot look for more neighbours than there are other points.
    n_neighbors = min(n_neighbors, n_samples - 1)
    # A seeded UMAP runs on one thread anyway; saying so spares the log UMAP's warning.
    params.setdefault("n_jobs", 1 if random_state is not None else -1)
    reducer = UMAP(
        n_components=n_components, n_neighbors=n_neighbors, random_state=random_state, **params
    )
    with quiet_uncacheable():
        return reducer.fit_transform(embeddings).astype(np.float32)


def run_reduce(embeddings_path: str | Path, reduced_path: str | Path, **params: Any) -> np.ndarray:
    embeddings = read_array(embeddings_path)
    started = time.perf_counter()
    reduced = umap_reduce(embeddings, **params)
    log.info(
        "UMAP %s -> %s in %.1f s (%s)",
        embeddings.shape,
        reduced.shape,
        time.perf_counter() - started,
        params,
    )
    write_array(reduced, reduced_path)
    return reduced
