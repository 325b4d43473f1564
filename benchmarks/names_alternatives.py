"""Topic names on a finished run by the alternatives issue 22 asks to measure.

    PYTHONPATH=src python benchmarks/names_alternatives.py RUN_DIR [--embed]

Each alternative names every topic of RUN_DIR/results/intermediate from the same
candidate phrases (topics.names.find_phrases) and is measured by benchmarks/names.py's
definitions (fragments, title use, duplicates) and, with --embed, by how well the name
identifies its topic: the share of topics whose name, embedded with the bundled model,
is nearer (cosine) to its own topic's centroid than to any other topic's (and the
median rank of its own topic). --embed also tries KeyBERT-style choice: among each
topic's best few statistical candidates, the one nearest the topic's centroid.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import names as measure

from topics import names as N

VARIANTS = {
    # name: module constants set for it
    "chosen: coverage x precision^0.5 x length, central-weighted": {},
    "precision^1 (c-TF-IDF-like distinctiveness)": {"PRECISION_POWER": 1.0},
    "precision^0 (most used phrase)": {"PRECISION_POWER": 0.0},
    "length bonus 0.5": {"LENGTH_BONUS": 0.5},
    "no length bonus": {"LENGTH_BONUS": 0.0},
    "modifiers allowed (no head rule)": {"MIN_HEAD_SHARE": 0.0},
    "no centrality weighting": {"CENTRAL_WEIGHT": 1.0},
    "titles only (no abstract coverage)": {"TITLE_SHARE": 1.0},
    "no fragment filter": {"FRAGMENT_SHARE": 1.01},
}


def names_with(settings, titles, abstracts, topic_ids, centrality, phrases):
    saved = {key: getattr(N, key) for key in settings}
    try:
        for key, value in settings.items():
            setattr(N, key, value)
        return N.topic_names(titles, abstracts, topic_ids, centrality, phrases=phrases)
    finally:
        for key, value in saved.items():
            setattr(N, key, value)


THEME_VARIANTS = {
    "chosen: topics covered x precision x length, two phrases": {},
    "precision^0.5": {"THEME_PRECISION_POWER": 0.5},
    "precision^0 (coverage alone)": {"THEME_PRECISION_POWER": 0.0},
    "no length bonus": {"THEME_LENGTH_BONUS": 0.0},
}


def theme_names_with(settings, titles, abstracts, topic_ids, theme_of_topic, phrases):
    saved = {key: getattr(N, key) for key in settings}
    try:
        for key, value in settings.items():
            setattr(N, key, value)
        return N.theme_names(titles, abstracts, topic_ids, theme_of_topic, phrases=phrases)
    finally:
        for key, value in saved.items():
            setattr(N, key, value)


def keybert_names(titles, abstracts, topic_ids, centrality, phrases, centroids, encode, n=5):
    """Among each topic's n best statistical candidates, the one nearest its centroid."""
    ids = np.asarray(topic_ids)
    real = np.array(sorted(set(ids.tolist()) - {-1}))
    index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
    weights = N.central_weights(index, centrality)
    score, held = N.topic_scores(phrases, index, len(real), weights)
    names, seconds, shown = {}, {}, {}
    for row, topic in enumerate(real):
        members = np.flatnonzero(index == row)
        context = N.Context(t for i in members for t in (titles[i], abstracts[i]))
        columns = N.best_phrases(phrases, score, held, context, row, n)
        shown[int(topic)] = [N.display(phrases, c) for c in columns]
    every = sorted({s for options in shown.values() for s in options})
    start = time.perf_counter()
    vectors = dict(zip(every, encode(every), strict=True)) if every else {}
    seconds_taken = time.perf_counter() - start
    for topic, options in shown.items():
        if not options:
            names[topic] = f"topic {topic}"
            seconds[topic] = []
            continue
        similarity = [float(vectors[o] @ centroids[topic]) for o in options]
        order = np.argsort(similarity)[::-1]
        names[topic] = options[order[0]]
        seconds[topic] = [options[i] for i in order[1:]]
    return N.distinguish(names, seconds), seconds_taken, len(every)


def identification(labels: dict[int, str], centroids: dict[int, np.ndarray], encode):
    topics = sorted(labels)
    vectors = encode([labels[t] for t in topics])
    matrix = np.stack([centroids[t] for t in topics])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    similarity = vectors @ matrix.T
    own = similarity[np.arange(len(topics)), np.arange(len(topics))]
    ranks = (similarity > own[:, None]).sum(axis=1) + 1
    return float((ranks == 1).mean()), float(np.median(ranks))


