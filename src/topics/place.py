"""update: incremental: papers added since the last full fit placed with its models.

An added paper goes through the fit's own models, never a refit: the fitted UMAP reduces
its embedding (UMAP.transform), the fitted HDBSCAN (the main throw's) assigns it a cluster
(approximate_predict), the cluster's topic is the one holding most of that cluster's
papers in the fit (cluster_topics: with one throw, the topic labelling gave the cluster;
with topics agreed by several throws, where the throws agreed on the cluster's papers),
and a paper HDBSCAN calls noise, or whose cluster's papers the throws mostly disagreed on,
meets the fit's outlier strategy (BERTopic's reduce_outliers by
embeddings: the closest topic vector by cosine, if at least outliers.threshold). The
supervised map UMAP places it on the map. Every paper that was in the fit keeps its
topic, position and centrality exactly; topics keep their labels, keywords and centroids,
themes their topics; only sizes change. Papers gone from the inputs are dropped.

What an added paper gets depends on history: the fit it is placed against, and (through
UMAP.transform's shared random sampling) the papers placed with it. A full refit depends on
the inputs alone.
"""

import logging
import time
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from topics.files import (
    Clusters,
    copy_file,
    read_array,
    read_clusters,
    read_json,
    read_model,
    read_shard_vectors,
    read_table,
    write_array,
    write_clusters,
    write_table,
    write_themes,
)
from topics.label import OUTLIER_LABEL
from topics.label import centrality as label_centrality
from topics.shards import fit_rows
from topics.startup import import_umap, quiet_uncacheable

log = logging.getLogger("topics")


def outlier_topics(
    embeddings: np.ndarray, vectors: np.ndarray, *, strategy: str, threshold: float
) -> np.ndarray:
    """Topic of each outlier as the fit's outlier reassignment decides it (-1: none).

    "embeddings" is BERTopic's reduce_outliers rule: cosine similarity to each topic's
    vector (topics.model.outlier_vectors), those below threshold set to 0, the largest
    taken, and -1 where none is left. "keep" leaves every outlier -1.
    """
    if strategy == "keep" or not len(vectors) or not len(embeddings):
        return np.full(len(embeddings), -1, dtype=np.int64)
    from sklearn.metrics.pairwise import cosine_similarity

    similarity = cosine_similarity(embeddings, vectors)
    similarity[similarity < threshold] = 0
    best = np.argmax(similarity, axis=1)
    return np.where(similarity.sum(axis=1) > 0, best, -1).astype(np.int64)


def cluster_topics(fitted: np.ndarray, topics: np.ndarray) -> dict:
    """The kept HDBSCAN's cluster -> topic id (-1: none): the topic most of the cluster's
    papers were given before outlier reassignment (`topics`: -1 for the clustering's
    outliers), ties to the smaller id.

    With one throw every paper of a cluster has the cluster's topic (labelling renumbers
    clusters by size): the map is labelling's. With topics agreed by several throws the
    kept HDBSCAN is one throw's, whose clusters the consensus may split, join or leave
    out; an added paper then goes where the fit's papers of its cluster mostly went, and
    where the throws disagreed on most of them, it is an outlier like them.
    """
    clustered = fitted >= 0
    pairs, counts = np.unique(
        np.stack([fitted[clustered], topics[clustered]]), axis=1, return_counts=True
    )
    best: dict[int, tuple[int, int]] = {}
    for cluster, topic, count in zip(*pairs.tolist(), counts.tolist(), strict=True):
        if cluster not in best or count > best[cluster][1]:
            best[cluster] = (topic, count)
    return {cluster: topic for cluster, (topic, _) in best.items()}


def consensus_cluster_of_topic(labels: np.ndarray, topic_ids: np.ndarray) -> dict:
    """Topic id -> the cluster its papers had before reassignment (labelling renumbers
    clusters by size; every clustered paper of a topic had the same cluster)."""
    clustered = labels >= 0
    return dict(zip(topic_ids[clustered].tolist(), labels[clustered].tolist(), strict=True))


class Placed(NamedTuple):
    """What the fit's models give papers added since: rows in the added papers' order."""

    reduced: np.ndarray
    clusters: np.ndarray
    strengths: np.ndarray
    topic_ids: np.ndarray
    reassigned: np.ndarray
    coords: np.ndarray


