"""A small synthetic corpus for the figure and page tests: no pipeline run needed."""

import json

import numpy as np
import pandas as pd

from topics.centroids import topic_centroids
from topics.files import Clusters, write_array, write_clusters, write_papers, write_table
from topics.parse import PAPER_COLUMNS
from topics.report.data import ReportPaths, paper_link

EVIL_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> Evil & "quoted" paper'
WORDS = [
    "graph",
    "neural",
    "vision",
    "robust",
    "sparse",
    "kernel",
    "language",
    "audio",
    "diffusion",
    "contrast",
    "signal",
    "policy",
]


def synthetic_corpus(n_papers: int = 60, n_topics: int = 3, seed: int = 0):
    """(papers, topics, embeddings): the report tables (topics.report.data) and vectors.

    Topic t's papers sit around their own point on the map and share keyword WORDS[t];
    a few papers are outliers (-1); "zebra" appears in every 7th paper's abstract and
    one paper's title (row 4, alone at (9, 9)) carries HTML and a script; that paper is
    also the one reassigned outlier.
    """
    rng = np.random.default_rng(seed)
    topic_ids = np.array([-1 if i % 10 == 9 else i % n_topics for i in range(n_papers)])
    centres = {
        t: np.array([np.cos(2 * np.pi * t / n_topics), np.sin(2 * np.pi * t / n_topics)]) * 5
        for t in range(n_topics)
    }
    rows = []
    for i, topic in enumerate(topic_ids):
        word = WORDS[int(topic) % len(WORDS)] if topic != -1 else "misc"
        xy = (centres[int(topic)] if topic != -1 else np.zeros(2)) + rng.normal(0, 1, 2)
        title = EVIL_TITLE if i == 4 else f"Paper {i} on {word} methods"
        if i == 4:
            xy = np.array([9.0, 9.0])  # alone in a corner, so hovering there finds only it
        abstract = (
            f"We study {word} models in setting {i}. "
            + ("A zebra appears here. " if i % 7 == 0 else "")
            + "Results improve on baselines. " * 3
        )
        rows.append(
            {
                "paper_id": f"p{i:04d}",
                "title": title,
                "topic_id": int(topic),
                "topic_label": "outliers (no clear topic)"
                if topic == -1
                else f"{word} methods, {word}",
                "reassigned": i == 4,
                "x": round(float(xy[0]), 4),
                "y": round(float(xy[1]), 4),
                "sources": ["a.txt", "b.txt"]
                if i % 5 == 0
                else (["a.txt"] if i % 2 else ["b.txt"]),
                "centrality": round(float(rng.uniform(0.5, 1)), 4),
                # Metadata as an export gives it: a DOI for every 4th paper, an arXiv id
                # for the next, neither for the rest (no link then).
                "year": 2018 + i % 6,
                "date": None,
                "venue": ["CVPR", "ICML", "ACL"][i % 3],
                "authors": [f"Author {i % 7}", f"Author {(i + 3) % 7}"],
                "doi": f"10.1000/p{i}" if i % 4 == 0 else None,
                "arxiv_id": f"2101.{i:05d}" if i % 4 == 1 else None,
                "url": None,
                "keywords": [],
                "abstract": abstract,
            }
        )
    papers = pd.DataFrame(rows)
    papers["year"] = papers["year"].astype("Int64")
    for name in ["date", "venue", "doi", "arxiv_id", "url"]:  # missing: None, as the report has it
        papers[name] = papers[name].astype(object).where(papers[name].notna(), None)
    papers["link"] = pd.Series([paper_link(p) for p in papers.to_dict("records")], dtype=object)
    basis = rng.normal(size=(n_topics + 1, 16))
    embeddings = np.array([basis[t] + rng.normal(0, 0.1, 16) for t in topic_ids])
    ids = sorted(set(topic_ids.tolist()))
    sizes = papers["topic_id"].value_counts()
    topics = pd.DataFrame(
        {
            "topic_id": ids,
            "label": [
                "outliers (no clear topic)" if t == -1 else f"{WORDS[t]} methods, {WORDS[t]}"
                for t in ids
            ],
            "size": [int(sizes[t]) for t in ids],
            "keywords": [
                [] if t == -1 else [WORDS[t], "methods", f"{WORDS[t]} methods"] for t in ids
            ],
            "scores": [[] if t == -1 else [0.5, 0.3, 0.2] for t in ids],
            "centroid": list(topic_centroids(embeddings, topic_ids, ids)),
            "share": [round(int(sizes[t]) / n_papers, 4) for t in ids],
            "stability": [None if t == -1 else 0.9 for t in ids],
        }
    )
    return papers, topics, embeddings


def write_intermediates(folder, corpus=None) -> ReportPaths:
    """The intermediates a report job reads, for `corpus` (synthetic_corpus() by default),
    written into `folder`; load_report(paths) gives the corpus's tables back."""
    papers, topics, _ = corpus or synthetic_corpus()
    paths = ReportPaths(
        *(
            folder / name
            for name in [
                "papers.parquet",
                "assignments.parquet",
                "topics.parquet",
                "umap_map.npy",
                "stability.json",
                "clusters.npz",
            ]
        )
    )
    write_papers(papers[PAPER_COLUMNS], paths.papers)
    write_table(papers[["paper_id", "topic_id", "reassigned", "centrality"]], paths.assignments)
    write_table(
        topics[["topic_id", "label", "size", "keywords", "scores", "centroid"]], paths.topics
    )
    write_array(papers[["x", "y"]].to_numpy(np.float32), paths.coords)
    # HDBSCAN's clusters: the topics, but the reassigned paper was an outlier.
    clusters = np.where(papers["reassigned"], -1, papers["topic_id"]).astype(np.int64)
    write_clusters(Clusters(clusters), paths.clusters)
    stability = {
        str(t): score
        for t, score in zip(topics["topic_id"], topics["stability"], strict=True)
        if t != -1
    }
    paths.stability.write_text(json.dumps({"cluster_stability": stability}))
    return paths
