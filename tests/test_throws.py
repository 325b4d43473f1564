"""Topics from several throws (consensus.throws): the throws' seeds, one throw as HDBSCAN
gives it, and the consensus written for the rest of the pipeline."""

import subprocess
import sys

import numpy as np
import pytest
from defaults import DEFAULTS
from sklearn.metrics import adjusted_rand_score

from topics.cluster import cluster_throws, hdbscan_cluster, run_cluster, throw_seeds
from topics.files import read_clusters, read_json, write_neighbours


def hdbscan_params(**changes):
    return {**DEFAULTS["hdbscan"], **changes}


def test_runs_with_other_random_states_share_no_throw():
    """Shared throws would make two runs agree by construction, not by the method."""
    for a, b in [(42, 43), (42, 7), (42, 1234), (0, 4)]:
        assert set(throw_seeds(a, 5)).isdisjoint(throw_seeds(b, 5)), (a, b)
    assert throw_seeds(42, 5)[0] == 42 and len(set(throw_seeds(42, 5))) == 5
    assert throw_seeds(42, 1) == [42]
    # Seeds numpy (and so UMAP) accepts, at the schema's most throws.
    assert max(throw_seeds(2**31, 50)) < 2**32


def throws(n=3, seed=0):
    """n 'reductions' of the same 300 papers in four groups, each throw its own jitter
    (as UMAP under another seed moves papers), and the true groups."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(4), 75)
    centres = np.array([[0, 0], [6, 0], [0, 6], [6, 6]], dtype=float)
    base = centres[truth] + rng.normal(0, 0.8, (300, 2))
    return [(base + rng.normal(0, 0.3, base.shape)).astype(np.float32) for _ in range(n)], truth


def test_one_throw_is_hdbscans_clusters_as_they_are():
    reductions, _ = throws(1)
    params = hdbscan_params(min_cluster_size=10)
    _, clusters, runs = cluster_throws(reductions, None, need=None, **params)
    alone = hdbscan_cluster(reductions[0], **params)
    np.testing.assert_array_equal(clusters.labels, alone.labels)
    np.testing.assert_array_equal(clusters.strengths, alone.strengths)
    assert clusters.fitted is None and len(runs) == 1
    inside = clusters.labels >= 0
    assert (clusters.agreement[inside] == 1).all() and np.isnan(clusters.agreement[~inside]).all()


def test_several_throws_agree_on_the_groups_and_say_how_sure(tmp_path, caplog):
    reductions, truth = throws(3)
    paths = []
    for i, reduced in enumerate(reductions):
        paths.append(tmp_path / f"r{i}.npy")
        np.save(paths[-1], reduced)
    # Under 4,096 papers UMAP keeps no neighbour graph: the job finds the exact one.
    write_neighbours(None, tmp_path / "n.npz")
    np.save(tmp_path / "e.npy", reductions[0])
    with caplog.at_level("INFO", logger="topics"):
        labels = run_cluster(
            paths,
            tmp_path / "c.npz",
            tmp_path / "hdbscan.pkl",
            tmp_path / "stability.json",
            seeds=throw_seeds(42, 3),
            need=None,
            graph=(tmp_path / "n.npz", tmp_path / "e.npy"),
            umap={"n_neighbors": 15, "metric": "euclidean"},
            **hdbscan_params(min_cluster_size=10),
        )
    assert adjusted_rand_score(truth[labels >= 0], labels[labels >= 0]) > 0.9
    clusters = read_clusters(tmp_path / "c.npz")
    np.testing.assert_array_equal(clusters.labels, labels)
    # The kept HDBSCAN is the main throw's: its labels are kept beside the consensus.
    main = hdbscan_cluster(reductions[0], **hdbscan_params(min_cluster_size=10))
    np.testing.assert_array_equal(clusters.fitted, main.labels)
    agreement = clusters.agreement
    assert np.isnan(agreement[labels < 0]).all()
    assert ((agreement[labels >= 0] >= 0) & (agreement[labels >= 0] <= 1)).all()
    report = read_json(tmp_path / "stability.json")
    outliers = int((labels < 0).sum())
    assert report["throws"] == 3 and report["need"] == 2 and report["outliers"] == outliers
    assert report["seeds"] == [42, 1_000_042, 2_000_042]
    assert set(report["cluster_stability"]) == {str(c) for c in set(labels.tolist()) - {-1}}
    assert f"{outliers} of 300 papers" in caplog.text and "consensus of 3 throws" in caplog.text


def test_need_counts_the_throws_that_must_agree():
    reductions, _ = throws(3, seed=1)
    from sklearn.neighbors import NearestNeighbors

    graph = NearestNeighbors(n_neighbors=10).fit(reductions[0]).kneighbors(return_distance=False)
    params = hdbscan_params(min_cluster_size=10)
    outliers = [
        int((cluster_throws(reductions, graph, need=need, **params)[1].labels < 0).sum())
        for need in [1, 2, 3]
    ]
    # The more throws must agree, the more papers they leave out.
    assert outliers[0] <= outliers[1] <= outliers[2]
    with pytest.raises(ValueError):
        cluster_throws(reductions, None, need=None, **params)


def test_the_throws_in_one_process_are_the_reductions_of_a_job_per_throw(tmp_path, blobs):
    """On one machine one job reduces every throw (run_reduce_throws), on a cluster a job
    each (run_reduce): the same main reduction, model and neighbours, and the same array
    for each other seed, byte for byte, the other throws reusing the main's neighbours."""
    from topics.reduce import run_reduce, run_reduce_throws

    np.save(tmp_path / "e.npy", blobs[0])
    # Neighbours searched as UMAP searches them from 4,096 papers, so that the other throws
    # must reuse the main throw's on both paths.
    params = {
        **DEFAULTS["umap"],
        "n_components": 2,
        "metric": "euclidean",
        "force_approximation_algorithm": True,
    }
    seeds = throw_seeds(42, 4)[1:]
    alone = tmp_path / "alone"
    alone.mkdir()
    run_reduce(
        tmp_path / "e.npy", alone / "main.npy", alone / "main.pkl", alone / "n.npz", **params
    )
    assert "indices" in np.load(alone / "n.npz").files
    for seed in seeds:
        run_reduce(
            tmp_path / "e.npy",
            alone / f"{seed}.npy",
            None,
            None,
            alone / "n.npz",
            **params | {"random_state": seed},
        )
    reductions = ["main.npy", *(f"{seed}.npy" for seed in seeds)]
    assert len({(alone / name).read_bytes() for name in reductions}) == 4

    # In a process of its own, as the job runs it: its workers are forked, which GNU OpenMP
    # (that this process's UMAP and neighbour search used) does not survive.
    together = tmp_path / "together"
    together.mkdir()
    outputs = [str(together / name) for name in ("main.npy", "main.pkl", "n.npz")]
    others = [str(together / f"{seed}.npy") for seed in seeds]
    code = (
        "from topics.reduce import run_reduce_throws;"
        f"run_reduce_throws({str(tmp_path / 'e.npy')!r}, *{outputs!r}, {others!r}, {seeds!r},"
        f" workers=2, **{params!r})"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in reductions:
        assert (together / name).read_bytes() == (alone / name).read_bytes(), name
    for key in ("indices", "distances"):
        assert np.array_equal(np.load(together / "n.npz")[key], np.load(alone / "n.npz")[key])
    assert (together / "main.pkl").stat().st_size > 0
    with pytest.raises(ValueError, match="3 seeds for 2 reductions"):
        run_reduce_throws(tmp_path / "e.npy", *outputs, others[:2], seeds, **params)


def test_small_corpora_throw_at_once_and_a_changed_umap_rule_stops(tmp_path, blobs, monkeypatch):
    """Under 4,096 papers UMAP measures every distance and leaves no neighbours to share,
    so every throw starts at once: each the reduction a job of its own gives. Were UMAP to
    search them after all, the other throws would not have reused them: that stops the job
    rather than give topics a cluster run would not."""
    import topics.reduce
    from topics.reduce import run_reduce, run_reduce_throws, searches_neighbours

    np.save(tmp_path / "e.npy", blobs[0])
    params = {**DEFAULTS["umap"], "n_components": 2, "metric": "euclidean"}
    assert not searches_neighbours(4095, params) and searches_neighbours(4096, params)
    assert searches_neighbours(90, {**params, "force_approximation_algorithm": True})
    run_reduce(tmp_path / "e.npy", tmp_path / "alone.npy", **params | {"random_state": 7})
    paths = [tmp_path / name for name in ("main.npy", "main.pkl", "n.npz")]
    # One worker: in this process.
    run_reduce_throws(tmp_path / "e.npy", *paths, [tmp_path / "7.npy"], [7], **params)
    assert np.load(tmp_path / "n.npz").files == []
    assert (tmp_path / "7.npy").read_bytes() == (tmp_path / "alone.npy").read_bytes()
    monkeypatch.setattr(topics.reduce, "searches_neighbours", lambda n, params: False)
    searched = params | {"force_approximation_algorithm": True}
    with pytest.raises(RuntimeError, match="small-data rule"):
        run_reduce_throws(tmp_path / "e.npy", *paths, [tmp_path / "7.npy"], [7], **searched)


def test_every_throw_takes_the_distances_measured_once(blobs):
    """Under 4,096 papers UMAP measures every pair's distance, the same in every throw:
    run_reduce_throws measures them once and each throw takes them, for the same bytes as
    a throw that measured them itself. Distances that differ give another layout, so the
    throw took them rather than measure again; UMAP's own function is back afterwards."""
    import umap.umap_

    from topics.reduce import measured_distances, umap_fit

    points = blobs[0]
    params = {**DEFAULTS["umap"], "n_components": 2, "metric": "cosine"}
    measure = umap.umap_.pairwise_distances
    distances = measured_distances(points, params)
    assert distances.shape == (90, 90)
    _, alone = umap_fit(points, **params | {"random_state": 7})
    _, given = umap_fit(points, distances=distances, **params | {"random_state": 7})
    assert given.tobytes() == alone.tobytes()
    _, other = umap_fit(points, distances=np.sqrt(distances), **params | {"random_state": 7})
    assert other.tobytes() != alone.tobytes()
    assert umap.umap_.pairwise_distances is measure
    # Where UMAP searches for neighbours, or measures with a metric it does not name,
    # there is nothing to measure once.
    assert measured_distances(points, params | {"force_approximation_algorithm": True}) is None
    assert measured_distances(points, params | {"metric": lambda a, b: 0.0}) is None


def test_the_main_throw_hands_over_its_neighbours_before_its_layout(blobs, monkeypatch):
    """From 4,096 papers the other throws wait for the main throw's neighbours: it hands
    them over once its search has found them, before UMAP's layout (most of a fit), and
    they are the neighbours the finished fit keeps. A fit on few papers, which searches
    none, hands over nothing."""
    import umap.umap_

    from topics.reduce import _reporting_neighbours, fitted_neighbours, umap_fit

    events: list = []
    layout = umap.umap_.simplicial_set_embedding

    def laying_out(*args, **kwargs):
        events.append("layout")
        return layout(*args, **kwargs)

    monkeypatch.setattr(umap.umap_, "simplicial_set_embedding", laying_out)
    params = {**DEFAULTS["umap"], "n_components": 2, "metric": "euclidean", "random_state": 7}
    with _reporting_neighbours(lambda found: events.append((found[0].copy(), found[1].copy()))):
        reducer, _ = umap_fit(blobs[0], **params | {"force_approximation_algorithm": True})
        umap_fit(blobs[0], **params)
    assert [event if event == "layout" else "neighbours" for event in events] == [
        "neighbours",
        "layout",
        "layout",
    ]
    assert all(map(np.array_equal, events[0], fitted_neighbours(reducer)))
    assert events[0][1].dtype == np.float32
