"""The report's two tables, joined once from the intermediates: every report job reads these.

`papers`: one row per paper in corpus order, with its topic, map position, centrality and
sources (a list). `topics`: one row per topic with its label, size, share, stability,
keywords and scores (lists) and centroid. The CSV exports, the reading lists, the pages
and the static map are all views of these two tables, so they can never disagree.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from topics.files import read_array, read_clusters, read_json, read_table
from topics.stability import topic_scores

# Decimals of the map positions and centralities, as the CSV and the pages show them.
DECIMALS = 4
# What the input files said of each paper (topics.parse), carried as read: a field no file
# gave is None, or an empty list.
METADATA = ["year", "date", "venue", "authors", "doi", "arxiv_id", "url", "keywords"]


class ReportPaths(NamedTuple):
    """The intermediates a report job reads (the rules' inputs of those names)."""

    papers: str | Path
    assignments: str | Path
    topics: str | Path
    coords: str | Path
    stability: str | Path
    clusters: str | Path
    # topics.themes' table and Ward tree (None where a caller has no themes).
    themes: str | Path | None = None
    theme_tree: str | Path | None = None

    @classmethod
    def of(cls, inputs: Mapping[str, Any]) -> "ReportPaths":
        """From a rule's named inputs (REPORT_INPUTS in workflow/rules/common.smk)."""
        return cls(*(inputs[name] for name in cls._fields))


def papers_table(
    papers: pd.DataFrame, assignments: pd.DataFrame, topics: pd.DataFrame, coords: np.ndarray
) -> pd.DataFrame:
    """One row per paper, in corpus order: its topic, map position, sources, metadata and
    the link where it can be read (None when no file gave a DOI, arXiv id or URL)."""
    if not (assignments["paper_id"].to_numpy() == papers["paper_id"].to_numpy()).all():
        raise ValueError("topic assignments are not aligned with the papers table")
    if len(coords) != len(papers):
        raise ValueError(f"{len(coords)} map positions for {len(papers)} papers")
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    table = pd.DataFrame(
        {
            "paper_id": papers["paper_id"],
            "title": papers["title"],
            "topic_id": assignments["topic_id"].astype(int),
            "topic_label": assignments["topic_id"].map(labels),
            # True for papers HDBSCAN left as outliers and outlier reassignment put in a topic.
            "reassigned": assignments["reassigned"].astype(bool),
            "x": np.round(coords[:, 0].astype(float), DECIMALS),
            "y": np.round(coords[:, 1].astype(float), DECIMALS),
            "sources": papers["sources"].map(list),
            "centrality": np.round(assignments["centrality"].astype(float), DECIMALS),
            **{name: papers[name] for name in METADATA},
            "abstract": papers["abstract"],
        }
    )
    table["year"] = table["year"].astype("Int64")  # a year, not 2019.0 where some are missing
    for name in ["date", "venue", "doi", "arxiv_id", "url"]:  # missing: None, never NaN
        table[name] = table[name].astype(object).where(table[name].notna(), None)
    for name in ["authors", "keywords"]:
        table[name] = table[name].map(list)
    links = [paper_link(paper) for paper in table.to_dict("records")]
    table["link"] = pd.Series(links, index=table.index, dtype=object)
    return table


def paper_link(paper: Mapping[str, Any]) -> str | None:
    """Where a paper can be read: its DOI, else its arXiv page, else the URL its export gave."""
    if paper["doi"]:
        return f"https://doi.org/{paper['doi']}"
    if paper["arxiv_id"]:
        return f"https://arxiv.org/abs/{paper['arxiv_id']}"
    return paper["url"] or None


def topics_table(
    topics: pd.DataFrame, n_papers: int, stability: dict[str, float | None]
) -> pd.DataFrame:
    """One row per topic: the labelling job's table with each topic's share of the corpus
    and its stability across UMAP seeds (None when not measured, and for outliers)."""
    return topics.assign(
        topic_id=topics["topic_id"].astype(int),
        size=topics["size"].astype(int),
        share=(topics["size"] / max(n_papers, 1)).round(DECIMALS),
        stability=[stability.get(str(topic)) for topic in topics["topic_id"]],
        keywords=topics["keywords"].map(list),
        scores=topics["scores"].map(list),
    )


def load_report(paths: ReportPaths) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(papers, topics): the report tables of one run, from its intermediates.

    Each topic's stability is that of the HDBSCAN cluster its core papers came from
    (stability.json scores clusters; topics.stability.topic_scores maps them to topics).
    """
    papers = read_table(paths.papers)
    topics = read_table(paths.topics)
    assignments = read_table(paths.assignments)
    stability = topic_scores(
        read_json(paths.stability)["cluster_stability"],
        read_clusters(paths.clusters).labels,
        assignments["topic_id"].to_numpy(),
    )
    table = papers_table(papers, assignments, topics, read_array(paths.coords))
    return table, topics_table(topics, len(table), stability)
