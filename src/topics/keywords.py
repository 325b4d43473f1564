"""Each topic's keywords: chosen from BERTopic's c-TF-IDF candidates so that they read as
one theme (they occur together) and set the topic apart (other topics do not use them).

Configured by config.yaml's `keywords` section; used by topics.label.
"""

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

# Papers whose windows are counted at a time (see term_presence).
PAPERS_PER_BLOCK = 5000
# What BERTopic drops from each text before counting terms (see bertopic_text).
NOT_KEPT_BY_BERTOPIC = re.compile(r"[^A-Za-z0-9 ]+")
# Fewest papers a term must occur in to be a keyword candidate (fewer on a corpus under
# 200 papers): see keyword_vocabulary.
MIN_KEYWORD_PAPERS = 2


def split_compounds(text: str) -> str:
    """Split hyphenated and slashed words, which BERTopic would otherwise glue together
    ("self-supervised" would become the non-word "selfsupervised")."""
    return re.sub(r"(?<=\w)[-/](?=\w)", " ", text)


def fold(phrase: str) -> str:
    """A phrase with each word's plural folded: "vision transformers" -> "vision transformer"."""
    return " ".join(
        word[:-1]
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
        else word
        for word in phrase.split()
    )


def doc_npmi(presence: Any) -> np.ndarray:
    """Normalised PMI of every pair of columns of a boolean texts x terms matrix (-1..1),
    dense or scipy sparse (the windows of a large corpus number millions)."""
    n = max(presence.shape[0], 1)
    counts = presence.astype(np.float64)
    joint = counts.T @ counts
    joint = (joint.toarray() if sparse.issparse(joint) else np.asarray(joint)) / n
    single = np.asarray(counts.sum(axis=0)).ravel() / n
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(joint / np.outer(single, single))
        npmi = pmi / -np.log(joint)
    npmi[joint == 0] = -1.0
    npmi[joint >= 1] = 1.0
    return np.nan_to_num(npmi, nan=0.0)


