"""UMAP reduction and HDBSCAN clustering: properties on tiny data, not exact floats."""

import numpy as np
import pandas as pd
import pytest
from defaults import DEFAULTS
from sklearn.manifold import trustworthiness
from sklearn.metrics import adjusted_rand_score

from topics.cluster import (
    cap_effect,
    hdbscan_cluster,
    largest_cluster_share,
    run_cluster,
    size_cap,
    uncapped_labels,
)
from topics.files import read_model, read_neighbours, write_table
from topics.reduce import (
    map_layout,
    map_neighbours,
    pca_start,
    run_map_layout,
    run_reduce,
    umap_reduce,
)


def umap_params(**changes):
    return {**DEFAULTS["umap"], **changes}


def hdbscan_params(**changes):
    return {**DEFAULTS["hdbscan"], **changes}


def run_one(reduced_path, clusters_path, **params):
    """run_cluster on one throw, as consensus.throws: 1 runs it."""
    return run_cluster([reduced_path], clusters_path, seeds=[42], need=None, **params)


def test_umap_keeps_neighbourhoods(blobs):
    points, _ = blobs
    reduced = umap_reduce(points, **umap_params(n_components=2, n_neighbors=10, metric="euclidean"))
    assert reduced.shape == (90, 2) and reduced.dtype == np.float32
    assert trustworthiness(points, reduced, n_neighbors=5) >= 0.8


def test_umap_is_reproducible_from_its_seed(blobs):
    points, _ = blobs
    first = umap_reduce(points, **umap_params(n_components=3, random_state=7))
    np.testing.assert_array_equal(
        first, umap_reduce(points, **umap_params(n_components=3, random_state=7))
    )
    assert not np.allclose(
        first, umap_reduce(points, **umap_params(n_components=3, random_state=8))
    )


def test_umap_on_a_corpus_smaller_than_n_neighbors_still_works(blobs):
    points, _ = blobs
    assert umap_reduce(points[:12], **umap_params(n_components=2, n_neighbors=50)).shape == (12, 2)


def test_umap_refuses_a_corpus_too_small_to_reduce(blobs):
    with pytest.raises(ValueError, match="more than 6 papers"):
        umap_reduce(blobs[0][:4], **umap_params(n_components=5))


def test_hdbscan_finds_the_blobs(blobs):
    points, truth = blobs
    labels, strengths, membership, *_ = hdbscan_cluster(
        points, **hdbscan_params(min_cluster_size=10), soft_membership=True
    )
    assert len(set(labels) - {-1}) == 3
    assert adjusted_rand_score(truth, labels) > 0.9
    assert strengths.shape == labels.shape and strengths.max() <= 1.0
    assert membership.shape == (90, 3)
    # Without soft membership (outliers reassigned by anything but probabilities), the
    # same clusters and no membership matrix.
    plain = hdbscan_cluster(points, **hdbscan_params(min_cluster_size=10))
    assert plain.labels.tolist() == labels.tolist() and plain.membership is None


def test_min_cluster_size_larger_than_the_corpus_yields_all_outliers_not_an_error(blobs):
    labels = hdbscan_cluster(blobs[0][:8], **hdbscan_params(min_cluster_size=50)).labels
    assert labels.shape == (8,)


def test_run_reduce_then_run_cluster_round_trip_files(tmp_path, blobs):
    np.save(tmp_path / "e.npy", blobs[0])
    run_reduce(tmp_path / "e.npy", tmp_path / "r.npy", **umap_params(metric="euclidean"))
    labels = run_one(tmp_path / "r.npy", tmp_path / "c.npz", **hdbscan_params(min_cluster_size=10))
    with np.load(tmp_path / "c.npz") as saved:
        np.testing.assert_array_equal(saved["labels"], labels)
    assert adjusted_rand_score(blobs[1], labels) > 0.9


