"""Papers like this one: each paper's nearest papers (topics.neighbours)."""

import numpy as np
import pandas as pd

from topics.files import read_table, write_array, write_neighbours, write_papers
from topics.neighbours import (
    exact_neighbours,
    graph_neighbours,
    neighbours_table,
    run_find_neighbours,
    updated_neighbours,
)


def brute_force(embeddings, k):
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(sims, order, axis=1)


def test_exact_search_finds_the_most_similar_other_papers_whatever_the_block():
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(300, 24)).astype(np.float32)
    expected, sims = brute_force(embeddings, 5)
    for block in [7, 64, 1000]:
        indices, similarities = exact_neighbours(embeddings, 5, block=block)
        assert (indices == expected).all()
        assert np.allclose(similarities, sims, atol=1e-5)
        assert (indices != np.arange(300)[:, None]).all()  # never itself
    # A corpus smaller than k + 1: every other paper, most similar first.
    small, _ = exact_neighbours(embeddings[:4], 5)
    assert small.shape == (4, 3) and (small == brute_force(embeddings[:4], 3)[0]).all()


def test_the_umap_graph_gives_the_same_lists_where_it_found_the_true_neighbours():
    rng = np.random.default_rng(1)
    embeddings = rng.normal(size=(200, 16)).astype(np.float32)
    expected, sims = brute_force(embeddings, 15)
    # UMAP's graph: each row starts with the paper itself, distances are 1 - cosine.
    graph = (
        np.hstack([np.arange(200)[:, None], expected[:, :14]]),
        np.hstack([np.zeros((200, 1)), 1 - sims[:, :14]]).astype(np.float32),
    )
    indices, similarities = graph_neighbours(graph, 5)
    assert (indices == expected[:, :5]).all()
    assert np.allclose(similarities, sims[:, :5], atol=1e-5)


def test_the_job_writes_each_papers_neighbours_by_id_exact_below_the_threshold(tmp_path):
    rng = np.random.default_rng(2)
    n = 50
    embeddings = rng.normal(size=(n, 8)).astype(np.float32)
    papers = pd.DataFrame({"paper_id": [f"id{i:02d}" for i in range(n)], "title": "t",
                           "abstract": "a", "sources": [["s"]] * n})  # fmt: skip
    for column in ["year", "date", "venue", "authors", "doi", "arxiv_id", "url", "keywords"]:
        papers[column] = None
    write_papers(papers, tmp_path / "papers.parquet")
    write_array(embeddings, tmp_path / "embeddings.npy")
    expected, _ = brute_force(embeddings, 15)
    wrong = np.roll(expected, 1, axis=0)  # a graph that disagrees everywhere
    graph = (np.hstack([np.arange(n)[:, None], wrong[:, :14]]), np.zeros((n, 15), np.float32))
    write_neighbours(graph, tmp_path / "graph.npz")
    args = (tmp_path / "papers.parquet", tmp_path / "embeddings.npy", tmp_path / "graph.npz")
    out = tmp_path / "neighbours.parquet"
    assert run_find_neighbours(*args, out, k=5, exact_max=n) == "exact"
    table = read_table(out)
    assert table["paper_id"].tolist() == papers["paper_id"].tolist()
    assert table["neighbours"].iloc[3].tolist() == [f"id{j:02d}" for j in expected[3, :5]]
    sims = np.stack(table["similarity"].to_numpy())
    assert (np.diff(sims, axis=1) <= 0).all()
    # Above exact_max, the graph is taken as it is.
    assert run_find_neighbours(*args, out, k=5, exact_max=n - 1) == "graph"
    assert read_table(out)["neighbours"].iloc[3].tolist() != table["neighbours"].iloc[3].tolist()


def test_papers_added_since_the_fit_update_its_lists_to_the_exact_ones():
    """update: incremental: the fit's lists, updated with the added papers (some of them
    nearer than a fit paper's old neighbours) and without the removed ones, are what an
    exact search of all the papers now gives."""
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(150, 12)).astype(np.float32)
    ids = pd.Series([f"p{i:03d}" for i in range(150)])
    fit_rows = np.arange(120)
    fit = neighbours_table(ids[fit_rows], *exact_neighbours(vectors[fit_rows], 5))
    # Now: 5 papers of the fit removed, 30 added, in the papers' (id) order.
    now = np.array([i for i in range(150) if i not in {3, 40, 41, 77, 119}])
    added = now >= 120
    indices, similarities = updated_neighbours(vectors[now], ids[now].reset_index(drop=True),
                                               added, fit, 5)  # fmt: skip
    expected, expected_sims = exact_neighbours(vectors[now], 5)
    assert (indices == expected).all()
    assert np.allclose(similarities, expected_sims, atol=1e-4)
    # Added papers do enter the lists of papers of the fit.
    assert np.isin(indices[~added], np.flatnonzero(added)).any()
