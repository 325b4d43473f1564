"""Label topics with BERTopic, fitted on the clusters the pipeline already computed.

BERTopic gets the embeddings and the HDBSCAN labels as they are (an identity reducer and
BaseCluster), so it never re-embeds, re-reduces or re-clusters; it contributes the
c-TF-IDF keyword candidates, from which topics.keywords keeps those that occur together
(coherent) and that other topics do not use (distinct), and reduce_outliers, which moves
outliers into their closest topic. Topic ids are BERTopic's: 0 is the largest topic (by
its HDBSCAN core), -1 the outliers. Representation models that need the embedding model
in this job (KeyBERTInspired, MMR) are not used: benchmarks/RESULTS.md says why.
"""

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topics.centroids import topic_centroids
from topics.embed import paper_texts
from topics.files import Clusters, read_array, read_clusters, read_table, write_table
from topics.keywords import split_compounds, topic_keywords, topic_vectorizer
from topics.llm import central_titles, name_topics
from topics.names import topic_names
from topics.startup import import_bertopic

log = logging.getLogger("topics")

OUTLIER_LABEL = "outliers (no clear topic)"
# c-TF-IDF keywords per topic that select_keywords chooses from.
N_CANDIDATES = 30
# Words of the keywords a label is made of.
LABEL_TERMS = 3
# centroid: the unit-length mean embedding of the topic's papers (the views that relate
# topics, and each paper's centrality, use it).
# label: the topic's name (topics.names), what every page shows; name: the same, kept when
# something names topics on top of it; keyword_label: the old label, its first keywords.
TOPIC_COLUMNS = [
    "topic_id",
    "label",
    "name",
    "keyword_label",
    "size",
    "keywords",
    "scores",
    "centroid",
]


def readable_label(keywords: Sequence[str], n_terms: int = LABEL_TERMS) -> str:
    """A short label from ranked keywords: the first few, phrases absorbing their words.

    ["anomaly", "detection", "anomaly detection", "industrial"] -> "anomaly detection,
    industrial": a keyword whose words are all in a chosen phrase adds nothing, and a
    phrase replaces the chosen single words it contains.
    """
    chosen: list[str] = []
    for keyword in keywords:
        words = set(keyword.split())
        if any(words <= set(phrase.split()) for phrase in chosen):
            continue
        absorbed = [phrase for phrase in chosen if set(phrase.split()) <= words]
        if absorbed:
            position = chosen.index(absorbed[0])
            chosen = [phrase for phrase in chosen if phrase not in absorbed]
            chosen.insert(position, keyword)
        elif len(chosen) < n_terms:
            chosen.append(keyword)
    return ", ".join(chosen[:n_terms])


def unique_labels(keyword_lists: Sequence[Sequence[str]], n_terms: int = LABEL_TERMS) -> list[str]:
    """Readable labels, lengthened where two topics would otherwise share one."""
    labels = [readable_label(keywords, n_terms) for keywords in keyword_lists]
    for index, label in enumerate(labels):
        terms = n_terms
        while label in labels[:index] and terms < len(keyword_lists[index]):
            terms += 1
            label = readable_label(keyword_lists[index], terms)
        if label in labels[:index]:
            label = f"{label} ({index})"
        labels[index] = label
    return labels


class GivenClusters:
    """BERTopic's reduction step when the clusters are given (BaseCluster takes them from
    y): it hands the clusterer no coordinates. BaseDimensionalityReduction would hand it
    the embeddings, which BERTopic would copy for nothing."""

    def fit(self, X: np.ndarray, y: np.ndarray | None = None) -> "GivenClusters":
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return np.empty((len(X), 0), dtype=np.float32)


def fit_bertopic(
    docs: Sequence[str],
    embeddings: np.ndarray,
    clusters: np.ndarray,
    *,
    vectorizer: dict[str, Any],
    top_n_words: int,
    reduce_frequent_words: bool,
) -> Any:
    """Fit BERTopic on precomputed embeddings and cluster labels; return the fitted model."""
    import_bertopic()  # without torch, UMAP and hdbscan, which labelling never uses
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.vectorizers import ClassTfidfTransformer

    docs = [split_compounds(doc) for doc in docs]  # the same strings where already split
    model = BERTopic(
        embedding_model=None,
        umap_model=GivenClusters(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=topic_vectorizer(docs, clusters, vectorizer),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words),
        top_n_words=top_n_words,
        calculate_probabilities=False,
    )
    model.fit(docs, embeddings=embeddings, y=np.asarray(clusters))
    return model


