"""The two tables a researcher opens first, papers.csv and topics.csv, and the reading lists.

Exports for people (and spreadsheets): lists become text joined by LIST_SEPARATOR. Each
topic and theme has its label (the name every page shows), its phrase name and the
language model's name ("" without one; topics.llm). No job
reads them back; every report job reads the intermediates through topics.report.data.
"""

from pathlib import Path
from typing import Any

import pandas as pd

from topics.plotting.style import LIST_SEPARATOR
from topics.report.data import METADATA, ReportPaths, load_report
from topics.report.reading_lists import authors_text, write_reading_lists, write_theme_lists

PAPERS_CSV_COLUMNS = [
    "paper_id",
    "title",
    "topic_id",
    "topic_label",
    # The topic's phrase name and the language model's ("" without one).
    "topic_name",
    "topic_llm_name",
    "theme_id",
    "theme_label",
    "theme_name",
    "theme_llm_name",
    "reassigned",
    # The share of the throws that agree with its topic; empty where they left it out.
    "agreement",
    "added",
    "x",
    "y",
    "sources",
    "centrality",
    *METADATA,
    "abstract",
]
TOPICS_CSV_COLUMNS = [
    "topic_id",
    "theme_id",
    "label",
    "name",
    "llm_name",
    "size",
    "share",
    "stability",
    "keywords",
    "top_authors",
    "top_papers",
]
THEMES_CSV_COLUMNS = [
    "theme_id",
    "label",
    "name",
    "llm_name",
    "size",
    "share",
    "keywords",
    "top_authors",
    "topics",
]
# Titles of each topic's most central papers in topics.csv.
TOP_PAPERS = 3


def papers_csv(papers: pd.DataFrame) -> pd.DataFrame:
    """papers.csv: one row per paper, in corpus order."""
    lists = {
        name: papers[name].map(LIST_SEPARATOR.join) for name in ["sources", "authors", "keywords"]
    }
    return papers.assign(**lists)[PAPERS_CSV_COLUMNS]


def topics_csv(topics: pd.DataFrame, papers: pd.DataFrame) -> pd.DataFrame:
    """topics.csv: one row per topic with its keywords and its most central papers."""
    ranked = papers.sort_values(["topic_id", "centrality"], ascending=[True, False])
    top_titles = ranked.groupby("topic_id")["title"].apply(
        lambda titles: " | ".join(titles.head(TOP_PAPERS))
    )
    return topics.assign(
        keywords=topics["keywords"].map(LIST_SEPARATOR.join),
        top_authors=topics["top_authors"].map(authors_text),
        top_papers=topics["topic_id"].map(top_titles).fillna(""),
    )[TOPICS_CSV_COLUMNS]


def themes_csv(themes: pd.DataFrame) -> pd.DataFrame:
    """themes.csv: one row per theme with its keywords and its topics' ids, largest first."""
    return themes.assign(
        keywords=themes["keywords"].map(LIST_SEPARATOR.join),
        top_authors=themes["top_authors"].map(authors_text),
        topics=themes["topics"].map(lambda ids: LIST_SEPARATOR.join(map(str, ids))),
    )[THEMES_CSV_COLUMNS]


def trends_csv(report: Any) -> pd.DataFrame:
    """topic_trends.csv: per theme and topic, its papers and share in every period, its
    slope (log-odds of its share per period) with a 95% interval, p and q, and what the
    trend says. No rows when the inputs give no years."""
    labels = {("theme", int(t.theme_id)): t.label for t in report.themes.itertuples()}
    labels |= {("topic", int(t.topic_id)): t.label for t in report.topics.itertuples()}
    shares = report.counts.pivot_table(index=["level", "id"], columns="period", values="share")
    papers = report.counts.pivot_table(index=["level", "id"], columns="period", values="papers")
    wide = pd.concat([papers.add_prefix("papers "), shares.add_prefix("share ")], axis=1)
    table = report.trends.merge(wide.reset_index(), on=["level", "id"], how="left")
    table.insert(
        2,
        "label",
        [labels.get((lv, int(i))) for lv, i in zip(table["level"], table["id"], strict=True)],
    )
    return table


NEIGHBOURS_CSV_COLUMNS = [
    "paper_id",
    "title",
    "topic_id",
    "rank",
    "neighbour_id",
    "neighbour_title",
    "neighbour_topic_id",
    "similarity",
]


def neighbours_csv(papers: pd.DataFrame) -> pd.DataFrame:
    """paper_neighbours.csv: one row per paper and neighbour, nearest first (rank 1)."""
    pairs = papers[["paper_id", "title", "topic_id", "neighbours", "similarity"]].explode(
        ["neighbours", "similarity"]
    )
    pairs = pairs.dropna(subset=["neighbours"])
    rows = pairs["neighbours"].astype(int).to_numpy()
    return pairs.assign(
        rank=pairs.groupby(level=0).cumcount() + 1,
        neighbour_id=papers["paper_id"].to_numpy()[rows],
        neighbour_title=papers["title"].to_numpy()[rows],
        neighbour_topic_id=papers["topic_id"].to_numpy()[rows],
        similarity=pairs["similarity"].astype(float).round(4),
    )[NEIGHBOURS_CSV_COLUMNS]


def run_tables(
    paths: ReportPaths,
    papers_csv_path: str | Path,
    topics_csv_path: str | Path,
    themes_csv_path: str | Path,
    trends_csv_path: str | Path,
    neighbours_csv_path: str | Path,
    lists_dir: str | Path,
    theme_lists_dir: str | Path,
    *,
    options: dict[str, Any],
) -> None:
    """papers.csv, topics.csv, themes.csv, topic_trends.csv, paper_neighbours.csv and the
    reading lists of the
    topics (`lists_dir`) and of the themes (`theme_lists_dir`), all from the same tables."""
    report = load_report(paths, options)
    papers_csv(report.papers).to_csv(papers_csv_path, index=False)
    topics_csv(report.topics, report.papers).to_csv(topics_csv_path, index=False)
    themes_csv(report.themes).to_csv(themes_csv_path, index=False)
    trends_csv(report).to_csv(trends_csv_path, index=False)
    neighbours_csv(report.papers).to_csv(neighbours_csv_path, index=False)
    write_reading_lists(report.papers, report.topics, lists_dir, options["reading_list_order"])
    write_theme_lists(report, theme_lists_dir, options["reading_list_order"])
