"""Label topics with BERTopic, fitted on the clusters the pipeline already computed.

BERTopic gets the embeddings and the HDBSCAN labels as they are (an identity reducer and
BaseCluster), so it never re-embeds, re-reduces or re-clusters; it contributes the
c-TF-IDF keyword candidates, from which select_keywords keeps those that occur together
(coherent) and that other topics do not use (distinct), and reduce_outliers, which moves
outliers into their closest topic. Topic ids are BERTopic's: 0 is the largest topic (by
its HDBSCAN core), -1 the outliers.

KeyBERTInspired and MaximalMarginalRelevance were tried on the seed corpus and not kept:
both need the embedding model in this job, took 20-70 s per fit on 2 cores, and lowered
NPMI and diversity (KeyBERTInspired: diversity 0.58, its keywords the generic "cnns",
"neural networks" of a corpus that is all deep learning).
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
# c-TF-IDF keywords per topic that select_keywords chooses from.
N_CANDIDATES = 30
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


def fold(phrase: str) -> str:
    """A phrase with each word's plural folded: "vision transformers" -> "vision transformer"."""
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s")
                    and not word.endswith(("ss", "us", "is")) else word
                    for word in phrase.split())


def doc_npmi(presence: np.ndarray) -> np.ndarray:
    """Normalised PMI of every pair of columns of a boolean docs x terms matrix (-1..1)."""
    n = max(len(presence), 1)
    counts = presence.astype(np.float64)
    joint = (counts.T @ counts) / n
    single = counts.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(joint / np.outer(single, single))
        npmi = pmi / -np.log(joint)
    npmi[joint == 0] = -1.0
    npmi[joint >= 1] = 1.0
    return np.nan_to_num(npmi, nan=0.0)


def select_keywords(candidates: Sequence[str], presence: np.ndarray, used: Sequence[str] = (),
                    n: int = 10, coherence_weight: float = 3.0,
                    reuse_penalty: float = 1.0) -> list[str]:
    """Pick n keywords from c-TF-IDF-ranked candidates that read as one theme.

    Greedy: each step takes the candidate with the best rank score (1 for the first, falling
    linearly) plus coherence_weight x its mean NPMI (co-occurrence in the same rows) with
    the keywords already chosen, minus reuse_penalty for each of its words another topic
    already uses. Plural variants of a chosen keyword ("transformers" after "transformer")
    and keywords whose words a chosen phrase already holds are skipped.
    presence: texts (papers or word windows) x candidates, True where the text holds it.
    """
    npmi = doc_npmi(presence)
    used_words = {fold(word) for phrase in used for word in phrase.split()}
    rank = 1.0 - np.arange(len(candidates)) / max(len(candidates), 1)
    chosen: list[int] = []
    for _ in range(min(n, len(candidates))):
        best, best_score = None, -np.inf
        folded_chosen = [fold(candidates[i]) for i in chosen]
        chosen_words = {w for phrase in folded_chosen for w in phrase.split()}
        for index, candidate in enumerate(candidates):
            folded = fold(candidate)
            if index in chosen or folded in folded_chosen or not candidate.strip():
                continue
            words = set(folded.split())
            if words <= chosen_words:
                continue
            score = rank[index] - reuse_penalty * len(words & used_words)
            if chosen:
                score += coherence_weight * float(npmi[index, chosen].mean())
            if score > best_score:
                best, best_score = index, score
        if best is None:
            break
        chosen.append(best)
    return [candidates[i] for i in chosen]


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


