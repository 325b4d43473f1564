"""Label topics with BERTopic, fitted on the clusters the pipeline already computed.

BERTopic gets the embeddings and the HDBSCAN labels as they are (an identity reducer and
BaseCluster), so it never re-embeds, re-reduces or re-clusters; it contributes the
c-TF-IDF keywords. Topic ids are BERTopic's: 0 is the largest topic, -1 the outliers.
"""

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger("topics")

OUTLIER_LABEL = "outliers (no clear topic)"
TOPIC_COLUMNS = ["topic_id", "label", "size", "keywords", "scores"]


def split_compounds(text: str) -> str:
    """Split hyphenated and slashed words, which BERTopic would otherwise glue together
    ("self-supervised" would become the non-word "selfsupervised")."""
    return re.sub(r"(?<=\w)[-/](?=\w)", " ", text)


def readable_label(keywords: Sequence[str], n_terms: int = 3) -> str:
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


def unique_labels(keyword_lists: Sequence[Sequence[str]], n_terms: int = 3) -> list[str]:
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


def fit_bertopic(docs: Sequence[str], embeddings: np.ndarray, clusters: np.ndarray,
                 vectorizer: dict[str, Any], top_n_words: int = 10,
                 reduce_frequent_words: bool = True) -> Any:
    """Fit BERTopic on precomputed embeddings and cluster labels; return the fitted model."""
    from topics.imports import import_bertopic

    import_bertopic()  # without torch, UMAP and hdbscan, which labelling never uses
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = dict(vectorizer)
    if "ngram_range" in vectorizer:
        vectorizer["ngram_range"] = tuple(vectorizer["ngram_range"])
    model = BERTopic(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=CountVectorizer(**vectorizer),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words),
        top_n_words=top_n_words,
        calculate_probabilities=False,
    )
    model.fit([split_compounds(doc) for doc in docs], embeddings=embeddings, y=np.asarray(clusters))
    return model


def topic_table(model: Any, topic_ids: np.ndarray) -> pd.DataFrame:
    """One row per topic: id, readable label, size, keywords and their c-TF-IDF scores."""
    ids = sorted(set(topic_ids.tolist()))
    keywords = [[word for word, _ in model.get_topic(i)] for i in ids]
    scores = [[float(score) for _, score in model.get_topic(i)] for i in ids]
    labels = unique_labels([kw for i, kw in zip(ids, keywords, strict=True) if i != -1])
    labels_by_id = dict(zip([i for i in ids if i != -1], labels, strict=True))
    sizes = np.bincount(topic_ids + 1)
    return pd.DataFrame({
        "topic_id": ids,
        "label": [labels_by_id.get(i, OUTLIER_LABEL) for i in ids],
        "size": [int(sizes[i + 1]) for i in ids],
        "keywords": keywords,
        "scores": scores,
    }, columns=TOPIC_COLUMNS)


def centrality(embeddings: np.ndarray, topic_ids: np.ndarray) -> np.ndarray:
    """Cosine similarity of each paper to its topic's mean embedding: 1 is the topic's heart.

    Outliers are measured against the mean of all outliers, which orders that list too.
    """
    scores = np.empty(len(topic_ids), dtype=np.float32)
    for topic in np.unique(topic_ids):
        members = topic_ids == topic
        centre = embeddings[members].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        norms = np.linalg.norm(embeddings[members], axis=1)
        scores[members] = embeddings[members] @ centre / np.where(norms == 0, 1.0, norms)
    return scores


def label_topics(docs: Sequence[str], embeddings: np.ndarray, clusters: np.ndarray,
                 **params: Any) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Topics table, each paper's topic id and its centrality, from precomputed clusters."""
    if (np.asarray(clusters) == -1).all():
        # BERTopic needs at least one topic; a corpus with none is all outliers.
        topic_ids = np.full(len(docs), -1, dtype=np.int64)
        topics = pd.DataFrame({"topic_id": [-1], "label": [OUTLIER_LABEL], "size": [len(docs)],
                               "keywords": [[]], "scores": [[]]}, columns=TOPIC_COLUMNS)
        return topics, topic_ids, centrality(embeddings, topic_ids)
    model = fit_bertopic(docs, embeddings, clusters, **params)
    topic_ids = np.asarray(model.topics_, dtype=np.int64)
    return topic_table(model, topic_ids), topic_ids, centrality(embeddings, topic_ids)


def run_label(papers_path: str | Path, embeddings_path: str | Path, clusters_path: str | Path,
              topics_path: str | Path, assignments_path: str | Path, **params: Any) -> pd.DataFrame:
    from topics.embed import paper_texts

    papers = pd.read_parquet(papers_path)
    embeddings = np.load(embeddings_path)
    with np.load(clusters_path) as data:
        clusters = data["labels"]
    topics, topic_ids, central = label_topics(paper_texts(papers), embeddings, clusters, **params)
    for row in topics.itertuples():
        log.info("topic %d (%d papers): %s", row.topic_id, row.size, row.label)
    topics.to_parquet(topics_path, index=False)
    pd.DataFrame({"paper_id": papers["paper_id"], "topic_id": topic_ids,
                  "centrality": central}).to_parquet(assignments_path, index=False)
    return topics
