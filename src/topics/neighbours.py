"""Papers like this one: every paper's nearest papers by cosine similarity of embeddings.

Exact below `exact_max` papers: a blockwise search over all pairs, a few seconds at 17,000
papers (benchmarks/RESULTS.md), so the list a reader sees is the true one. Above it the
clustering UMAP's nearest-neighbour graph (results/intermediate/umap_neighbours.npz, its
NN-descent search on the same embeddings with the cosine metric) is reused rather than
searched again: all pairs grow with the square of the corpus. An incremental run (update:
incremental) updates the fit's lists with the papers added since, at the cost of added x
all papers rather than all pairs (`updated_neighbours`).
"""

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from topics.files import read_array, read_neighbours, read_table, write_table

log = logging.getLogger("topics")

# Rows of embeddings multiplied at once: a block of similarities is block x papers floats
# (2,048 x 100,000 x 4 bytes = 0.8 GB at most).
BLOCK = 2048


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1)


def exact_neighbours(
    embeddings: np.ndarray, k: int, queries: np.ndarray | None = None, block: int = BLOCK
) -> tuple[np.ndarray, np.ndarray]:
    """The `k` most similar other papers of each of `queries` (row numbers; all papers by
    default), by cosine: (indices, similarities), most similar first. Ties go to the
    lower row, so the result does not depend on the block size."""
    unit = _unit(embeddings)
    rows = np.arange(len(unit)) if queries is None else np.asarray(queries, dtype=np.int64)
    k = min(k, len(unit) - 1)
    indices = np.empty((len(rows), k), dtype=np.int64)
    similarities = np.empty((len(rows), k), dtype=np.float32)
    for start in range(0, len(rows), block):
        chunk = rows[start : start + block]
        sims = unit[chunk] @ unit.T
        sims[np.arange(len(chunk)), chunk] = -np.inf  # never its own neighbour
        top = np.argpartition(-sims, k, axis=1)[:, : k + 1] if k < len(unit) - 1 else None
        candidates = np.argsort(-sims, axis=1, kind="stable") if top is None else np.sort(top)
        best = np.take_along_axis(sims, candidates, axis=1)
        order = np.argsort(-best, axis=1, kind="stable")[:, :k]
        indices[start : start + len(chunk)] = np.take_along_axis(candidates, order, axis=1)
        similarities[start : start + len(chunk)] = np.take_along_axis(best, order, axis=1)
    return indices, similarities


def graph_neighbours(graph: tuple[np.ndarray, np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `k` nearest other papers from UMAP's neighbour graph (indices, cosine
    distances; each row starts with the paper itself): (indices, similarities)."""
    indices, distances = graph
    keep = []
    for row, (found, dists) in enumerate(zip(indices, distances, strict=True)):
        others = [(d, j) for j, d in zip(found, dists, strict=True) if j != row and j >= 0]
        keep.append(sorted(others)[:k])
    width = min(len(row) for row in keep)
    return (
        np.array([[j for _, j in row[:width]] for row in keep], dtype=np.int64),
        np.array([[1 - d for d, _ in row[:width]] for row in keep], dtype=np.float32),
    )


def updated_neighbours(
    embeddings: np.ndarray,
    paper_ids: pd.Series,
    added: np.ndarray,
    fit: pd.DataFrame,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every paper's `k` nearest papers after papers were added since a fit (update:
    incremental; `added`: True for those), without searching all pairs again: a paper of
    the fit keeps the nearest of its fit's list (`fit`: the fit's neighbours table) and the
    added papers, which is its true list wherever the fit's was; an added paper, and one
    whose list lost a paper removed from the inputs, is searched for among all papers."""
    row_of = {pid: row for row, pid in enumerate(paper_ids)}
    listed = dict(zip(fit["paper_id"], zip(fit["neighbours"], fit["similarity"], strict=True),
                      strict=True))  # fmt: skip
    k = min(k, len(paper_ids) - 1)
    indices = np.empty((len(paper_ids), k), dtype=np.int64)
    similarities = np.empty((len(paper_ids), k), dtype=np.float32)
    kept, search = [], []
    for row, pid in enumerate(paper_ids):
        ids, sims = listed.get(pid, ((), ()))
        rows = [row_of[n] for n in ids if n in row_of]
        if not added[row] and len(rows) >= k and len(rows) == len(ids):
            indices[row], similarities[row] = rows[:k], np.asarray(sims[:k])
            kept.append(row)
        else:
            search.append(row)
    added = np.flatnonzero(added)
    if len(kept) and len(added):
        unit = _unit(embeddings)
        kept_rows = np.array(kept)
        new = unit[kept_rows] @ unit[added].T
        candidates = np.hstack([indices[kept_rows], np.broadcast_to(added, new.shape)])
        scores = np.hstack([similarities[kept_rows], new])
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        indices[kept_rows] = np.take_along_axis(candidates, order, axis=1)
        similarities[kept_rows] = np.take_along_axis(scores, order, axis=1)
    if search:
        found = exact_neighbours(embeddings, k, queries=np.array(search))
        indices[search], similarities[search] = found
    return indices, similarities


def neighbours_table(
    paper_ids: pd.Series, indices: np.ndarray, similarities: np.ndarray
) -> pd.DataFrame:
    """One row per paper: its neighbours' ids, most similar first, and their similarities."""
    ids = np.asarray(paper_ids, dtype=object)
    return pd.DataFrame(
        {
            "paper_id": ids,
            "neighbours": [list(ids[row]) for row in indices],
            "similarity": [[round(float(s), 4) for s in row] for row in similarities],
        }
    )


def run_find_neighbours(
    papers_path: str | Path,
    embeddings_path: str | Path,
    graph_path: str | Path | None,
    out_path: str | Path,
    *,
    k: int,
    exact_max: int,
    fit_path: str | Path | None = None,
    assignments_path: str | Path | None = None,
) -> str:
    """results/intermediate/neighbours.parquet: each paper's `k` nearest papers, exact up
    to `exact_max` papers, else from the clustering UMAP's graph (`graph_path`) where it
    has one; in an incremental run (`fit_path`: the fit's neighbours; `assignments_path`:
    which papers were added), the fit's lists updated with the papers added since. Returns
    how they were found ("exact", "graph" or "update")."""
    started = time.perf_counter()
    papers = read_table(papers_path, ["paper_id"])
    embeddings = read_array(embeddings_path)
    graph = read_neighbours(graph_path) if graph_path and len(papers) > exact_max else None
    if fit_path is not None and assignments_path is not None:
        how = "update"
        added = read_table(assignments_path, ["added"])["added"].to_numpy(dtype=bool)
        indices, similarities = updated_neighbours(
            embeddings, papers["paper_id"], added, read_table(fit_path), k
        )
    elif graph is not None and graph[0].shape[1] > k:
        how, (indices, similarities) = "graph", graph_neighbours(graph, k)
    else:
        how, (indices, similarities) = "exact", exact_neighbours(embeddings, k)
    write_table(neighbours_table(papers["paper_id"], indices, similarities), out_path)
    log.info("%d nearest papers of each of %d papers (%s) in %.1f s", indices.shape[1],
             len(papers), how, time.perf_counter() - started)  # fmt: skip
    return how
