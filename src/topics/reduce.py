"""Reduce embeddings with UMAP: a few dimensions for clustering, two for the map."""

import contextlib
import inspect
import logging
import multiprocessing
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from topics.files import (
    read_array,
    read_neighbours,
    read_table,
    write_array,
    write_model,
    write_neighbours,
)
from topics.startup import import_umap, quiet_uncacheable

log = logging.getLogger("topics")


def umap_reduce(embeddings: np.ndarray, **params: Any) -> np.ndarray:
    """UMAP-reduce rows of `embeddings` to `n_components` float32 columns (see umap_fit)."""
    return umap_fit(embeddings, **params)[1]


def umap_fit(
    embeddings: np.ndarray,
    *,
    n_components: int,
    n_neighbors: int,
    random_state: int | None,
    neighbours: tuple[np.ndarray, np.ndarray] | None = None,
    distances: np.ndarray | None = None,
    **params: Any,
) -> tuple[Any, np.ndarray]:
    """(the fitted UMAP, rows of `embeddings` reduced to `n_components` float32 columns).

    `params` are UMAP's own arguments (config's umap section). A fixed random_state makes
    UMAP deterministic (and single-threaded): the same embeddings and parameters give the
    same coordinates in every run. The fitted UMAP places papers added later
    (topics.place) without a refit. `neighbours`: each paper's nearest neighbours found
    by an earlier fit (see fitted_neighbours), which this fit takes rather than search;
    `distances`: every pair's distance as UMAP measures them on few papers (see
    measured_distances), which this fit takes rather than measure.
    """
    UMAP = import_umap()  # numba's on-disk cache on: later processes skip the JIT

    n_samples = len(embeddings)
    if n_samples <= n_components + 1:
        raise ValueError(f"UMAP needs more than {n_components + 1} papers, got {n_samples}")
    # UMAP cannot look for more neighbours than there are other points.
    n_neighbors = min(n_neighbors, n_samples - 1)
    reducer = UMAP(
        n_components=n_components,
        n_neighbors=n_neighbors,
        random_state=random_state,
        **umap_args(params, random_state, neighbours),
    )
    with fitting(), _given_distances(embeddings, distances, params):
        return reducer, reducer.fit_transform(embeddings).astype(np.float32)


def umap_args(
    params: dict[str, Any],
    random_state: int | None,
    neighbours: tuple[np.ndarray, np.ndarray] | None,
) -> dict[str, Any]:
    """UMAP's arguments from config, with what every fit here adds: one thread when seeded
    (a seeded UMAP runs on one anyway; saying so spares the log UMAP's warning), and the
    nearest neighbours an earlier fit found, where given."""
    args = {"n_jobs": 1 if random_state is not None else -1, **params}
    if neighbours is not None:
        args["precomputed_knn"] = neighbours
    return args


@contextlib.contextmanager
def fitting() -> Iterator[None]:
    """A UMAP fit, quiet about numba's uncacheable functions and, for a fit given
    neighbours without their search index, UMAP's warning that it cannot transform: the
    stability seeds never do, and placeable() gives the map the exact path instead."""
    with quiet_uncacheable(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]")
        yield


