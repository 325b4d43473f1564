"""Synthetic reports for the figure and page tests: a planted two-level structure, no pipeline.

`synthetic_report` builds the report (topics.report.data.Report) directly: themes of
topics of papers, laid out on the map as islands (topics) in archipelagos (themes), with
the tree the themes are cut from. `write_intermediates` writes the same report as the
intermediate files the report jobs read.
"""

import json

import numpy as np
import pandas as pd
from defaults import DEFAULTS
from scipy.cluster.hierarchy import fcluster, linkage

from topics.centroids import topic_centroids
from topics.files import Clusters, write_array, write_clusters, write_papers, write_table
from topics.neighbours import exact_neighbours, neighbours_table
from topics.parse import PAPER_COLUMNS
from topics.report.data import Report, ReportPaths, paper_link, with_neighbours, with_themes
from topics.trends import topic_trends

EVIL_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> Evil & "quoted" paper'
WORDS = ["graph", "neural", "vision", "robust", "sparse", "kernel", "language", "audio",
         "diffusion", "contrast", "signal", "policy"]  # fmt: skip
FACETS = ["methods", "theory", "benchmarks", "scaling", "priors", "attacks", "compression",
          "retrieval", "planning", "alignment"]  # fmt: skip
EVIL_POSITION = (40.0, 40.0)  # alone in a corner, so hovering there finds only it


def _topic_label(topic: int, n_topics_per_theme: int) -> str:
    theme, facet = divmod(topic, n_topics_per_theme)
    return f"{WORDS[theme % len(WORDS)]} {FACETS[facet % len(FACETS)]}"