def figures_of(labels, run, tmp):
    topics = pd.read_parquet(run / "results/intermediate/topics.parquet")
    topics["label"] = [
        labels.get(t, label) for t, label in zip(topics.topic_id, topics.label, strict=True)
    ]
    out = tmp / "results" / "intermediate"
    out.mkdir(parents=True, exist_ok=True)
    topics.to_parquet(out / "topics.parquet")
    for name in ["papers", "assignments", "themes"]:
        target = out / f"{name}.parquet"
        if not target.exists():
            target.symlink_to((run / f"results/intermediate/{name}.parquet").resolve())
    return measure.measure(tmp, "label")[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--embed", action="store_true")
    parser.add_argument("--tmp", type=Path, default=Path("/tmp/names-alternatives"))
    args = parser.parse_args()
    inter = args.run / "results" / "intermediate"
    papers = pd.read_parquet(inter / "papers.parquet", columns=["paper_id", "title", "abstract"])
    assignments = pd.read_parquet(inter / "assignments.parquet")
    topics = pd.read_parquet(inter / "topics.parquet")
    titles, abstracts = papers.title.tolist(), papers.abstract.fillna("").tolist()
    ids, central = assignments.topic_id.to_numpy(), assignments.centrality.to_numpy()
    start = time.perf_counter()
    phrases = N.find_phrases(titles, abstracts)
    print(f"candidate phrases: {len(phrases.keys)} in {time.perf_counter() - start:.1f} s")
    old = "keyword_label" if "keyword_label" in topics else "label"
    results = {"old keyword label": dict(zip(topics.topic_id, topics[old], strict=True))}
    for name, settings in VARIANTS.items():
        start = time.perf_counter()
        results[name] = names_with(settings, titles, abstracts, ids, central, phrases)
        print(f"{name}: {time.perf_counter() - start:.1f} s")
    centroids = {
        int(t): np.asarray(c, dtype=np.float64) / np.linalg.norm(c)
        for t, c in zip(topics.topic_id, topics.centroid, strict=True)
        if t != -1
    }
    if args.embed:
        from topics.embed import load_model

        start = time.perf_counter()
        model = load_model("all-MiniLM-L6-v2", "cpu")
        print(f"model loaded in {time.perf_counter() - start:.1f} s")

        def encode(texts):
            return model.encode(list(texts), batch_size=64, normalize_embeddings=True)

        kb, taken, n = keybert_names(titles, abstracts, ids, central, phrases, centroids, encode)
        print(f"KeyBERT-style: {n} candidate phrases embedded in {taken:.1f} s")
        results["KeyBERT-style: nearest the centroid of the 5 best"] = kb
    print()
    header = "| alternative | fragments | title-used | duplicates | words |"
    if args.embed:
        header += " own topic nearest | median rank |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for name, labels in results.items():
        labels = {t: label for t, label in labels.items() if t != -1}
        figures = figures_of(labels, args.run, args.tmp / str(abs(hash(name))))
        row = (
            f"| {name} | {figures['fragment share']:.1%} | {figures['title-used share']:.1%} "
            f"| {figures['duplicate topic labels']} | {figures['mean words per name']:.1f} |"
        )
        if args.embed:
            top1, rank = identification(labels, centroids, encode)
            row += f" {top1:.1%} | {rank:.0f} |"
        print(row)
    themes = pd.read_parquet(inter / "themes.parquet")
    theme_of_topic = {int(t): int(row.theme_id) for row in themes.itertuples() for t in row.topics}
    old_theme = "keyword_label" if "keyword_label" in themes else "label"
    topic_label = dict(zip(topics.topic_id, topics.label, strict=True))
    theme_results = {
        "old keyword label": dict(zip(themes.theme_id, themes[old_theme], strict=True)),
        "largest topic's name": {
            int(row.theme_id): topic_label[row.topics[0]] for row in themes.itertuples()
        },
    }
    for name, settings in THEME_VARIANTS.items():
        theme_results[name] = theme_names_with(
            settings, titles, abstracts, ids, theme_of_topic, phrases
        )
    with_topics = papers.assign(topic_id=ids)
    sizes = topics.set_index("topic_id")["size"]
    theme_centres = {}
    for row in themes.itertuples():
        centre = sum(centroids[t] * sizes[t] for t in row.topics)
        theme_centres[int(row.theme_id)] = centre / np.linalg.norm(centre)
    print()
    header = "| theme names | theme coverage | duplicates |"
    if args.embed:
        header += " own theme nearest |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for name, labels in theme_results.items():
        coverage = measure.theme_coverage(with_topics, themes, labels)
        duplicates = len(labels) - len(set(labels.values()))
        row = f"| {name} | {coverage:.1%} | {duplicates} |"
        if args.embed:
            row += f" {identification(labels, theme_centres, encode)[0]:.1%} |"
        print(row)
        print("  " + "; ".join(labels[t] for t in sorted(labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
