"""How good are the topics? Coherence, diversity, outliers, sizes, separation and labels.

Coherence and diversity are measured the way the issue tracker measures them: on each
topic's top-10 words (a keyphrase counts with its words, in rank order, each word once),
against the corpus texts tokenised by scikit-learn's analyser with English stop words
removed; coherence is gensim's c_npmi and c_v, counted by topics.coherence. The figures'
names, as pages show them, are declared in topics.metric_names.
"""

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topics.coherence import topic_coherence
from topics.embed import paper_texts
from topics.files import read_array, read_clusters, read_json, read_table, write_json

log = logging.getLogger("topics")


N_TOP_WORDS = 10
# Map neighbours a paper's topic agreement is counted over (map_topic_agreement).
MAP_NEIGHBOURS = 10
# Papers the silhouette is measured on at most (see silhouette).
SILHOUETTE_PAPERS = 10_000


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased word tokens of each text, English stop words removed, compounds split."""
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer(stop_words="english").build_analyzer()
    return [analyse(text) for text in texts]


def top_words(keywords: Sequence[str], n: int = N_TOP_WORDS) -> list[str]:
    """The first n distinct words of ranked keywords: ["masked image", "image"] -> masked, image."""
    words: list[str] = []
    for keyword in keywords:
        for word in keyword.split():
            if word not in words:
                words.append(word)
    return words[:n]


def topic_diversity(topic_words: Sequence[Sequence[str]]) -> float:
    """Share of unique words among all topics' top words: 1.0 when no word repeats."""
    words = [word for topic in topic_words for word in topic]
    return len(set(words)) / len(words) if words else float("nan")


def coherence(
    topic_words: Sequence[Sequence[str]], tokens: Sequence[Sequence[str]], measure: str = "c_npmi"
) -> float:
    """gensim's coherence (c_npmi or c_v) of the topics, averaged over topics.

    Words not in the corpus are dropped (gensim cannot score them); a topic left with
    fewer than two words is skipped.
    """
    corpus_words = {word for text in tokens for word in text}
    known = [[word for word in words if word in corpus_words] for words in topic_words]
    known = [words for words in known if len(words) >= 2]
    if not known:
        return float("nan")
    return topic_coherence(known, tokens, measure)


def silhouette(
    reduced: np.ndarray, labels: np.ndarray, max_papers: int = SILHOUETTE_PAPERS
) -> float:
    """Silhouette of the clustering in the space HDBSCAN saw, outliers left out.

    The silhouette compares every pair of papers, so above max_papers clustered papers it
    is taken on max_papers of them, evenly spaced in table order (no randomness, so the
    same run gives the same figure).
    """
    from sklearn.metrics import silhouette_score

    kept = np.flatnonzero(labels != -1)
    if len(kept) > max_papers:
        kept = kept[np.linspace(0, len(kept) - 1, max_papers).round().astype(int)]
    if len(set(labels[kept].tolist())) < 2:
        return float("nan")
    return float(silhouette_score(reduced[kept], labels[kept]))


def label_uniqueness(labels: Sequence[str]) -> float:
    """Share of topics whose label no other topic has (1.0: every label distinct)."""
    if not labels:
        return float("nan")
    counts = pd.Series(list(labels)).value_counts()
    return float(sum(1 for label in labels if counts[label] == 1) / len(labels))


def agreement(truth: Sequence[Any], topic_ids: np.ndarray) -> dict[str, float]:
    """NMI and ARI of the topics against a label per paper (papers with no label left out)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    truth = pd.Series(list(truth), dtype=object)
    known = truth.notna() & (truth.astype(str) != "")
    if known.sum() < 2:
        return {}
    t, p = truth[known].astype(str).to_numpy(), np.asarray(topic_ids)[known.to_numpy()]
    return {
        "nmi": float(normalized_mutual_info_score(t, p)),
        "ari": float(adjusted_rand_score(t, p)),
    }


def map_topic_agreement(
    coords: np.ndarray, topic_ids: np.ndarray, k: int = MAP_NEIGHBOURS
) -> float | None:
    """Mean share of a paper's k nearest neighbours on the map (Euclidean) that share its
    topic, over the papers with a topic: 1 when every topic is an island."""
    from sklearn.neighbors import NearestNeighbors

    topic_ids = np.asarray(topic_ids)
    k = min(k, len(topic_ids) - 1)
    if k < 1 or not (topic_ids >= 0).any():
        return None
    found = NearestNeighbors(n_neighbors=k + 1).fit(coords).kneighbors(coords)[1]
    # Drop each paper itself, found anywhere among papers on the same spot (else the last).
    others = found != np.arange(len(topic_ids))[:, None]
    others[others.all(axis=1), -1] = False
    neighbours = found[others].reshape(len(topic_ids), k)
    same = topic_ids[neighbours] == topic_ids[:, None]
    return float(same[topic_ids >= 0].mean())


def paper_themes(themes: pd.DataFrame, topic_ids: np.ndarray) -> np.ndarray:
    """Each paper's theme id (-1 for papers in no topic)."""
    theme_of = {
        int(topic): int(theme)
        for theme, members in zip(themes["theme_id"], themes["topics"], strict=True)
        for topic in members
    }
    return np.array([theme_of.get(int(topic), -1) for topic in topic_ids], dtype=np.int64)