def synthetic_report(
    n_papers: int = 60, n_themes: int = 2, topics_per_theme: int = 2, seed: int = 0
) -> tuple[Report, np.ndarray]:
    """(report, embeddings) with n_themes x topics_per_theme topics.

    Every 10th paper is an outlier (-1); the others are dealt to the topics in turn. Topic t's
    papers sit around its own point, near the other topics of its theme; a theme's
    topics share its word (WORDS[theme]) in their labels and keywords. "zebra" appears in
    every 7th abstract; paper 4's title carries HTML and a script, it sits alone in a
    corner, and it is the one reassigned outlier. Every 4th paper has a DOI, the next an
    arXiv id, the rest neither.
    """
    rng = np.random.default_rng(seed)
    n_topics = n_themes * topics_per_theme
    # Every 10th paper an outlier; the others dealt to the topics in turn.
    topic_ids = np.array([-1 if i % 10 == 9 else (i - i // 10) % n_topics for i in range(n_papers)])
    theme_radius, topic_radius = 4.0 * max(n_themes, 2), 3.0
    centres = {}
    for t in range(n_topics):
        k, j = divmod(t, topics_per_theme)
        theme_angle = 2 * np.pi * k / n_themes
        topic_angle = 2 * np.pi * j / topics_per_theme + k
        centres[t] = theme_radius * np.array([np.cos(theme_angle), np.sin(theme_angle)]) + (
            topic_radius * np.array([np.cos(topic_angle), np.sin(topic_angle)])
        )
    rows = []
    for i, topic in enumerate(topic_ids):
        word = _topic_label(int(topic), topics_per_theme) if topic != -1 else "misc"
        xy = (centres[int(topic)] + rng.normal(0, 0.7, 2)) if topic != -1 else rng.normal(0, 2, 2)
        if i == 4:
            xy = np.array(EVIL_POSITION)
        abstract = (
            f"We study {word} models in setting {i}. "
            + ("A zebra appears here. " if i % 7 == 0 else "")
            + "Results improve on baselines. " * 3
        )
        rows.append(
            {
                "paper_id": f"p{i:05d}",
                "title": EVIL_TITLE if i == 4 else f"Paper {i} on {word}",
                "topic_id": int(topic),
                "topic_label": "outliers (no clear topic)" if topic == -1 else word,
                # Names as a run without a language model has them (topics.llm).
                "topic_name": "outliers (no clear topic)" if topic == -1 else word,
                "topic_llm_name": "",
                "reassigned": i == 4,
                # The share of 5 throws agreeing with its topic; none for the reassigned
                # paper (the throws left it out) and the added one (they never saw it).
                "agreement": np.nan if i in (4, 5) or topic == -1 else [1.0, 0.8, 0.6][i % 3],
                # One paper placed since the last fit (update: incremental).
                "added": i == 5,
                "x": round(float(xy[0]), 4),
                "y": round(float(xy[1]), 4),
                "sources": ["a.txt", "b.txt"]
                if i % 5 == 0
                else (["a.txt"] if i % 2 else ["b.txt"]),
                "centrality": round(float(rng.uniform(0.5, 1)), 4),
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
    for name in ["date", "venue", "doi", "arxiv_id", "url"]:  # missing: None, as the report has
        papers[name] = papers[name].astype(object).where(papers[name].notna(), None)
    papers["link"] = pd.Series([paper_link(p) for p in papers.to_dict("records")], dtype=object)
    basis = rng.normal(size=(n_topics + 1, 16))
    embeddings = np.array([basis[t] + rng.normal(0, 0.1, 16) for t in topic_ids])
    papers = with_neighbours(
        papers, neighbours_table(papers["paper_id"], *exact_neighbours(embeddings, 5))
    )
    ids = sorted(set(topic_ids.tolist()))
    sizes = papers["topic_id"].value_counts()
    topics = pd.DataFrame(
        {
            "topic_id": ids,
            "label": [
                "outliers (no clear topic)" if t == -1 else _topic_label(t, topics_per_theme)
                for t in ids
            ],
            "size": [int(sizes[t]) for t in ids],
            "keywords": [
                []
                if t == -1
                else [*_topic_label(t, topics_per_theme).split(), f"{WORDS[t % 12]} methods"]
                for t in ids
            ],
            "scores": [[] if t == -1 else [0.5, 0.3, 0.2] for t in ids],
            "centroid": list(topic_centroids(embeddings, topic_ids, ids)),
            "share": [round(int(sizes[t]) / n_papers, 4) for t in ids],
            "stability": [None if t == -1 else 0.9 for t in ids],
        }
    )
    topics = topics.assign(name=topics["label"], llm_name="")
    # The tree over the topics' centres, cut into the planted themes.
    real = [t for t in ids if t != -1]
    tree = (
        linkage(np.array([centres[t] for t in real]), "ward") if len(real) > 1 else np.zeros((0, 4))
    )
    groups = fcluster(tree, n_themes, "maxclust") - 1 if len(real) > 1 else np.zeros(1, int)
    theme_topics: dict[int, list[int]] = {}
    for topic, group in zip(real, groups, strict=True):
        theme_topics.setdefault(int(group), []).append(topic)
    ranked = sorted(theme_topics.values(), key=lambda ts: -sum(int(sizes[t]) for t in ts))
    themes = pd.DataFrame(
        {
            "theme_id": range(len(ranked)),
            "label": [f"{WORDS[ts[0] // topics_per_theme % 12]} theme" for ts in ranked],
            "size": [sum(int(sizes[t]) for t in ts) for ts in ranked],
            "keywords": [[WORDS[ts[0] // topics_per_theme % 12], "methods"] for ts in ranked],
            "topics": [sorted(ts, key=lambda t: -int(sizes[t])) for ts in ranked],
        }
    )
    themes["share"] = (themes["size"] / n_papers).round(4)
    papers, topics, themes = with_themes(papers, topics, themes)
    counts, trends = topic_trends(
        papers, papers["topic_id"].to_numpy(), papers["theme_id"].to_numpy(), **DEFAULTS["trends"]
    )
    report = Report(papers, topics, themes, tree, counts, trends, DEFAULTS["report"])
    return report, embeddings


# The intermediates' names, as the workflow writes them under results/intermediate/.
FILE_NAMES = ReportPaths(
    "papers.parquet",
    "assignments.parquet",
    "topics.parquet",
    "umap_map.npy",
    "stability.json",
    "clusters.npz",
    "themes.parquet",
    "theme_tree.npy",
    "trend_counts.parquet",
    "trends.parquet",
    "neighbours.parquet",
)


def intermediate_paths(folder) -> ReportPaths:
    """Where a report job's intermediates are in `folder`."""
    return ReportPaths(*(folder / name for name in FILE_NAMES))


def write_intermediates(folder, report: Report | None = None) -> ReportPaths:
    """The intermediates a report job reads, for `report` (synthetic_report()'s by
    default), written into `folder`; load_report(paths) gives the report back."""
    report = report or synthetic_report()[0]
    papers, topics, themes = report.papers, report.topics, report.themes
    paths = intermediate_paths(folder)
    write_papers(papers[PAPER_COLUMNS], paths.papers)
    write_table(
        papers[["paper_id", "topic_id", "reassigned", "centrality", "agreement", "added"]],
        paths.assignments,
    )
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
    write_table(themes[["theme_id", "label", "size", "keywords", "topics"]], paths.themes)
    write_array(np.asarray(report.tree, dtype=float), paths.theme_tree)
    write_table(report.counts, paths.trend_counts)
    write_table(report.trends, paths.trends)
    ids = papers["paper_id"].to_numpy()
    write_table(
        papers[["paper_id"]].assign(
            neighbours=[list(ids[rows]) for rows in papers["neighbours"]],
            similarity=papers["similarity"],
        ),
        paths.neighbours,
    )
    return paths