def fitted_neighbours(reducer: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The nearest neighbours a fitted UMAP searched for (indices, distances), or None
    where it measured every distance instead (under 4,096 papers).

    The stability seeds reuse them: the search (NN-descent) and its compilation are most
    of a UMAP job, and a seed's UMAP then differs from the main one in its layout alone.
    UMAP keeps them in private attributes (_knn_indices, _knn_dists, _small_data; checked
    with umap-learn 0.5.12 by tests/test_reduce_cluster.py).
    """
    if getattr(reducer, "_small_data", True) or getattr(reducer, "_knn_indices", None) is None:
        return None
    return np.asarray(reducer._knn_indices), np.asarray(reducer._knn_dists, dtype=np.float32)


def measured_distances(embeddings: np.ndarray, params: dict[str, Any]) -> np.ndarray | None:
    """Every pair's distance between the rows of `embeddings`, measured as a UMAP fit with
    `params` measures them on few papers (under 4,096: see searches_neighbours), or None
    where it searches for neighbours instead or measures with a metric of its own.

    UMAP hands scikit-learn's pairwise_distances its numba function of the metric, which
    scikit-learn calls once per pair from Python: about half of a seeded fit on the seeds'
    737 papers, the same in every throw. Measured once here with the same call, the
    throws that take these (umap_fit's `distances`) give the same bytes as a fit that
    measured them itself.
    """
    metric = _measuring_metric(params)
    if metric is None or searches_neighbours(len(embeddings), params):
        return None
    from sklearn.metrics import pairwise_distances

    function, kwds = metric
    return pairwise_distances(embeddings, metric=function, **kwds)


def _measuring_metric(params: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
    """(the numba function, its keywords) that UMAP hands scikit-learn to measure distances
    with `params`' metric, or None for a metric UMAP does not name (a function of one's own)."""
    import umap.distances

    function = umap.distances.named_distances.get(params.get("metric", "euclidean"))
    return None if function is None else (function, params.get("metric_kwds") or {})


@contextlib.contextmanager
def _swapped(module: Any, name: str, replacement: Any) -> Iterator[None]:
    """In the body, `module`'s `name` is `replacement`; as it was afterwards."""
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextlib.contextmanager
def _given_distances(
    embeddings: np.ndarray, distances: np.ndarray | None, params: dict[str, Any]
) -> Iterator[None]:
    """In the body, UMAP's call that measures every pair's distance between `embeddings`
    (umap-learn 0.5.12's UMAP.fit, small data) answered with `distances`
    (measured_distances) instead: a copy, as UMAP writes into it. Any other call of
    pairwise_distances, and any call where UMAP's data or metric differ from those
    measured, is measured as before, so a changed UMAP is slower, never different.
    """
    if distances is None:
        yield
        return
    import umap.umap_

    measure = umap.umap_.pairwise_distances
    measured_metric, measured_kwds = _measuring_metric(params)

    def given(data: Any, Y: Any = None, metric: Any = "euclidean", **kwds: Any) -> Any:
        same = (
            Y is None
            and metric is measured_metric
            and kwds == measured_kwds
            and isinstance(data, np.ndarray)
            and data.dtype == embeddings.dtype
            and data.shape == embeddings.shape
            and np.array_equal(data, embeddings)
        )
        return distances.copy() if same else measure(data, Y, metric=metric, **kwds)

    with _swapped(umap.umap_, "pairwise_distances", given):
        yield


# Metrics UMAP.transform can hand to scikit-learn's pairwise_distances (see placeable).
SKLEARN_METRICS = {"cosine", "euclidean", "manhattan", "l1", "l2", "cityblock"}


def placeable(reducer: Any) -> Any:
    """A fitted UMAP made lean for placing papers added later (topics.place), in place.

    UMAP.transform finds a new paper's neighbours with the fit's NN-descent search index,
    which pickling builds and compiles, slowly, and unpickling compiles again in every
    process. Its exact path (the one UMAP takes on small data) measures the new papers
    against every fitted paper with scikit-learn's vectorised distances instead, fast for
    the few papers an update adds, and the neighbours are the exact ones rather than
    NN-descent's approximation. A metric
    scikit-learn lacks keeps the index.
    """
    if reducer.metric in SKLEARN_METRICS and hasattr(reducer, "_knn_search_index"):
        del reducer._knn_search_index
        reducer._small_data = True
        # transform hands this to pairwise_distances: the name, not UMAP's numba function,
        # which scikit-learn would call once per pair of papers.
        reducer._input_distance_func = reducer.metric
    return reducer


# Half-width of the map's starting layout: UMAP's own spectral start spans about +-10.
INIT_SCALE = 10.0


def pca_start(reduced: np.ndarray) -> np.ndarray:
    """The first two principal components of `reduced`, scaled to +-INIT_SCALE.

    Deterministic: each component's sign is fixed so that its largest loading is positive
    (scikit-learn's svd_flip convention), whatever the SVD routine returns.
    """
    centred = np.asarray(reduced, dtype=np.float64) - np.mean(reduced, axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    components = components[:2]
    largest = np.argmax(np.abs(components), axis=1)
    components *= np.sign(components[np.arange(len(components)), largest])[:, None]
    start = centred @ components.T
    if start.shape[1] < 2:
        start = np.column_stack([start, np.zeros((len(start), 2 - start.shape[1]))])
    extent = np.abs(start).max()
    return (INIT_SCALE * start / (extent if extent > 0 else 1.0)).astype(np.float32)


def map_layout(
    embeddings: np.ndarray, reduced: np.ndarray, topic_ids: np.ndarray, **params: Any
) -> np.ndarray:
    """2-D map coordinates of every paper (see map_fit)."""
    return map_fit(embeddings, reduced, topic_ids, **params)[1]


def map_fit(
    embeddings: np.ndarray,
    reduced: np.ndarray,
    topic_ids: np.ndarray,
    *,
    n_neighbors: int,
    random_state: int | None,
    neighbours: tuple[np.ndarray, np.ndarray] | None = None,
    **params: Any,
) -> tuple[Any, np.ndarray]:
    """(the fitted UMAP, 2-D map coordinates): UMAP of the embeddings, supervised by the
    papers' topics.

    A plain 2-D UMAP is a second reduction, independent of the 5-D one the topics come
    from, so topics smear into each other on the map (many of a paper's nearest
    neighbours there are in other topics). Supervising it with the topic ids (categorical target,
    -1 unlabelled; `target_weight` from `params` sets how strongly) makes each topic an
    island, and starting from the principal plane of the clustering's coordinates keeps
    related topics near each other. It only moves points: every paper keeps its topic.
    `params` are UMAP's own arguments (config's umap_map section); `neighbours` as for
    umap_fit (see map_neighbours).
    """
    UMAP = import_umap()

    n_samples = len(embeddings)
    if n_samples <= 3:
        raise ValueError(f"UMAP needs more than 3 papers, got {n_samples}")
    topic_ids = np.asarray(topic_ids)
    reducer = UMAP(
        n_components=2,
        n_neighbors=min(n_neighbors, n_samples - 1),
        random_state=random_state,
        init=pca_start(reduced),
        target_metric="categorical",
        **umap_args(params, random_state, neighbours),
    )
    # UMAP's categorical target needs a topic somewhere; with none there is nothing to follow.
    target = topic_ids if (topic_ids >= 0).any() else None
    with fitting():
        return reducer, reducer.fit_transform(embeddings, y=target).astype(np.float32)


def map_neighbours(
    path: str | Path | None, cluster_params: dict[str, Any], map_params: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The clustering UMAP's nearest neighbours (see fitted_neighbours) where the map's own
    search would look for the same ones, else None (the map searches its own).

    Both UMAPs reduce the same embeddings; with the same metric and no more neighbours
    than the clustering kept, the map's NN-descent search repeats work already done, most
    of the map job above 4,096 papers. The layout then draws its
    random numbers without the search before it, so the map differs from one that
    searched, as a stability seed does: deterministic all the same.
    """
    if path is None:
        return None
    same_metric = cluster_params.get("metric", "euclidean") == map_params.get(
        "metric", "euclidean"
    ) and cluster_params.get("metric_kwds") == map_params.get("metric_kwds")
    if not same_metric or map_params["n_neighbors"] > cluster_params["n_neighbors"]:
        return None
    return read_neighbours(path)


def run_map_layout(
    embeddings_path: str | Path,
    reduced_path: str | Path,
    assignments_path: str | Path,
    map_path: str | Path,
    model_path: str | Path | None = None,
    neighbours_path: str | Path | None = None,
    *,
    cluster_params: dict[str, Any] | None = None,
    **params: Any,
) -> np.ndarray:
    """model_path: where the fitted UMAP is kept for placing papers added later;
    neighbours_path: the clustering UMAP's neighbours, fitted with `cluster_params`, which
    the map takes where it would search the same ones (map_neighbours)."""
    embeddings = read_array(embeddings_path)
    topic_ids = read_table(assignments_path)["topic_id"].to_numpy()
    neighbours = map_neighbours(neighbours_path, cluster_params or {}, params)
    started = time.perf_counter()
    reducer, coords = map_fit(
        embeddings, read_array(reduced_path), topic_ids, neighbours=neighbours, **params
    )
    log.info(
        "map: UMAP %s guided by %d topics -> %s in %.1f s, %s (%s)",
        embeddings.shape,
        len(set(topic_ids.tolist()) - {-1}),
        coords.shape,
        time.perf_counter() - started,
        "its own neighbours" if neighbours is None else "the clustering UMAP's neighbours",
        params,
    )
    write_array(coords, map_path)
    if model_path is not None:
        write_model(placeable(reducer), model_path)
    return coords


def run_reduce(
    embeddings_path: str | Path,
    reduced_path: str | Path,
    model_path: str | Path | None = None,
    neighbours_path: str | Path | None = None,
    reuse_neighbours_path: str | Path | None = None,
    **params: Any,
) -> np.ndarray:
    """model_path: where the fitted UMAP is kept for placing papers added later, and
    neighbours_path where its nearest neighbours are kept for the stability seeds (the
    main run's reduction only); reuse_neighbours_path: those neighbours, for a seed."""
    embeddings = read_array(embeddings_path)
    started = time.perf_counter()
    neighbours = read_neighbours(reuse_neighbours_path) if reuse_neighbours_path else None
    reducer, reduced = umap_fit(embeddings, neighbours=neighbours, **params)
    log.info(
        "UMAP %s -> %s in %.1f s (%s)",
        embeddings.shape,
        reduced.shape,
        time.perf_counter() - started,
        params,
    )
    write_array(reduced, reduced_path)
    if neighbours_path is not None:
        write_neighbours(fitted_neighbours(reducer), neighbours_path)
    if model_path is not None:
        write_model(placeable(reducer), model_path)
    return reduced


def searches_neighbours(n_papers: int, params: dict[str, Any]) -> bool:
    """Whether UMAP finds these papers' neighbours by search (NN-descent), which it keeps
    for the other throws (fitted_neighbours), rather than measuring every distance: from
    4,096 papers, or where asked to (umap-learn 0.5.12's UMAP.fit)."""
    return n_papers >= 4096 or bool(params.get("force_approximation_algorithm"))


def run_reduce_throws(
    embeddings_path: str | Path,
    reduced_path: str | Path,
    model_path: str | Path,
    neighbours_path: str | Path,
    other_paths: Sequence[str | Path],
    other_seeds: Sequence[int],
    *,
    workers: int = 1,
    **params: Any,
) -> None:
    """Every throw (consensus.throws) in one process, on one machine: the main run's UMAP,
    written as run_reduce writes it (reduction, fitted model, neighbours), and the same
    UMAP under each of `other_seeds`, each written to its path of `other_paths` as the
    array run_reduce writes for that seed alone (reusing the main fit's neighbours).

    A job per throw pays its interpreter and UMAP's imports (numba, pynndescent,
    scikit-learn), more than a throw's work on a small corpus, and a seeded UMAP uses one
    core, so the main throw alone leaves the others idle. Here the imports are paid once
    and `workers` fits run at a time, in processes forked once UMAP is imported, which
    inherit it and the embeddings rather than load them. Under 4,096 papers the main fit
    finds no neighbours to share, so every throw starts at once, each taking the pairs'
    distances measured once before (measured_distances); above, the others wait for its
    neighbours, which it writes as soon as its search has found them, before its layout
    (most of a fit). Forked, the workers need a process that has run no OpenMP code yet
    (GNU OpenMP stops a forked child that uses it again), as a job's own process is, so the
    main fit runs in a worker too: a worker that stops fails the call (BrokenProcessPool).
    """
    if len(other_paths) != len(other_seeds):
        raise ValueError(f"{len(other_seeds)} seeds for {len(other_paths)} reductions")
    embeddings = read_array(embeddings_path)
    shared = searches_neighbours(len(embeddings), params)
    import_umap()  # before forking: every worker inherits it
    workers = max(1, min(workers, 1 + len(other_seeds)))
    distances = measured_distances(embeddings, params) if other_seeds else None
    # Set by the main throw once its neighbours are written, before its layout.
    searched = multiprocessing.get_context("fork").Event()
    _throw_inputs.update(
        embeddings=embeddings, params=params, distances=distances, searched=searched
    )
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.callback(_throw_inputs.clear)
        if workers == 1:
            run = _InProcess()
        else:
            # fork, not spawn: a spawned worker would import everything again, and run the
            # job's script (its __main__) again before its first throw.
            run = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            stack.callback(run.shutdown, cancel_futures=True)
        main = run.submit(_main_throw, reduced_path, model_path, neighbours_path)
        if shared:
            _wait_for_neighbours(searched, main)
        reuse = neighbours_path if shared else None
        others = [run.submit(_throw, seed, reuse) for seed in other_seeds]
        shape, seconds = main.result()
        log.info("UMAP %s -> %s in %.1f s (%s)", embeddings.shape, shape, seconds, params)
        if not shared and read_neighbours(neighbours_path) is not None:
            raise RuntimeError(
                f"UMAP searched the neighbours of {len(embeddings)} papers, which "
                "topics.reduce.searches_neighbours says it measures: the other throws did "
                "not reuse them (has umap-learn's small-data rule changed?)"
            )
        for seed, path, other in zip(other_seeds, other_paths, others, strict=True):
            reduced, seconds = other.result()
            log.info(
                "UMAP %s -> %s, seed %d, in %.1f s", embeddings.shape, reduced.shape, seed, seconds
            )
            write_array(reduced, path)
    log.info(
        "%d throws in %.1f s, %d at a time (%s)",
        1 + len(other_seeds),
        time.perf_counter() - started,
        workers,
        params,
    )


class _InProcess:
    """submit() as an executor's, run at once in this process (run_reduce_throws with one
    worker)."""

    def submit(self, function: Any, *args: Any) -> Future:
        done: Future = Future()
        done.set_result(function(*args))
        return done


# What every throw of run_reduce_throws reads: set before its workers are forked.
_throw_inputs: dict[str, Any] = {}


def _main_throw(
    reduced_path: str | Path, model_path: str | Path, neighbours_path: str | Path
) -> tuple[tuple[int, ...], float]:
    """The main run's throw, written as run_reduce writes it: (its shape, seconds taken).
    The neighbours its search finds are written as soon as it has them, for the other
    throws (run_reduce_throws), and checked against those the fit kept rather than written
    again."""
    started = time.perf_counter()
    early: list[tuple[np.ndarray, np.ndarray]] = []

    def share(neighbours: tuple[np.ndarray, np.ndarray]) -> None:
        write_neighbours(neighbours, neighbours_path)
        # A copy: UMAP keeps the arrays, and would change it in place were it to change them.
        early.append((neighbours[0].copy(), neighbours[1].copy()))
        _throw_inputs["searched"].set()

    with _reporting_neighbours(share):
        reducer, reduced = umap_fit(
            _throw_inputs["embeddings"],
            distances=_throw_inputs["distances"],
            **_throw_inputs["params"],
        )
    write_array(reduced, reduced_path)
    neighbours = fitted_neighbours(reducer)
    if not early:
        write_neighbours(neighbours, neighbours_path)
    elif neighbours is None or not all(map(np.array_equal, early[0], neighbours)):
        raise RuntimeError(
            "UMAP changed the neighbours it searched after handing them to its graph: the "
            "other throws took them as they were (has umap-learn's UMAP.fit changed?)"
        )
    write_model(placeable(reducer), model_path)
    return reduced.shape, time.perf_counter() - started


def _wait_for_neighbours(searched: Any, main: Future) -> None:
    """Until the main throw has written its neighbours (`searched` set) or has ended; an
    error of its own is raised here."""
    while not searched.wait(0.5):
        if main.done():
            main.result()
            return


@contextlib.contextmanager
def _reporting_neighbours(
    report: Callable[[tuple[np.ndarray, np.ndarray]], None],
) -> Iterator[None]:
    """In the body, `report` called with the nearest neighbours (indices, distances, as
    fitted_neighbours gives them) that a UMAP fit searched, as soon as it has them: where
    umap-learn 0.5.12's UMAP.fit hands them to fuzzy_simplicial_set to build its graph,
    before the layout. A fit that finds no neighbours this way (few papers) reports
    nothing."""
    import umap.umap_

    build = umap.umap_.fuzzy_simplicial_set
    signature = inspect.signature(build)

    def reporting(*args: Any, **kwargs: Any) -> Any:
        given = signature.bind(*args, **kwargs).arguments
        indices, distances = given.get("knn_indices"), given.get("knn_dists")
        if indices is not None and distances is not None:
            report((np.asarray(indices), np.asarray(distances, dtype=np.float32)))
        return build(*args, **kwargs)

    with _swapped(umap.umap_, "fuzzy_simplicial_set", reporting):
        yield


def _throw(seed: int, neighbours_path: str | Path | None) -> tuple[np.ndarray, float]:
    """One other throw's reduction and the seconds it took (run_reduce_throws)."""
    started = time.perf_counter()
    _, reduced = umap_fit(
        _throw_inputs["embeddings"],
        neighbours=read_neighbours(neighbours_path) if neighbours_path else None,
        distances=_throw_inputs["distances"],
        **{**_throw_inputs["params"], "random_state": seed},
    )
    return reduced, time.perf_counter() - started
