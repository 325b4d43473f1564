"""Do the topics survive a different random seed? Clusterings of the same embeddings,
reduced with UMAP under different seeds, compared pairwise and per topic."""

import itertools
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from topics.cluster import DOMINANT_SHARE, cap_effect, hdbscan_cluster, largest_cluster_share
from topics.files import read_array, read_clusters, write_json

log = logging.getLogger("topics")


def pairwise_ari(runs: Mapping[Any, np.ndarray]) -> dict[str, float]:
    """Adjusted Rand index of every pair of clusterings ("a-b" -> ARI); outliers count as
    one more cluster, so a run that drops papers to -1 scores lower."""
    from sklearn.metrics import adjusted_rand_score

    return {
        f"{a}-{b}": float(adjusted_rand_score(runs[a], runs[b]))
        for a, b in itertools.combinations(runs, 2)
    }


def together_share(members: np.ndarray, labels: np.ndarray) -> float:
    """Share of pairs of `members` that `labels` put in the same (non-outlier) cluster."""
    n = len(members)
    if n < 2:
        return float("nan")
    group = labels[members]
    counts = np.bincount(group[group != -1])
    return float((counts * (counts - 1)).sum() / (n * (n - 1)))


def topic_stability(topic_ids: np.ndarray, others: list[np.ndarray]) -> dict[int, float]:
    """Per topic: how often its papers stay together in the other runs (mean pair share).

    1.0 means every other run keeps all of the topic's papers in one cluster; a topic that
    splits in two equal halves scores about 0.5, one that dissolves into outliers 0.
    """
    scores: dict[int, float] = {}
    for topic in sorted(set(topic_ids.tolist()) - {-1}):
        members = np.flatnonzero(topic_ids == topic)
        shares = [together_share(members, labels) for labels in others]
        scores[topic] = float(np.mean(shares)) if shares else float("nan")
    return scores


def stability_report(
    runs: Mapping[int, np.ndarray], reference_seed: int, clusters: np.ndarray
) -> dict[str, Any]:
    """Pairwise ARI of the seed runs and each cluster's stability.

    A cluster of the reference run (whose seed made the topics) is judged by its members
    against the other runs. Clusters rather than topics, so that this job needs only the
    clustering and runs beside labelling: `topic_scores` maps the scores onto topics.
    """
    ari = pairwise_ari(runs)
    others = [labels for seed, labels in runs.items() if seed != reference_seed]
    scores = topic_stability(clusters, others)
    return {
        "seeds": [int(seed) for seed in runs],
        "clusters": {str(seed): int(labels.max()) + 1 for seed, labels in runs.items()},
        "pairwise_ari": {pair: round(value, 4) for pair, value in ari.items()},
        "mean_ari": round(float(np.mean(list(ari.values()))), 4) if ari else None,
        "cluster_stability": {
            str(cluster): (None if np.isnan(score) else round(score, 4))
            for cluster, score in scores.items()
        },
    }


def topic_scores(
    cluster_scores: Mapping[str, float | None], clusters: np.ndarray, topic_ids: np.ndarray
) -> dict[str, float | None]:
    """Each topic's stability: that of the HDBSCAN cluster its core papers came from.

    A topic is judged by its core papers, not by outliers reassigned to it. Labelling
    renumbers clusters by size, so the cluster of each topic is read from the papers.
    """
    core = clusters != -1
    pairs = set(zip(topic_ids[core].tolist(), clusters[core].tolist(), strict=True))
    return {str(topic): cluster_scores.get(str(cluster)) for topic, cluster in sorted(pairs)}


def run_stability(
    reduced_paths: list[str | Path],
    seeds: list[int],
    reference_seed: int,
    reference_clusters_path: str | Path,
    stability_path: str | Path,
    *,
    max_share: float,
    **hdbscan_params: Any,
) -> dict[str, Any]:
    """stability.json: HDBSCAN, with the run's own parameters and size cap (max_share, as
    topics.cluster.hdbscan_cluster), on each seed's UMAP reduction.

    `reduced_paths` are the reductions of the seeds other than `reference_seed`, in the
    order of `seeds` (the reference run's clusters are read, not recomputed). Clustering
    here rather than in a job per seed spares a process and an hdbscan import per seed;
    the reductions stay separate jobs, so a clustering change reruns no UMAP.
    """
    clusters = read_clusters(reference_clusters_path).labels
    others = iter(reduced_paths)
    runs = {}
    for seed in seeds:
        if int(seed) == int(reference_seed):
            runs[int(seed)] = clusters
        else:
            clustered = hdbscan_cluster(
                read_array(next(others)), max_share=max_share, **hdbscan_params
            )
            runs[int(seed)] = clustered.labels
            if effect := cap_effect(clustered.labels, clustered.uncapped):
                log.info("UMAP seed %s: %s", seed, effect)
            if (share := largest_cluster_share(runs[int(seed)])) > DOMINANT_SHARE:
                log.warning(
                    "UMAP seed %s: HDBSCAN put %.0f%% of the papers in one cluster. "
                    "The stability scores count that against every topic: these hdbscan "
                    "settings are fragile on this corpus (a lower hdbscan.max_share, or "
                    "hdbscan.cluster_selection_method: leaf, is less so).",
                    seed,
                    100 * share,
                )
    report = stability_report(runs, reference_seed, clusters)
    log.info(
        "seeds %s: clusters %s, pairwise ARI %s (mean %s)",
        report["seeds"],
        report["clusters"],
        report["pairwise_ari"],
        report["mean_ari"],
    )
    write_json(report, stability_path)
    return report