def place_papers(
    embeddings: np.ndarray,
    reducer: Any,
    clusterer: Any,
    mapper: Any,
    topic_of_cluster: dict,
    vectors: np.ndarray,
    *,
    strategy: str,
    threshold: float,
) -> Placed:
    """Reduce, cluster, give a topic and a map position to each row of `embeddings` with
    the fit's UMAP (`reducer`), HDBSCAN (`clusterer`) and map UMAP (`mapper`)."""
    if not len(embeddings):
        empty = np.zeros(0, dtype=np.int64)
        return Placed(
            np.zeros((0, reducer.n_components), np.float32),
            empty,
            np.zeros(0, np.float32),
            empty,
            np.zeros(0, bool),
            np.zeros((0, 2), np.float32),
        )
    import_umap()  # numba's on-disk cache on before transform compiles anything
    from hdbscan import approximate_predict

    with quiet_uncacheable():
        reduced = reducer.transform(embeddings).astype(np.float32)
        coords = mapper.transform(embeddings).astype(np.float32)
    labels, strengths = approximate_predict(clusterer, reduced)
    labels = np.asarray(labels, dtype=np.int64)
    topic_ids = np.array([topic_of_cluster.get(c, -1) for c in labels.tolist()], dtype=np.int64)
    noise = topic_ids == -1
    topic_ids[noise] = outlier_topics(
        embeddings[noise], vectors, strategy=strategy, threshold=threshold
    )
    return Placed(
        reduced,
        labels,
        np.asarray(strengths, dtype=np.float32),
        topic_ids,
        noise & (topic_ids != -1),
        coords,
    )


def centrality(embeddings: np.ndarray, topic_ids: np.ndarray, topics: pd.DataFrame) -> np.ndarray:
    """Each paper's centrality as labelling measures it (topics.label.centrality), against
    the fit's centroids; 0 for a topic the fit has no centroid of (-1 where the fit had no
    outliers left)."""
    if len(topic_ids) == 0:
        return np.zeros(0, dtype=np.float32)
    centres = dict(zip(topics["topic_id"].tolist(), topics["centroid"], strict=True))
    zero = np.zeros(embeddings.shape[1])
    centroids = np.array([np.asarray(centres.get(int(t), zero)) for t in np.unique(topic_ids)])
    return label_centrality(embeddings, topic_ids, centroids)


def resized_topics(topics: pd.DataFrame, topic_ids: np.ndarray) -> pd.DataFrame:
    """The fit's topics, sizes counted anew; an outlier row is added if the fit had none."""
    if (topic_ids == -1).any() and not (topics["topic_id"] == -1).any():
        dim = len(topics["centroid"].iloc[0]) if len(topics) else 0
        outliers = pd.DataFrame(
            [[-1, OUTLIER_LABEL, 0, [], [], np.zeros(dim)]], columns=topics.columns
        )
        topics = pd.concat([outliers, topics], ignore_index=True)
    counts = pd.Series(topic_ids).value_counts()
    return topics.assign(size=[int(counts.get(t, 0)) for t in topics["topic_id"]])