def keyword_scores(model: Any, keywords: dict[int, list[str]]) -> dict[int, list[float]]:
    """Each chosen keyword's c-TF-IDF score in its topic (what the top-terms view plots)."""
    scores = {}
    for topic, words in keywords.items():
        ctfidf = dict(model.get_topic(topic) or [])
        scores[topic] = [float(ctfidf.get(word, 0.0)) for word in words]
    return scores


def keyword_labels(keywords: dict[int, list[str]], ids: Sequence[int]) -> dict[int, str]:
    """Each real topic's keyword label (its first keywords), unique among the topics."""
    real = [i for i in ids if i != -1]
    return dict(zip(real, unique_labels([keywords[i] for i in real]), strict=True))


def topic_table(
    keywords: dict[int, list[str]],
    topic_ids: np.ndarray,
    scores: dict[int, list[float]],
    centroids: np.ndarray,
    names: dict[int, str] | None = None,
) -> pd.DataFrame:
    """One row per topic with papers: id, name (label), keyword label, size, keywords and
    their scores, centroid. `centroids` has one row per topic id present, in ascending id
    order; a topic without a name in `names` is named by its keyword label."""
    ids = sorted(set(topic_ids.tolist()))
    labels_by_id = keyword_labels(keywords, ids)
    named = [(names or {}).get(i) or labels_by_id.get(i, OUTLIER_LABEL) for i in ids]
    sizes = np.bincount(topic_ids + 1)
    return pd.DataFrame(
        {
            "topic_id": ids,
            "label": named,
            "name": named,
            "keyword_label": [labels_by_id.get(i, OUTLIER_LABEL) for i in ids],
            "size": [int(sizes[i + 1]) for i in ids],
            "keywords": [keywords.get(i, []) for i in ids],
            "scores": [scores.get(i, []) for i in ids],
            "centroid": list(centroids),
        },
        columns=TOPIC_COLUMNS,
    )


def reassign_outliers(
    model: Any,
    docs: Sequence[str],
    topic_ids: np.ndarray,
    embeddings: np.ndarray,
    clusters: np.ndarray,
    membership: np.ndarray | None,
    *,
    strategy: str,
    threshold: float,
) -> np.ndarray:
    """Topic ids with outliers moved to their closest topic by BERTopic's reduce_outliers.

    strategy "keep" leaves topic -1 as it is. "probabilities" uses HDBSCAN's soft
    membership (papers x clusters), whose columns are re-ordered to BERTopic's topic ids.
    An outlier no topic is close enough to (below threshold) stays -1.
    """
    if strategy == "keep" or not (topic_ids == -1).any():
        return topic_ids.copy()
    probabilities = None
    if strategy == "probabilities":
        if membership is None:
            raise ValueError("the probabilities strategy needs HDBSCAN's membership matrix")
        n_topics = int(topic_ids.max()) + 1
        probabilities = np.zeros((len(topic_ids), n_topics), dtype=np.float64)
        for cluster in range(membership.shape[1]):
            members = np.flatnonzero(clusters == cluster)
            if len(members):
                probabilities[:, topic_ids[members[0]]] = membership[:, cluster]
    new = model.reduce_outliers(
        [split_compounds(doc) for doc in docs],
        topic_ids.tolist(),
        strategy=strategy,
        threshold=threshold,
        embeddings=embeddings,
        probabilities=probabilities,
    )
    return np.asarray(new, dtype=np.int64)


