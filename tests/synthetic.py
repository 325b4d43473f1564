"""A small synthetic corpus for the figure and page tests: no pipeline run needed."""

import numpy as np
import pandas as pd

from topics.tables import LIST_SEPARATOR

EVIL_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> Evil & "quoted" paper'
WORDS = ["graph", "neural", "vision", "robust", "sparse", "kernel", "language", "audio",
         "diffusion", "contrast", "signal", "policy"]


def synthetic_corpus(n_papers: int = 60, n_topics: int = 3, seed: int = 0):
    """(papers, topics, embeddings): papers.csv-shaped frame, topics with scores, vectors.

    Topic t's papers sit around their own point on the map and share keyword WORDS[t];
    a few papers are outliers (-1); "zebra" appears in every 7th paper's abstract and
    one paper's title (row 4, alone at (9, 9)) carries HTML and a script; that paper is
    also the one reassigned outlier.
    """
    rng = np.random.default_rng(seed)
    topic_ids = np.array([-1 if i % 10 == 9 else i % n_topics for i in range(n_papers)])
    centres = {t: np.array([np.cos(2 * np.pi * t / n_topics), np.sin(2 * np.pi * t / n_topics)])
               * 5 for t in range(n_topics)}
    rows = []
    for i, topic in enumerate(topic_ids):
        word = WORDS[int(topic) % len(WORDS)] if topic != -1 else "misc"
        xy = (centres[int(topic)] if topic != -1 else np.zeros(2)) + rng.normal(0, 1, 2)
        title = EVIL_TITLE if i == 4 else f"Paper {i} on {word} methods"
        if i == 4:
            xy = np.array([9.0, 9.0])  # alone in a corner, so hovering there finds only it
        abstract = (f"We study {word} models in setting {i}. "
                    + ("A zebra appears here. " if i % 7 == 0 else "")
                    + "Results improve on baselines. " * 3)
        rows.append({"paper_id": f"p{i:04d}", "title": title, "topic_id": int(topic),
                     "topic_label": "outliers (no clear topic)" if topic == -1
                     else f"{word} methods, {word}",
                     "reassigned": i == 4,
                     "x": round(float(xy[0]), 4), "y": round(float(xy[1]), 4),
                     "sources": "a.txt; b.txt" if i % 5 == 0 else ("a.txt" if i % 2 else "b.txt"),
                     "centrality": round(float(rng.uniform(0.5, 1)), 4), "abstract": abstract})
    papers = pd.DataFrame(rows)
    ids = sorted(set(topic_ids.tolist()))
    sizes = papers["topic_id"].value_counts()
    topics = pd.DataFrame({
        "topic_id": ids,
        "label": ["outliers (no clear topic)" if t == -1 else f"{WORDS[t]} methods, {WORDS[t]}"
                  for t in ids],
        "size": [int(sizes[t]) for t in ids],
        "share": [round(int(sizes[t]) / n_papers, 4) for t in ids],
        "keywords": [[] if t == -1 else [WORDS[t], "methods", f"{WORDS[t]} methods"] for t in ids],
        "scores": [[] if t == -1 else [0.5, 0.3, 0.2] for t in ids],
        "top_papers": ["" for _ in ids],
    })
    basis = rng.normal(size=(n_topics + 1, 16))
    embeddings = np.array([basis[t] + rng.normal(0, 0.1, 16) for t in topic_ids])
    return papers, topics, embeddings


def topics_csv_frame(topics: pd.DataFrame) -> pd.DataFrame:
    """topics as topics.csv holds them: keywords joined by LIST_SEPARATOR, no scores."""
    return topics.drop(columns=["scores"]).assign(
        keywords=topics["keywords"].map(LIST_SEPARATOR.join))


def write_page_inputs(folder):
    """The page job's inputs for the synthetic corpus: papers.csv, topics.csv,
    topics.parquet and embeddings.npy in `folder`; returns the corpus."""
    papers, topics, embeddings = synthetic_corpus()
    papers.to_csv(folder / "papers.csv", index=False)
    topics_csv_frame(topics).to_csv(folder / "topics.csv", index=False)
    topics.to_parquet(folder / "topics.parquet", index=False)
    np.save(folder / "embeddings.npy", embeddings)
    return papers, topics, embeddings