def test_one_cluster_holding_most_papers_is_reported_with_what_to_try(tmp_path, caplog):
    # Two tight blobs, 80 papers and 10 far away, the size cap off: one cluster holds 89%.
    rng = np.random.default_rng(0)
    reduced = np.vstack([rng.normal(0, 0.05, (80, 2)), rng.normal(5, 0.05, (10, 2))])
    np.save(tmp_path / "r.npy", reduced.astype(np.float32))
    with caplog.at_level("WARNING", logger="topics"):
        labels = run_one(
            tmp_path / "r.npy",
            tmp_path / "c.npz",
            **hdbscan_params(min_cluster_size=5, max_share=1.0),
        )
    assert largest_cluster_share(labels) == pytest.approx(80 / 90)
    assert "89% of the papers in one of its 2 clusters" in caplog.text
    assert "hdbscan.max_share" in caplog.text
    assert "cluster_selection_method: leaf" in caplog.text


def collapsing(seed=0):
    """2-D points on which eom keeps one giant cluster: six blobs of 40 close together, whose
    parent outlives them, and 30 papers far away."""
    rng = np.random.default_rng(seed)
    angles = np.arange(6) * np.pi / 3
    centres = np.column_stack([np.cos(angles), np.sin(angles)]) * 1.5
    blobs = [centre + rng.normal(0, 0.3, (40, 2)) for centre in centres]
    return np.vstack([*blobs, rng.normal(20, 0.3, (30, 2))]).astype(np.float32)


def test_eom_keeping_one_giant_cluster_is_split_by_the_cap_and_the_log_says_so(tmp_path, caplog):
    np.save(tmp_path / "r.npy", collapsing())
    params = hdbscan_params(min_cluster_size=10)
    with caplog.at_level("INFO", logger="topics"):
        labels = run_one(tmp_path / "r.npy", tmp_path / "c.npz", **params)
    uncapped = np.load(tmp_path / "c.npz")["uncapped"]
    # Without the cap: the six blobs as one cluster of 89% of the papers, and the far ones.
    assert np.bincount(uncapped[uncapped >= 0]).tolist() == [30, 240]
    # With it: the six blobs, and no cluster above the cap.
    assert len(set(labels.tolist()) - {-1}) == 7
    assert np.bincount(labels[labels >= 0]).max() <= size_cap(270, params["max_share"], 10)
    assert (
        "eom without the cap would have kept one cluster of 88.9% of the papers (240); "
        "the cap splits it into 6 clusters" in caplog.text
    )
    assert "WARNING" not in caplog.text


def test_the_cap_changes_nothing_where_eom_does_not_collapse(blobs):
    clusters = hdbscan_cluster(blobs[0], **hdbscan_params(min_cluster_size=10))
    assert cap_effect(clusters.labels, clusters.uncapped) is None


def test_the_cap_is_a_share_of_the_corpus_but_never_below_five_topics_worth():
    assert size_cap(16938, 0.1, 10) == 1693
    assert size_cap(737, 0.1, 10) == 73
    # 10% of 90 papers would dissolve topics of 30: the cap stays at 5 x min_cluster_size.
    assert size_cap(90, 0.1, 10) == 50


def test_hdbscan_private_tree_selection_still_gives_its_own_labels():
    """uncapped_labels re-selects clusters with hdbscan's private _tree_to_labels: if an
    upgrade changes it, this fails rather than the log silently losing its sentence."""
    from hdbscan import HDBSCAN

    points = collapsing()
    capped = HDBSCAN(min_cluster_size=10, max_cluster_size=50).fit(points)
    plain = HDBSCAN(min_cluster_size=10).fit(points)
    np.testing.assert_array_equal(uncapped_labels(capped), plain.labels_)
    assert not np.array_equal(capped.labels_, plain.labels_)


def test_balanced_clusters_raise_no_warning(tmp_path, blobs, caplog):
    np.save(tmp_path / "r.npy", blobs[0])
    with caplog.at_level("WARNING", logger="topics"):
        run_one(tmp_path / "r.npy", tmp_path / "c.npz", **hdbscan_params(min_cluster_size=10))
    assert largest_cluster_share(np.load(tmp_path / "c.npz")["labels"]) < 0.5
    assert caplog.text == ""