def select_keywords(
    candidates: Sequence[str],
    presence: Any,
    used: Sequence[str],
    *,
    n: int,
    coherence_weight: float,
    reuse_penalty: float,
) -> list[str]:
    """Pick n keywords from c-TF-IDF-ranked candidates that read as one theme.

    Greedy: each step takes the candidate with the best rank score (1 for the first, falling
    linearly) plus coherence_weight x its mean NPMI (co-occurrence in the same rows) with
    the keywords already chosen, minus reuse_penalty for each of its words another topic
    already uses. Plural variants of a chosen keyword ("transformers" after "transformer")
    and keywords whose words a chosen phrase already holds are skipped.
    presence: texts (papers or word windows) x candidates, True where the text holds it
    (dense or scipy sparse).
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
        windows += [
            " ".join(words[start : start + window])
            for start in range(0, max(len(words) - window, 0) + 1, step)
        ]
    return windows


def term_presence(counter: Any, docs: Sequence[str], window: int | None) -> Any:
    """Texts (windows, see cooccurrence_windows) x the counter's terms, True where the
    text holds the term: sparse, column-indexable, built a block of papers at a time.

    A large corpus has millions of windows; their strings and a count matrix over the
    whole vocabulary would take gigabytes, where counting only the candidate terms, in
    blocks, keeps to a small sparse matrix.
    """
    blocks = [
        counter.transform(
            cooccurrence_windows(docs[start : start + PAPERS_PER_BLOCK], window)
        ).astype(bool)
        for start in range(0, len(docs), PAPERS_PER_BLOCK)
    ]
    # Stacked as rows (csr blocks join without a copy per entry), then turned into columns.
    return sparse.vstack(blocks, format="csr").tocsc()


def topic_keywords(
    model: Any,
    docs: Sequence[str],
    *,
    n: int,
    coherence_weight: float,
    reuse_penalty: float,
    window: int | None,
) -> dict[int, list[str]]:
    """Each topic's n keywords, chosen from BERTopic's c-TF-IDF candidates by select_keywords,
    with co-occurrence counted in windows of `window` words (None: whole papers).

    Topics are served largest first, so a word shared by two themes stays with the bigger one.
    """
    from sklearn.base import clone

    vocabulary = model.vectorizer_model.vocabulary_
    candidates = {
        topic: [word for word, _ in model.get_topic(topic) if word in vocabulary]
        for topic in sorted(model.get_topics())
    }
    terms = sorted({word for topic, words in candidates.items() if topic != -1 for word in words})
    # The topic model's own analyser (tokens, stop words, n-grams), counting just these terms.
    counter = clone(model.vectorizer_model).set_params(
        vocabulary=terms, binary=True, min_df=1, max_df=1.0, max_features=None
    )
    presence = term_presence(counter, docs, window) if terms else sparse.csc_matrix((0, 0))
    column = {term: index for index, term in enumerate(terms)}
    keywords: dict[int, list[str]] = {}
    used: list[str] = []
    for topic, words in candidates.items():
        if topic == -1:
            keywords[topic] = words[:n]
            continue
        keywords[topic] = select_keywords(
            words,
            presence[:, [column[word] for word in words]],
            used,
            n=n,
            coherence_weight=coherence_weight,
            reuse_penalty=reuse_penalty,
        )
        used += keywords[topic]
    return keywords


def bertopic_text(text: str) -> str:
    """A text as BERTopic's c-TF-IDF sees it (BERTopic._preprocess_text for English, checked
    with bertopic 0.17.4 by tests/test_label_quality.py): tabs and newlines are spaces, and
    every character but ASCII letters, digits and spaces is dropped ("naïve" -> "nave")."""
    cleaned = NOT_KEPT_BY_BERTOPIC.sub("", text.replace("\n", " ").replace("\t", " "))
    return cleaned or "emptydoc"


def keyword_vocabulary(
    docs: Sequence[str], clusters: np.ndarray, vectorizer: dict[str, Any]
) -> list[str]:
    """The terms BERTopic's c-TF-IDF ranks: those of config's vectorizer, in the texts as
    BERTopic cleans them (every term it counts must occur), that occur in at least
    MIN_KEYWORD_PAPERS papers and in at least vectorizer.min_df topics (-1 counting
    as one, as BERTopic counts it).

    A term of a single paper cannot describe a topic, and such terms are most of the
    vocabulary. BERTopic's vectorizer would hold every one of them, most of labelling's
    peak memory. Papers are counted a block at a time, each term once in a dict: one
    vectorizer over the whole corpus would hold them all again for this count alone.
    """
    min_papers = min(MIN_KEYWORD_PAPERS, max(1, len(docs) // 100))
    analyser = without_min_df(vectorizer)
    papers_with: dict[str, int] = {}
    for start in range(0, len(docs), PAPERS_PER_BLOCK):
        counter = count_vectorizer(analyser, binary=True)
        try:
            held = counter.fit_transform(
                [bertopic_text(doc) for doc in docs[start : start + PAPERS_PER_BLOCK]]
            )
        except ValueError:  # a block with nothing but stop words
            continue
        block_counts = np.asarray(held.sum(axis=0)).ravel().tolist()
        for term, count in zip(counter.get_feature_names_out().tolist(), block_counts, strict=True):
            papers_with[term] = papers_with.get(term, 0) + count
    terms = sorted(term for term, count in papers_with.items() if count >= min_papers)
    del papers_with
    min_topics = vectorizer.get("min_df", 1)
    if min_topics <= 1 or not terms:  # every term of a paper is in its topic (or -1)
        return terms
    topics, row = np.unique(np.asarray(clusters), return_inverse=True)
    counter = count_vectorizer(analyser, binary=True, vocabulary=terms)
    topic_terms = sparse.csr_matrix((len(topics), len(terms)), dtype=bool)
    for start in range(0, len(docs), PAPERS_PER_BLOCK):
        block = row[start : start + PAPERS_PER_BLOCK]
        membership = sparse.csr_matrix(
            (np.ones(len(block)), (block, np.arange(len(block)))), shape=(len(topics), len(block))
        )
        held = counter.transform(
            [bertopic_text(doc) for doc in docs[start : start + PAPERS_PER_BLOCK]]
        )
        topic_terms = topic_terms + ((membership @ held) > 0)
    topics_holding = np.asarray(topic_terms.sum(axis=0)).ravel()
    return [term for term, n in zip(terms, topics_holding, strict=True) if n >= min_topics]


def without_min_df(vectorizer: dict[str, Any]) -> dict[str, Any]:
    """Config's vectorizer section as an analyser: which terms, not how often."""
    return {key: value for key, value in vectorizer.items() if key != "min_df"}


def topic_vectorizer(docs: Sequence[str], clusters: np.ndarray, vectorizer: dict[str, Any]) -> Any:
    """The CountVectorizer BERTopic's c-TF-IDF counts with: config's vectorizer section,
    with the vocabulary of keyword_vocabulary (scikit-learn then ignores min_df, which that
    applied), which keeps labelling's memory low at scale."""
    return count_vectorizer(
        without_min_df(vectorizer), vocabulary=keyword_vocabulary(docs, clusters, vectorizer)
    )


def count_vectorizer(vectorizer: dict[str, Any], **overrides: Any) -> Any:
    """scikit-learn's CountVectorizer from config.yaml's vectorizer section (YAML gives
    ngram_range as a list; scikit-learn wants a tuple), with `overrides` on top."""
    from sklearn.feature_extraction.text import CountVectorizer

    arguments = {**vectorizer, **overrides}
    if "ngram_range" in arguments:
        arguments["ngram_range"] = tuple(arguments["ngram_range"])
    return CountVectorizer(**arguments)