def centrality(embeddings: np.ndarray, topic_ids: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Cosine similarity of each paper to its topic's centroid: 1 is the topic's heart.

    `centroids` has one row per topic id present, in ascending id order (outliers, -1,
    measured against the mean of all outliers, which orders that list too).
    """
    centres = centroids[np.searchsorted(np.unique(topic_ids), topic_ids)]
    norms = np.linalg.norm(embeddings, axis=1)
    return ((embeddings * centres).sum(axis=1) / np.where(norms == 0, 1.0, norms)).astype(
        np.float32
    )


def label_topics(
    docs: Sequence[str],
    embeddings: np.ndarray,
    clusters: np.ndarray,
    membership: np.ndarray | None,
    *,
    vectorizer: dict[str, Any],
    bertopic: dict[str, Any],
    keywords: dict[str, Any],
    outliers: dict[str, Any],
    titles: Sequence[str] | None = None,
    abstracts: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Topics table, each paper's topic id, whether it was a reassigned outlier, centrality.

    The parameters are config.yaml's sections of those names. Keywords come from the
    HDBSCAN clusters (the papers that define each theme); outliers are reassigned
    afterwards and change the topics' sizes, not their keywords. Names (topics.names) come
    from the papers' `titles` and `abstracts` (without them, from `docs` as titles), in
    the final topics, weighted towards each topic's central papers.
    """
    if (np.asarray(clusters) == -1).all():
        # BERTopic needs at least one topic; a corpus with none is all outliers.
        topic_ids = np.full(len(docs), -1, dtype=np.int64)
        words: dict[int, list[str]] = {-1: []}
        scores: dict[int, list[float]] = {-1: []}
        reassigned = np.zeros(len(docs), dtype=bool)
    else:
        model = fit_bertopic(
            docs,
            embeddings,
            clusters,
            vectorizer=vectorizer,
            top_n_words=max(bertopic["top_n_words"], N_CANDIDATES),
            reduce_frequent_words=bertopic["reduce_frequent_words"],
        )
        core_ids = np.asarray(model.topics_, dtype=np.int64)
        words = topic_keywords(model, docs, n=bertopic["top_n_words"], **keywords)
        scores = keyword_scores(model, words)
        topic_ids = reassign_outliers(
            model, docs, core_ids, embeddings, np.asarray(clusters), membership, **outliers
        )
        reassigned = (core_ids == -1) & (topic_ids != -1)
    centroids = topic_centroids(embeddings, topic_ids, np.unique(topic_ids).tolist())
    central = centrality(embeddings, topic_ids, centroids)
    names = topic_names(
        docs if titles is None else titles,
        [""] * len(docs) if abstracts is None else abstracts,
        topic_ids,
        central,
        # A topic whose titles share no phrase keeps its keyword label.
        fallback=keyword_labels(words, sorted(set(topic_ids.tolist()))),
    )
    topics = topic_table(words, topic_ids, scores, centroids, names)
    return topics, topic_ids, reassigned, central


def paper_agreement(clusters: Clusters) -> np.ndarray:
    """Each paper's agreement as clustering measured it, as float32 (nan where none was:
    an outlier, or clusters written before the throws were)."""
    if clusters.agreement is None:
        return np.full(len(clusters.labels), np.nan, dtype=np.float32)
    return np.asarray(clusters.agreement, dtype=np.float32)


def run_label(
    papers_path: str | Path,
    embeddings_path: str | Path,
    clusters_path: str | Path,
    topics_path: str | Path,
    assignments_path: str | Path,
    *,
    llm: dict[str, Any] | None = None,
    threads: int = 1,
    **params: Any,
) -> pd.DataFrame:
    """label_topics on the files of a run; `llm` (config's labels.llm) adds the model's
    names (topics.llm), which runs on `threads` cores."""
    papers = read_table(papers_path, columns=["paper_id", "title", "abstract"])
    # The texts once, compounds split already: split_compounds gives each step the very
    # same strings back rather than copies.
    docs = [split_compounds(text) for text in paper_texts(papers)]
    paper_ids = papers["paper_id"]
    titles = papers["title"].fillna("").tolist()
    abstracts = papers["abstract"].fillna("").tolist()
    del papers
    clusters = read_clusters(clusters_path)
    topics, topic_ids, reassigned, central = label_topics(
        docs,
        read_array(embeddings_path),
        clusters.labels,
        clusters.membership,
        titles=titles,
        abstracts=abstracts,
        **params,
    )
    log.info(
        "%d outliers reassigned to topics, %d left",
        int(reassigned.sum()),
        int((topic_ids == -1).sum()),
    )
    titles_of = central_titles(titles, topic_ids, central, llm["titles"]) if llm else {}
    topics = name_topics(topics, titles_of, llm, threads)
    for row in topics.itertuples():
        log.info(
            "topic %d (%d papers): %s [%s]", row.topic_id, row.size, row.label, row.keyword_label
        )
    write_table(topics, topics_path)
    write_table(
        pd.DataFrame(
            {
                "paper_id": paper_ids,
                "topic_id": topic_ids,
                "reassigned": reassigned,
                "centrality": central,
                # The share of throws that agree with the paper's topic (topics.cluster),
                # nan for a paper they left out, reassigned or not.
                "agreement": paper_agreement(clusters),
                # Every paper of a fit is in it; topics.place marks those placed since.
                "added": np.zeros(len(paper_ids), dtype=bool),
            }
        ),
        assignments_path,
    )
    return topics