def resized_themes(themes: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """The fit's themes, each sized as the sum of its topics' sizes, as topics.themes does."""
    size = dict(zip(topics["topic_id"], topics["size"], strict=True))
    return themes.assign(size=[int(sum(size.get(t, 0) for t in ts)) for ts in themes["topics"]])


class Fit(NamedTuple):
    """The fit's intermediates (results/model/) that placing extends to every paper."""

    reduced: np.ndarray
    coords: np.ndarray
    clusters: Clusters
    assignments: pd.DataFrame
    topics: pd.DataFrame
    themes: pd.DataFrame
    # Every paper's embedding (papers x dimensions).
    embeddings: np.ndarray

    @classmethod
    def read(cls, model: dict[str, str | Path]) -> "Fit":
        return cls(
            read_array(model["reduced"]),
            read_array(model["coords"]),
            read_clusters(model["clusters"]),
            read_table(model["assignments"]),
            read_table(model["topics"]),
            read_table(model["themes"]),
            read_array(model["embeddings"]),
        )

    def fitted_labels(self) -> np.ndarray:
        """The kept HDBSCAN's labels of the fit's papers."""
        fitted = self.clusters.fitted
        return self.clusters.labels if fitted is None else fitted

    def topic_of_cluster(self) -> dict:
        topic_ids = self.assignments["topic_id"].to_numpy()
        before = np.where(self.clusters.labels >= 0, topic_ids, -1)
        return cluster_topics(self.fitted_labels(), before)


def merged(fit: Fit, placed: Placed, rows: np.ndarray, paper_ids: pd.Series, embeddings) -> Fit:
    """Every paper's intermediates, in the papers' order: a paper of the fit (rows[i], its
    row there; -1 for an added one) keeps the fit's, an added one gets what placing gave
    it (in added order, as `embeddings`); topics and themes are sized anew."""
    kept = rows >= 0
    added = np.flatnonzero(~kept)

    def rows_of(fitted: np.ndarray, new: np.ndarray) -> np.ndarray:
        out = np.empty((len(rows), *fitted.shape[1:]), dtype=fitted.dtype)
        out[kept] = fitted[rows[kept]]
        out[added] = new.astype(fitted.dtype)
        return out

    strengths = fit.clusters.strengths
    before = fit.assignments
    # membership and uncapped are the fit's record (labelling and its log read them).
    if fit.clusters.fitted is None:
        clusters = Clusters(
            rows_of(fit.clusters.labels, placed.clusters),
            None if strengths is None else rows_of(strengths, placed.strengths),
        )
    else:
        # Topics agreed by several throws: an added paper's cluster is that of the topic
        # its HDBSCAN cluster led it to (-1 where it met the outlier rule), and `fitted`
        # keeps the kept HDBSCAN's own label of it.
        cluster_of = consensus_cluster_of_topic(fit.clusters.labels, before["topic_id"].to_numpy())
        via_cluster = ~placed.reassigned & (placed.topic_ids >= 0)
        added_clusters = np.where(
            via_cluster, [cluster_of.get(int(t), -1) for t in placed.topic_ids], -1
        )
        clusters = Clusters(
            rows_of(fit.clusters.labels, added_clusters),
            None if strengths is None else rows_of(strengths, placed.strengths),
            fitted=rows_of(fit.clusters.fitted, placed.clusters),
        )
    agreement = before.get("agreement", pd.Series(np.nan, index=before.index))
    topic_ids = rows_of(before["topic_id"].to_numpy(), placed.topic_ids)
    assignments = pd.DataFrame(
        {
            "paper_id": paper_ids,
            "topic_id": topic_ids,
            "reassigned": rows_of(before["reassigned"].to_numpy(bool), placed.reassigned),
            "centrality": rows_of(
                before["centrality"].to_numpy(),
                centrality(embeddings, placed.topic_ids, fit.topics),
            ),
            # The throws never saw an added paper: no agreement.
            "agreement": rows_of(
                agreement.to_numpy(dtype=np.float32),
                np.full(len(placed.topic_ids), np.nan, dtype=np.float32),
            ),
            "added": ~kept,
        }
    )
    topics = resized_topics(fit.topics, topic_ids)
    return Fit(
        rows_of(fit.reduced, placed.reduced),
        rows_of(fit.coords, placed.coords),
        clusters,
        assignments,
        topics,
        resized_themes(fit.themes, topics),
        rows_of(fit.embeddings, embeddings),
    )


def run_place(
    papers_path: str | Path,
    added_path: str | Path,
    model: dict[str, str | Path],
    out: dict[str, str | Path],
    *,
    outliers: dict[str, Any],
) -> int:
    """Write the run's intermediates (`out`: embeddings, reduced, clusters, assignments,
    topics, coords, themes, theme_tree) from the fit kept in results/model/ (`model`,
    topics.model) and the added papers' vectors (`added_path`). Returns the number of
    papers placed."""
    started = time.perf_counter()
    papers = read_table(papers_path, ["paper_id", "title", "abstract"])
    about = read_json(model["fit"])
    rows, keys = fit_rows(papers, read_table(model["fit_papers"]))
    added = np.flatnonzero(rows < 0)
    vector_keys, vectors = read_shard_vectors(added_path)
    vector_of = dict(zip(vector_keys.astype(str).tolist(), range(len(vector_keys)), strict=True))
    embeddings = vectors[[vector_of[keys[i]] for i in added]] if len(added) else vectors[:0]
    fit = Fit.read(model)
    loaded = time.perf_counter()
    placed = place_papers(
        embeddings,
        *(read_model(model[name]) for name in ["umap_cluster", "hdbscan", "umap_map"]),
        fit.topic_of_cluster(),
        read_array(model["outlier_vectors"]),
        **outliers,
    )
    log.info("models loaded in %.1f s, %d papers placed in %.1f s",
             loaded - started, len(added), time.perf_counter() - loaded)  # fmt: skip
    now = merged(fit, placed, rows, papers["paper_id"], embeddings)
    write_array(now.embeddings, out["embeddings"])
    write_array(now.reduced, out["reduced"])
    write_array(now.coords, out["coords"])
    write_clusters(now.clusters, out["clusters"])
    write_table(now.assignments, out["assignments"])
    write_table(now.topics, out["topics"])
    write_themes(now.themes, out["themes"])
    copy_file(model["theme_tree"], out["theme_tree"])
    if removed := about["papers"] - int((rows >= 0).sum()):
        log.info("%d papers of the fit are no longer in the inputs: dropped", removed)
    log.info(
        "%d papers added since the fit of %s (%d papers) placed: %d into topics, %d outliers "
        "(%d reassigned); %.1f s",
        len(added),
        about["fitted"],
        about["papers"],
        int((placed.topic_ids >= 0).sum()),
        int((placed.topic_ids < 0).sum()),
        int(placed.reassigned.sum()),
        time.perf_counter() - started,
    )
    return len(added)
