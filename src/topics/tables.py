"""The two tables a researcher opens first: papers.csv and topics.csv."""

from pathlib import Path

import numpy as np
import pandas as pd

PAPERS_CSV_COLUMNS = ["paper_id", "title", "topic_id", "topic_label", "reassigned", "x", "y",
                      "sources", "centrality", "abstract"]
TOPICS_CSV_COLUMNS = ["topic_id", "label", "size", "share", "stability", "keywords",
                      "top_papers"]
LIST_SEPARATOR = "; "


def papers_csv_table(papers: pd.DataFrame, assignments: pd.DataFrame, topics: pd.DataFrame,
                     coords: np.ndarray) -> pd.DataFrame:
    """One row per paper, in corpus order: its topic, map position and sources."""
    if not (assignments["paper_id"].to_numpy() == papers["paper_id"].to_numpy()).all():
        raise ValueError("topic assignments are not aligned with the papers table")
    if len(coords) != len(papers):
        raise ValueError(f"{len(coords)} map positions for {len(papers)} papers")
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    table = pd.DataFrame({
        "paper_id": papers["paper_id"],
        "title": papers["title"],
        "topic_id": assignments["topic_id"].astype(int),
        "topic_label": assignments["topic_id"].map(labels),
        # True for papers HDBSCAN left as outliers and outlier reassignment put in a topic.
        "reassigned": (assignments["reassigned"].astype(bool) if "reassigned" in assignments
                       else False),
        "x": np.round(coords[:, 0].astype(float), 4),
        "y": np.round(coords[:, 1].astype(float), 4),
        "sources": papers["sources"].map(LIST_SEPARATOR.join),
        "centrality": np.round(assignments["centrality"].astype(float), 4),
        "abstract": papers["abstract"],
    }, columns=PAPERS_CSV_COLUMNS)
    return table


def topics_csv_table(topics: pd.DataFrame, papers_table: pd.DataFrame, n_top_papers: int = 3,
                     stability: dict[str, float | None] | None = None) -> pd.DataFrame:
    """One row per topic: label, size, share of the corpus, stability across UMAP seeds
    (empty when not measured), keywords and its central papers."""
    stability = stability or {}
    ranked = papers_table.sort_values(["topic_id", "centrality"], ascending=[True, False])
    top_titles = ranked.groupby("topic_id")["title"].apply(
        lambda titles: " | ".join(titles.head(n_top_papers)))
    total = max(len(papers_table), 1)
    return pd.DataFrame({
        "topic_id": topics["topic_id"].astype(int),
        "label": topics["label"],
        "size": topics["size"].astype(int),
        "share": (topics["size"] / total).round(4),
        "stability": [stability.get(str(topic)) for topic in topics["topic_id"]],
        "keywords": topics["keywords"].map(lambda words: LIST_SEPARATOR.join(words)),
        "top_papers": topics["topic_id"].map(top_titles).fillna(""),
    }, columns=TOPICS_CSV_COLUMNS)


def is_reassigned(paper) -> bool:
    """True for a papers.csv row HDBSCAN left as an outlier that outlier handling placed in
    a topic (the column reads back from CSV as a bool or as the text "True")."""
    return str(paper.get("reassigned", False)).lower() == "true"


def read_papers_csv(path: str | Path) -> pd.DataFrame:
    """papers.csv with empty abstracts and sources as "" rather than NaN."""
    return pd.read_csv(path, keep_default_na=False, dtype={"paper_id": str})


def read_topics_csv(path: str | Path) -> pd.DataFrame:
    """topics.csv with empty keywords and stability as "" rather than NaN."""
    return pd.read_csv(path, keep_default_na=False)


def run_tables(papers_path: str | Path, assignments_path: str | Path, topics_path: str | Path,
               map_coords_path: str | Path, papers_csv_path: str | Path,
               topics_csv_path: str | Path, lists_dir: str | Path,
               stability_path: str | Path | None = None,
               clusters_path: str | Path | None = None) -> None:
    """papers.csv, topics.csv and the reading lists in `lists_dir`, all from the same tables.

    Topic stability needs both stability.json (scores per HDBSCAN cluster) and the
    clusters, to find each topic's cluster."""
    import json

    from topics.reading_lists import write_reading_lists
    from topics.stability import topic_scores

    papers = pd.read_parquet(papers_path)
    topics = pd.read_parquet(topics_path)
    assignments = pd.read_parquet(assignments_path)
    stability = None
    if stability_path and clusters_path:
        report = json.loads(Path(stability_path).read_text(encoding="utf-8"))
        with np.load(clusters_path) as data:
            stability = topic_scores(report["cluster_stability"], data["labels"],
                                     assignments["topic_id"].to_numpy())
    table = papers_csv_table(papers, assignments, topics, np.load(map_coords_path))
    topics_table = topics_csv_table(topics, table, stability=stability)
    table.to_csv(papers_csv_path, index=False)
    topics_table.to_csv(topics_csv_path, index=False)
    write_reading_lists(table, topics_table, lists_dir)