def cooccurrence_windows(docs: Sequence[str], window: int | None) -> list[str]:
    """The texts co-occurrence is counted in: each paper whole (window None), or its
    stop-word-free words in windows of `window` words, one every window // 3 words; a
    window is what coherence measures such as NPMI count co-occurrence in."""
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [split_compounds(doc) for doc in docs]
    if window is None:
        return texts
    analyse = CountVectorizer(stop_words="english").build_analyzer()
    step = max(1, window // 3)
    windows = []
    for text in texts:
        words = analyse(text)
        windows += [" ".join(words[start:start + window])
                    for start in range(0, max(len(words) - window, 0) + 1, step)]
    return windows


def topic_keywords(model: Any, docs: Sequence[str], n: int = 10, coherence_weight: float = 3.0,
                   reuse_penalty: float = 1.0, window: int | None = 10) -> dict[int, list[str]]:
    """Each topic's n keywords, chosen from BERTopic's c-TF-IDF candidates by select_keywords,
    with co-occurrence counted in windows of `window` words (None: whole papers).

    Topics are served largest first, so a word shared by two themes stays with the bigger one.
    """
    vocabulary = model.vectorizer_model.vocabulary_
    counts = model.vectorizer_model.transform(cooccurrence_windows(docs, window)).tocsc()
    keywords: dict[int, list[str]] = {}
    used: list[str] = []
    for topic in sorted(model.get_topics()):
        candidates = [word for word, _ in model.get_topic(topic) if word in vocabulary]
        if topic == -1:
            keywords[topic] = candidates[:n]
            continue
        presence = (counts[:, [vocabulary[word] for word in candidates]] > 0).toarray()
        keywords[topic] = select_keywords(candidates, presence, used, n=n,
                                          coherence_weight=coherence_weight,
                                          reuse_penalty=reuse_penalty)
        used += keywords[topic]
    return keywords


def keyword_scores(model: Any, keywords: dict[int, list[str]]) -> dict[int, list[float]]:
    """Each chosen keyword's c-TF-IDF score in its topic (what the top-terms view plots)."""
    scores = {}
    for topic, words in keywords.items():
        ctfidf = dict(model.get_topic(topic) or [])
        scores[topic] = [float(ctfidf.get(word, 0.0)) for word in words]
    return scores


def topic_table(keywords: dict[int, list[str]], topic_ids: np.ndarray,
                n_label_terms: int = 3,
                scores: dict[int, list[float]] | None = None) -> pd.DataFrame:
    """One row per topic with papers: id, readable label, size, keywords and their scores."""
    scores = scores or {}
    ids = sorted(set(topic_ids.tolist()))
    labels = unique_labels([keywords[i] for i in ids if i != -1], n_label_terms)
    labels_by_id = dict(zip([i for i in ids if i != -1], labels, strict=True))
    sizes = np.bincount(topic_ids + 1)
    return pd.DataFrame({
        "topic_id": ids,
        "label": [labels_by_id.get(i, OUTLIER_LABEL) for i in ids],
        "size": [int(sizes[i + 1]) for i in ids],
        "keywords": [keywords.get(i, []) for i in ids],
        "scores": [scores.get(i, []) for i in ids],
    }, columns=TOPIC_COLUMNS)


def reassign_outliers(model: Any, docs: Sequence[str], topic_ids: np.ndarray,
                      embeddings: np.ndarray, clusters: np.ndarray,
                      membership: np.ndarray | None, strategy: str = "keep",
                      threshold: float = 0.0) -> np.ndarray:
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
    new = model.reduce_outliers([split_compounds(doc) for doc in docs], topic_ids.tolist(),
                                strategy=strategy, threshold=threshold,
                                embeddings=embeddings, probabilities=probabilities)
    return np.asarray(new, dtype=np.int64)


def centrality(embeddings: np.ndarray, topic_ids: np.ndarray) -> np.ndarray:
    """Cosine similarity of each paper to its topic's mean embedding: 1 is the topic's heart.

    Outliers are measured against the mean of all outliers, which orders that list too.
    """
    from topics.centroids import topic_centroids

    ids = np.unique(topic_ids)
    centres = topic_centroids(embeddings, topic_ids, ids.tolist())[np.searchsorted(ids, topic_ids)]
    norms = np.linalg.norm(embeddings, axis=1)
    return ((embeddings * centres).sum(axis=1) / np.where(norms == 0, 1.0, norms)).astype(
        np.float32)


def label_topics(docs: Sequence[str], embeddings: np.ndarray, clusters: np.ndarray,
                 vectorizer: dict[str, Any], bertopic: dict[str, Any],
                 keywords: dict[str, Any] | None = None, outliers: dict[str, Any] | None = None,
                 membership: np.ndarray | None = None,
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Topics table, each paper's topic id, whether it was a reassigned outlier, centrality.

    Keywords come from the HDBSCAN clusters (the papers that define each theme); outliers
    are reassigned afterwards and change the topics' sizes, not their keywords.
    """
    keywords = keywords or {}
    outliers = outliers or {"strategy": "keep"}
    if (np.asarray(clusters) == -1).all():
        # BERTopic needs at least one topic; a corpus with none is all outliers.
        topic_ids = np.full(len(docs), -1, dtype=np.int64)
        topics = pd.DataFrame({"topic_id": [-1], "label": [OUTLIER_LABEL], "size": [len(docs)],
                               "keywords": [[]], "scores": [[]]}, columns=TOPIC_COLUMNS)
        return (topics, topic_ids, np.zeros(len(docs), dtype=bool),
                centrality(embeddings, topic_ids))
    top_n_words = bertopic.get("top_n_words", 10)
    model = fit_bertopic(docs, embeddings, clusters, vectorizer,
                         top_n_words=max(top_n_words, N_CANDIDATES),
                         reduce_frequent_words=bertopic.get("reduce_frequent_words", True))
    core_ids = np.asarray(model.topics_, dtype=np.int64)
    words = topic_keywords(model, docs, n=top_n_words, **keywords)
    topic_ids = reassign_outliers(model, docs, core_ids, embeddings, np.asarray(clusters),
                                  membership, **outliers)
    reassigned = (core_ids == -1) & (topic_ids != -1)
    topics = topic_table(words, topic_ids, scores=keyword_scores(model, words))
    return topics, topic_ids, reassigned, centrality(embeddings, topic_ids)


def run_label(papers_path: str | Path, embeddings_path: str | Path, clusters_path: str | Path,
              topics_path: str | Path, assignments_path: str | Path, **params: Any) -> pd.DataFrame:
    from topics.embed import paper_texts

    papers = pd.read_parquet(papers_path)
    embeddings = np.load(embeddings_path)
    with np.load(clusters_path) as data:
        clusters = data["labels"]
        membership = data.get("membership")
    topics, topic_ids, reassigned, central = label_topics(
        paper_texts(papers), embeddings, clusters, membership=membership, **params)
    log.info("%d outliers reassigned to topics, %d left", int(reassigned.sum()),
             int((topic_ids == -1).sum()))
    for row in topics.itertuples():
        log.info("topic %d (%d papers): %s", row.topic_id, row.size, row.label)
    topics.to_parquet(topics_path, index=False)
    pd.DataFrame({"paper_id": papers["paper_id"], "topic_id": topic_ids,
                  "reassigned": reassigned, "centrality": central}).to_parquet(
        assignments_path, index=False)
    return topics
