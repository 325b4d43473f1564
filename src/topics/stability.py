"""Do the topics survive a different random seed? The throws' clusterings of the same
embeddings, reduced with UMAP under different seeds (topics.cluster.cluster_throws),
compared pairwise and per topic."""

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from topics.files import Clusters


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


def throws_report(runs: Mapping[int, np.ndarray], clusters: Clusters, need: int) -> dict[str, Any]:
    """stability.json of the throws (topics.cluster.cluster_throws) the topics come from.

    Per cluster the topics are made of (`clusters.labels`): its stability, how often its
    papers stay together across all the throws (topic_stability over every throw: none is
    the reference now that their agreement makes the topics); none with one throw, which
    has nothing to compare with. Pairwise ARI between the throws' own clusterings, as
    before. `outliers`: papers in no cluster (with several throws, those they disagree
    on), before outlier reassignment; `agreement_mean` and `all_agree_share` over the
    others.
    """
    labels = clusters.labels
    ari = pairwise_ari(runs)
    scores = topic_stability(labels, list(runs.values())) if len(runs) > 1 else {}
    inside = labels >= 0
    agreement = clusters.agreement[inside] if clusters.agreement is not None else np.ones(0)
    return {
        "seeds": [int(seed) for seed in runs],
        "throws": len(runs),
        "need": int(need) if len(runs) > 1 else None,
        "clusters": {str(seed): int(throw.max()) + 1 for seed, throw in runs.items()},
        "pairwise_ari": {pair: round(value, 4) for pair, value in ari.items()},
        "mean_ari": round(float(np.mean(list(ari.values()))), 4) if ari else None,
        "topics": int(labels.max()) + 1 if inside.any() else 0,
        "outliers": int((~inside).sum()),
        "agreement_mean": round(float(agreement.mean()), 4) if len(agreement) else None,
        "all_agree_share": round(float((agreement == 1).mean()), 4) if len(agreement) else None,
        "cluster_stability": {
            str(cluster): (None if np.isnan(score) else round(score, 4))
            for cluster, score in scores.items()
        },
    }