def theme_metrics(
    themes: pd.DataFrame,
    topic_ids: np.ndarray,
    coords: np.ndarray | None = None,
    truth: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """The themes' figures (count, largest share, agreement with corpus labels) and how
    well the map keeps topics together."""
    n = len(topic_ids)
    metrics: dict[str, Any] = {
        "themes": len(themes),
        "largest_theme_share": round(float(themes["size"].max() / n), 4) if len(themes) else 0.0,
    }
    if coords is not None:
        metrics["map_topic_agreement"] = _round(map_topic_agreement(coords, topic_ids))
    if truth is not None:
        found = agreement(truth, paper_themes(themes, topic_ids))
        metrics.update({f"theme_{key}": _round(value) for key, value in found.items()})
    return metrics


def topic_metrics(
    texts: Sequence[str],
    keywords: Mapping[int, Sequence[str]],
    labels: Mapping[int, str],
    clusters: np.ndarray,
    topic_ids: np.ndarray,
    reduced: np.ndarray | None = None,
    truth: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Every quality figure of one run.

    keywords and labels are per topic id (-1, the outliers, is ignored); clusters are
    HDBSCAN's labels (outliers before reassignment), topic_ids the final topics;
    truth, when the corpus has one, a label per paper.
    """
    n = len(topic_ids)
    ids = sorted(i for i in keywords if i != -1)
    words = [top_words(keywords[i]) for i in ids]
    sizes = pd.Series(topic_ids[topic_ids != -1]).value_counts()
    tokens = tokenize(texts)
    metrics: dict[str, Any] = {
        "papers": n,
        "topics": len(ids),
        "outlier_share_before": round(float((clusters == -1).mean()), 4) if n else None,
        "outlier_share": round(float((topic_ids == -1).mean()), 4) if n else None,
        "reassigned": int(((clusters == -1) & (topic_ids != -1)).sum()),
        "largest_topic_share": round(float(sizes.max() / n), 4) if len(sizes) else 0.0,
        "npmi": _round(coherence(words, tokens, "c_npmi")) if ids else None,
        "c_v": _round(coherence(words, tokens, "c_v")) if ids else None,
        "diversity": _round(topic_diversity(words)) if ids else None,
        "silhouette": _round(silhouette(reduced, clusters)) if reduced is not None else None,
        "label_uniqueness": _round(label_uniqueness([labels[i] for i in ids])) if ids else None,
    }
    if truth is not None:
        metrics.update({key: _round(value) for key, value in agreement(truth, topic_ids).items()})
    return metrics


def _round(value: float | None) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 4)


def run_metrics(
    papers_path: str | Path,
    topics_path: str | Path,
    assignments_path: str | Path,
    clusters_path: str | Path,
    reduced_path: str | Path,
    metrics_path: str | Path,
    stability_path: str | Path | None = None,
    themes_path: str | Path | None = None,
    coords_path: str | Path | None = None,
) -> dict[str, Any]:
    """metrics.json of one run; stability figures are copied in when measured, theme and
    map figures added when the run has them (a sweep's combinations have neither)."""
    papers = read_table(papers_path)
    topics = read_table(topics_path)
    assignments = read_table(assignments_path)
    clusters = read_clusters(clusters_path).labels
    truth = papers["label"] if "label" in papers.columns else None
    metrics = topic_metrics(
        paper_texts(papers),
        {int(i): list(k) for i, k in zip(topics["topic_id"], topics["keywords"], strict=True)},
        dict(zip(topics["topic_id"].astype(int), topics["label"], strict=True)),
        clusters,
        assignments["topic_id"].to_numpy(),
        read_array(reduced_path),
        truth,
    )
    if themes_path:
        coords = read_array(coords_path) if coords_path else None
        metrics.update(
            theme_metrics(
                read_table(themes_path), assignments["topic_id"].to_numpy(), coords, truth
            )
        )
    if stability_path:
        stability = read_json(stability_path)
        metrics["stability_ari"] = stability.get("mean_ari")
        metrics["stability_seeds"] = stability.get("seeds", [])
        metrics["stability_clusters"] = stability.get("clusters", {})
        # The throws the topics come from (topics.cluster.cluster_throws); with several,
        # the papers they disagree on (outliers before reassignment) and how much the
        # others' throws agree.
        metrics["throws"] = stability.get("throws", len(metrics["stability_seeds"]))
        if metrics["throws"] > 1:
            metrics["consensus_outliers"] = stability.get("outliers")
            metrics["agreement_mean"] = stability.get("agreement_mean")
            metrics["all_agree_share"] = stability.get("all_agree_share")
    for key, value in metrics.items():
        log.info("%s: %s", key, value)
    write_json(metrics, metrics_path)
    return metrics
