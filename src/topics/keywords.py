"""Each topic's keywords: chosen from BERTopic's c-TF-IDF candidates so that they read as
one theme (they occur together) and set the topic apart (other topics do not use them).

Configured by config.yaml's `keywords` section; used by topics.label.
"""

import re
from collections.abc import Sequence
from typing import Any

import numpy as np


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


def select_keywords(
    candidates: Sequence[str],
    presence: np.ndarray,
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
        keywords[topic] = select_keywords(
            candidates,
            presence,
            used,
            n=n,
            coherence_weight=coherence_weight,
            reuse_penalty=reuse_penalty,
        )
        used += keywords[topic]
    return keywords


def count_vectorizer(vectorizer: dict[str, Any], **overrides: Any) -> Any:
    """scikit-learn's CountVectorizer from config.yaml's vectorizer section (YAML gives
    ngram_range as a list; scikit-learn wants a tuple), with `overrides` on top."""
    from sklearn.feature_extraction.text import CountVectorizer

    arguments = {**vectorizer, **overrides}
    if "ngram_range" in arguments:
        arguments["ngram_range"] = tuple(arguments["ngram_range"])
    return CountVectorizer(**arguments)