def overlapping_topics(seed=0):
    """Embeddings of 8 topics that overlap in 20-D, each paper's topic (20 papers -1)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(8, 20)) * 0.7
    topics = np.repeat(np.arange(8), 50)
    embeddings = (centres[topics] + rng.normal(size=(400, 20))).astype(np.float32)
    topics[rng.choice(400, 20, replace=False)] = -1
    return embeddings, topics


def test_the_map_makes_each_topic_an_island_and_keeps_every_paper_in_its_topic():
    from topics.metrics import map_topic_agreement

    embeddings, topics = overlapping_topics()
    given = topics.copy()
    reduced = umap_reduce(embeddings, **umap_params(metric="euclidean"))
    params = {**DEFAULTS["umap_map"], "metric": "euclidean"}
    coords = map_layout(embeddings, reduced, topics, **params)
    assert coords.shape == (400, 2) and coords.dtype == np.float32
    np.testing.assert_array_equal(topics, given)
    plain = umap_reduce(
        embeddings,
        **umap_params(n_components=2, min_dist=params["min_dist"], metric="euclidean"),
    )
    supervised, unsupervised = (
        map_topic_agreement(coords, topics),
        map_topic_agreement(plain, topics),
    )
    assert supervised >= 0.85 and supervised > unsupervised + 0.1, (supervised, unsupervised)
    # Islands, not a different map: the papers' neighbourhoods survive.
    assert trustworthiness(embeddings, coords, n_neighbors=5) >= 0.8
    np.testing.assert_array_equal(coords, map_layout(embeddings, reduced, topics, **params))


def test_a_map_of_papers_without_topics_is_an_unsupervised_layout(blobs):
    points, _ = blobs
    coords = map_layout(points, points[:, :5], np.full(90, -1), **DEFAULTS["umap_map"])
    assert coords.shape == (90, 2) and np.isfinite(coords).all()


def test_the_map_starts_from_the_clustering_space_scaled_and_signed_the_same_every_time():
    for seed in range(10):
        rng = np.random.default_rng(seed)
        reduced = rng.normal(size=(200, 5)) * [5, 3, 1, 1, 1] @ np.diag(rng.choice([-1, 1], 5))
        start = pca_start(reduced)
        assert start.shape == (200, 2) and np.abs(start).max() == pytest.approx(10)
        # Axes along the directions of most spread, each pointing the way its largest
        # loading (here the first and second column) points, whatever the SVD's signs.
        assert np.corrcoef(start[:, 0], reduced[:, 0])[0, 1] > 0.9
        assert np.corrcoef(start[:, 1], reduced[:, 1])[0, 1] > 0.9


@pytest.mark.slow
def test_stability_seeds_reuse_the_main_runs_neighbours(tmp_path):
    """Above 4,096 papers UMAP searches neighbours (NN-descent); the main run keeps them and
    a seed's UMAP takes them: deterministic, and the seed still finds the corpus's groups."""
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 5, 4200)
    points = rng.normal(size=(5, 20))[truth] * 3 + rng.normal(0, 0.5, (4200, 20))
    np.save(tmp_path / "e.npy", points.astype(np.float32))
    main = umap_params(n_components=5, metric="euclidean")
    run_reduce(tmp_path / "e.npy", tmp_path / "r.npy", None, tmp_path / "n.npz", **main)
    indices, distances = read_neighbours(tmp_path / "n.npz")
    assert indices.shape == distances.shape == (4200, main["n_neighbors"])
    assert (indices[:, 0] == np.arange(4200)).all()  # each paper is its own nearest
    seed = {**main, "random_state": 43}
    for name in ["s1.npy", "s2.npy"]:
        run_reduce(tmp_path / "e.npy", tmp_path / name, None, None, tmp_path / "n.npz", **seed)
    first, second = np.load(tmp_path / "s1.npy"), np.load(tmp_path / "s2.npy")
    assert np.array_equal(first, second)
    assert not np.array_equal(first, np.load(tmp_path / "r.npy"))  # another layout
    labels = hdbscan_cluster(first, **hdbscan_params(min_cluster_size=50)).labels
    assert adjusted_rand_score(truth[labels >= 0], labels[labels >= 0]) > 0.9


def test_a_small_corpus_keeps_no_neighbours_and_its_seeds_search_their_own(tmp_path, blobs):
    np.save(tmp_path / "e.npy", blobs[0])
    params = umap_params(n_components=2, metric="euclidean")
    run_reduce(tmp_path / "e.npy", tmp_path / "r.npy", None, tmp_path / "n.npz", **params)
    assert read_neighbours(tmp_path / "n.npz") is None
    run_reduce(tmp_path / "e.npy", tmp_path / "s.npy", None, None, tmp_path / "n.npz", **params)
    assert np.array_equal(np.load(tmp_path / "s.npy"), np.load(tmp_path / "r.npy"))


@pytest.mark.slow
def test_the_map_takes_the_clustering_umaps_neighbours_and_still_places_new_papers(
    tmp_path, caplog
):
    """Above 4,096 papers the map's UMAP takes the neighbours the clustering UMAP found
    rather than search again: the map is still deterministic, each topic still an island,
    and its saved model still places papers added later (update: incremental)."""
    from topics.metrics import map_topic_agreement

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(5, 20)) * 3
    truth = rng.integers(0, 5, 4200)
    points = (centres[truth] + rng.normal(0, 0.5, (4200, 20))).astype(np.float32)
    np.save(tmp_path / "e.npy", points)
    write_table(pd.DataFrame({"topic_id": truth}), tmp_path / "a.parquet")
    cluster = umap_params(n_components=5, metric="euclidean")
    run_reduce(tmp_path / "e.npy", tmp_path / "r.npy", None, tmp_path / "n.npz", **cluster)
    params = {**DEFAULTS["umap_map"], "metric": "euclidean"}
    files = [tmp_path / "e.npy", tmp_path / "r.npy", tmp_path / "a.parquet"]
    with caplog.at_level("INFO", logger="topics"):
        for name in ["m1", "m2"]:
            run_map_layout(
                *files, tmp_path / f"{name}.npy", tmp_path / f"{name}.pkl",
                tmp_path / "n.npz", cluster_params=cluster, **params,
            )  # fmt: skip
    assert caplog.text.count("the clustering UMAP's neighbours") == 2
    coords = np.load(tmp_path / "m1.npy")
    assert np.array_equal(coords, np.load(tmp_path / "m2.npy"))
    assert map_topic_agreement(coords, truth) >= 0.95
    # Ten new papers of topic 3 land among topic 3's papers on the map.
    mapper = read_model(tmp_path / "m1.pkl")
    new = (centres[3] + rng.normal(0, 0.5, (10, 20))).astype(np.float32)
    placed = mapper.transform(new)
    nearest = np.argmin(((placed[:, None, :] - coords[None, :, :]) ** 2).sum(-1), axis=1)
    assert (truth[nearest] == 3).all()


def test_the_map_searches_its_own_neighbours_where_the_clustering_found_other_ones(tmp_path):
    indices = np.tile(np.arange(15), (20, 1))
    np.savez(tmp_path / "n.npz", indices=indices, distances=np.zeros((20, 15), np.float32))
    cluster = {"n_neighbors": 15, "metric": "cosine"}
    shared = map_neighbours(tmp_path / "n.npz", cluster, {"n_neighbors": 10, "metric": "cosine"})
    assert shared is not None and np.array_equal(shared[0], indices)
    for other in [{"n_neighbors": 30, "metric": "cosine"}, {"n_neighbors": 15}]:
        assert map_neighbours(tmp_path / "n.npz", cluster, other) is None
    np.savez(tmp_path / "none.npz")  # a corpus under 4,096 papers keeps none
    assert map_neighbours(tmp_path / "none.npz", cluster, cluster) is None
    assert map_neighbours(None, cluster, cluster) is None
