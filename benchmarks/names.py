"""Issue 22's measures of topic and theme names on a finished run.

    PYTHONPATH=src python benchmarks/names.py RUN_DIR [--column label] [--table 30] [--seed 0]

RUN_DIR holds results/intermediate/{papers,topics,assignments,themes}.parquet. The
definitions are the issue's, written here apart from topics.names so that they do not
measure the namer by its own rules:
- fragment: a name phrase of which at least 80% of the occurrences in its topic's titles
  and abstracts (lower-cased, punctuation as spaces) have the same word right before it,
  or the same word right after it;
- repeated stem: a label whose phrases share a Porter stem;
- title-used: the name's first phrase (or the acronym it defines) occurs in at least 3 of
  the topic's titles (a final plural "s" ignored on both sides);
- unique: no two topics, nor two themes, share a label;
- theme coverage: the share of the themes' papers in topics that use the theme's name
  (one of its phrases in at least one in ten of the topic's papers);
- theme second phrases: how many theme names end in one word ("... and text"), or in a
  phrase only one small topic of the theme uses ("... and black-box attack").
A label's phrases: split at ", " and ": "; a trailing "(ACRONYM)" is its own phrase for
title use and left out of the fragment count (it is the same phrase as its expansion).
"""

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

WORD = re.compile(r"[^\W_]+")
ACRONYM = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
STEMMER = snowballstemmer.stemmer("porter")


def words(text: str) -> list[str]:
    return WORD.findall((text or "").lower())


def plain(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def phrases(label: str) -> tuple[list[str], list[str | None]]:
    """(phrases, the acronym each gives or None) of a label."""
    found, acronyms = [], []
    for part in re.split(r", |: ", label):
        match = ACRONYM.match(part)
        acronym = None
        if match:
            part, acronym = match.group(1), match.group(2)
        if part.strip():
            found.append(part.strip())
            acronyms.append(acronym)
    return found, acronyms


def occurrences(tokens: list[str | None], phrase: list[str]) -> list[int]:
    n = len(phrase)
    return [
        i
        for i in range(len(tokens) - n + 1)
        if tokens[i] == phrase[0] and tokens[i : i + n] == phrase
    ]


def is_fragment(
    tokens: list[str | None], phrase: list[str], acronym: str | None = None
) -> bool | None:
    """None where the phrase does not occur at all. The acronym a name gives for the
    phrase is no word after it ("large language models (LLMs)" is how papers define it)."""
    at = occurrences(tokens, phrase)
    if not at:
        return None
    own = {acronym.lower(), acronym.lower().rstrip("s")} if acronym else set()
    before = Counter(tokens[i - 1] for i in at if i > 0 and tokens[i - 1] is not None)
    after = Counter(
        tokens[i + len(phrase)]
        for i in at
        if i + len(phrase) < len(tokens)
        and tokens[i + len(phrase)] is not None
        and tokens[i + len(phrase)] not in own
    )
    most = max([*before.values(), *after.values(), 0])
    return most >= 0.8 * len(at)


def in_title(title: str, phrase: str) -> bool:
    tokens = [plain(w) for w in words(title)]
    target = [plain(w) for w in words(phrase)]
    return bool(target) and bool(occurrences(tokens, target))


def label_stems(phrase: str) -> set[str]:
    return {STEMMER.stemWord(w) for w in words(phrase) if w not in ENGLISH_STOP_WORDS}


def theme_phrases(label: str) -> list[str]:
    """A theme name's phrases: split at " and " (an acronym in brackets left out)."""
    return [ACRONYM.sub(r"\1", part).strip() for part in re.split(r" and |, |: ", label)]


def theme_coverage(papers: pd.DataFrame, themes: pd.DataFrame, labels: dict[int, str]) -> float:
    """The share of the themes' papers in topics whose papers use the theme's name: at
    least one in ten of the topic's papers holds one of the name's phrases (title or
    abstract, final plural "s" ignored). A name from the largest topic's words covers
    little of its theme; one that says what the topics share covers much."""
    covered = total = 0
    texts = {
        topic: [
            [plain(w) for w in words(f"{t} {a}")]
            for t, a in zip(group.title, group.abstract, strict=True)
        ]
        for topic, group in papers.groupby("topic_id")
    }
    for theme in themes.itertuples():
        targets = [[plain(w) for w in words(p)] for p in theme_phrases(labels[theme.theme_id])]
        targets = [t for t in targets if t]
        for topic in theme.topics:
            docs = texts.get(topic, [])
            total += len(docs)
            using = sum(any(occurrences(doc, t) for t in targets) for doc in docs)
            if docs and using >= 0.1 * len(docs):
                covered += len(docs)
    return covered / max(total, 1)


def theme_seconds(papers: pd.DataFrame, themes: pd.DataFrame, labels: dict[int, str]) -> dict:
    """Weak second phrases of theme names ("A and B"): B one word ("... and text"), or B
    used (one in ten papers, as theme_coverage) by only one topic of a theme of three or
    more, that topic under a fifth of its papers ("... and black-box attack")."""
    texts = {
        topic: [
            [plain(w) for w in words(f"{t} {a}")]
            for t, a in zip(group.title, group.abstract, strict=True)
        ]
        for topic, group in papers.groupby("topic_id")
    }
    one_word = one_topic = 0
    for theme in themes.itertuples():
        parts = theme_phrases(labels[theme.theme_id])
        if len(parts) < 2:
            continue
        second = [plain(w) for w in words(parts[1])]
        one_word += len(second) == 1
        using = [
            len(texts.get(t, []))
            for t in theme.topics
            if texts.get(t)
            and sum(bool(occurrences(doc, second)) for doc in texts[t]) >= 0.1 * len(texts[t])
        ]
        total = sum(len(texts.get(t, [])) for t in theme.topics)
        one_topic += len(theme.topics) >= 3 and len(using) <= 1 and sum(using) < 0.2 * total
    return {
        "theme second phrases of one word": one_word,
        "theme second phrases of one topic": one_topic,
    }


def measure(run: Path, column: str) -> tuple[pd.DataFrame, dict]:
    inter = run / "results" / "intermediate"
    papers = pd.read_parquet(inter / "papers.parquet", columns=["paper_id", "title", "abstract"])
    topics = pd.read_parquet(inter / "topics.parquet")
    assignments = pd.read_parquet(inter / "assignments.parquet")
    themes = pd.read_parquet(inter / "themes.parquet")
    papers = papers.merge(assignments[["paper_id", "topic_id", "centrality"]], on="paper_id")
    rows = []
    for topic in topics.itertuples():
        if topic.topic_id == -1:
            continue
        label = getattr(topic, column)
        members = papers[papers.topic_id == topic.topic_id]
        tokens: list[str | None] = []
        for title, abstract in zip(members.title, members.abstract, strict=True):
            tokens += [*words(title), None, *words(abstract), None]
        found, acronyms = phrases(label)
        fragments = [is_fragment(tokens, words(p), a) for p, a in zip(found, acronyms, strict=True)]
        stem_sets = [label_stems(p) for p in found]
        repeated = any(
            stem_sets[i] & stem_sets[j]
            for i in range(len(stem_sets))
            for j in range(i + 1, len(stem_sets))
        )
        first = found[0] if found else ""
        used = sum(
            in_title(t, first) or (acronyms[:1] != [None] and in_title(t, acronyms[0] or ""))
            for t in members.title
        )
        central = members.sort_values("centrality", ascending=False).title.head(3).tolist()
        rows.append(
            {
                "topic_id": topic.topic_id,
                "size": topic.size,
                "label": label,
                "phrases": len(found),
                "fragments": sum(bool(f) for f in fragments),
                "absent": sum(f is None for f in fragments),
                "repeated_stem": repeated,
                "titles_using": used,
                "central_titles": central,
            }
        )
    table = pd.DataFrame(rows)
    theme_labels = themes["label"] if column == "label" else themes.get(column, themes["label"])
    figures = {
        "topics": len(table),
        "name phrases": int(table.phrases.sum()),
        "fragments": int(table.fragments.sum()),
        "fragment share": table.fragments.sum() / max(table.phrases.sum(), 1),
        "phrases absent from their topic's texts": int(table.absent.sum()),
        "repeated-stem share": float(table.repeated_stem.mean()),
        "title-used share": float((table.titles_using >= 3).mean()),
        "duplicate topic labels": int(len(table) - table.label.nunique()),
        "themes": len(themes),
        "duplicate theme labels": int(len(themes) - theme_labels.nunique()),
        "theme coverage": theme_coverage(
            papers, themes, dict(zip(themes.theme_id, theme_labels, strict=True))
        ),
        **theme_seconds(papers, themes, dict(zip(themes.theme_id, theme_labels, strict=True))),
        "mean words per name": float(table.label.map(lambda s: len(words(s))).mean()),
    }
    return table, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--column", default="label")
    parser.add_argument("--table", type=int, default=30, help="topics drawn for the table")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--old", default="keyword_label", help="column of the old label")
    args = parser.parse_args()
    table, figures = measure(args.run, args.column)
    for key, value in figures.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    topics = pd.read_parquet(args.run / "results" / "intermediate" / "topics.parquet")
    themes = pd.read_parquet(args.run / "results" / "intermediate" / "themes.parquet")
    print("\nthemes:")
    for theme in themes.itertuples():
        topics_in = len(theme.topics)
        print(f"- {theme.theme_id}: {theme.label} ({theme.size} papers, {topics_in} topics)")
    if args.table:
        old = dict(zip(topics.topic_id, topics.get(args.old, topics.label), strict=True))
        rng = np.random.default_rng(args.seed)
        drawn = table.iloc[np.sort(rng.choice(len(table), min(args.table, len(table)), False))]
        print("\n| topic | papers | old label | name | 3 most central titles |")
        print("| --- | --- | --- | --- | --- |")
        for row in drawn.itertuples():
            titles = "; ".join(t.replace("|", "/") for t in row.central_titles)
            print(f"| {row.topic_id} | {row.size} | {old[row.topic_id]} | {row.label} | {titles} |")
    failing = table[(table.fragments > 0) | (table.titles_using < 3)]
    print(f"\ntopics with a fragment or not title-used: {len(failing)}")
    for row in failing.head(40).itertuples():
        print(f"  {row.topic_id}: {row.label!r} fragments={row.fragments}", end=" ")
        print(f"titles={row.titles_using}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
