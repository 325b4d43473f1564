"""The report's tables, joined once from the intermediates: every report job reads these.

`papers`: one row per paper in corpus order, with its topic and theme, map position,
centrality, sources, metadata and nearest papers. `topics`: one row per topic with its
theme, label, size, share, stability, keywords and scores and centroid. `themes`: one
row per theme with its label, size, share, keywords and topics. Each topic and theme has
its map colour (a theme's topics are shades of its hue). The CSV exports, the reading
lists, the pages and the static map are all views of these tables, so they can never
disagree.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from topics.files import read_array, read_clusters, read_json, read_table
from topics.plotting.style import level_colours
from topics.readers.records import METADATA
from topics.stability import topic_scores

# Decimals of the map positions and centralities, as the CSV and the pages show them.
DECIMALS = 4
# Decimals of each paper's agreement (a share of a few throws).
AGREEMENT_DECIMALS = 3
# Authors listed per topic and theme.
TOP_AUTHORS = 5


class ReportPaths(NamedTuple):
    """The intermediates a report job reads (the rules' inputs of those names)."""

    papers: str | Path
    assignments: str | Path
    topics: str | Path
    coords: str | Path
    stability: str | Path
    clusters: str | Path
    themes: str | Path
    theme_tree: str | Path
    trend_counts: str | Path
    trends: str | Path
    # Each paper's nearest papers (topics.neighbours); None: no lists.
    neighbours: str | Path | None = None

    @classmethod
    def of(cls, inputs: Mapping[str, Any]) -> "ReportPaths":
        """From a rule's named inputs (REPORT_INPUTS in workflow/rules/common.smk)."""
        return cls(*(inputs.get(name) for name in cls._fields))


def papers_table(
    papers: pd.DataFrame, assignments: pd.DataFrame, topics: pd.DataFrame, coords: np.ndarray
) -> pd.DataFrame:
    """One row per paper, in corpus order: its topic, map position, sources, metadata and
    the link where it can be read (None when no file gave a DOI, arXiv id or URL)."""
    if not (assignments["paper_id"].to_numpy() == papers["paper_id"].to_numpy()).all():
        raise ValueError("topic assignments are not aligned with the papers table")
    if len(coords) != len(papers):
        raise ValueError(f"{len(coords)} map positions for {len(papers)} papers")
    topics = with_name_columns(topics)
    labels, names, llm_names = (
        dict(zip(topics["topic_id"], topics[column], strict=True))
        for column in ["label", "name", "llm_name"]
    )
    table = pd.DataFrame(
        {
            "paper_id": papers["paper_id"],
            "title": papers["title"],
            "topic_id": assignments["topic_id"].astype(int),
            "topic_label": assignments["topic_id"].map(labels),
            # Its phrase name and the language model's ("" without one), topics.llm.
            "topic_name": assignments["topic_id"].map(names),
            "topic_llm_name": assignments["topic_id"].map(llm_names),
            # True for papers HDBSCAN left as outliers and outlier reassignment put in a topic.
            "reassigned": assignments["reassigned"].astype(bool),
            # The share of the throws that agree with its topic (topics.cluster.cluster_throws):
            # nan where they left it out (reassigned or not), added it since, or (a fit kept by
            # an earlier version) none was measured.
            "agreement": np.round(
                assignments.get("agreement", pd.Series(np.nan, index=assignments.index))
                .astype(float)
                .to_numpy(),
                AGREEMENT_DECIMALS,
            ),
            # True for papers placed into the fit's topics since it (update: incremental).
            "added": assignments["added"].astype(bool),
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


def with_neighbours(papers: pd.DataFrame, neighbours: pd.DataFrame | None) -> pd.DataFrame:
    """The papers with their nearest papers as rows of the papers table (`neighbours`,
    most similar first) and their cosine similarities (`similarity`); empty lists where
    none were found."""
    row_of = {pid: row for row, pid in enumerate(papers["paper_id"])}
    found = {} if neighbours is None else {
        pid: ([row_of[n] for n in ids if n in row_of], list(sims))
        for pid, ids, sims in zip(neighbours["paper_id"], neighbours["neighbours"],
                                  neighbours["similarity"], strict=True)
    }  # fmt: skip
    pairs = [found.get(pid, ([], [])) for pid in papers["paper_id"]]
    return papers.assign(
        neighbours=[rows for rows, _ in pairs],
        similarity=[[float(s) for s in sims][: len(rows)] for rows, sims in pairs],
    )


def paper_link(paper: Mapping[str, Any]) -> str | None:
    """Where a paper can be read: its DOI, else its arXiv page, else the URL its export gave."""
    if paper["doi"]:
        return f"https://doi.org/{paper['doi']}"
    if paper["arxiv_id"]:
        return f"https://arxiv.org/abs/{paper['arxiv_id']}"
    return paper["url"] or None


def with_name_columns(table: pd.DataFrame) -> pd.DataFrame:
    """A topics or themes table with its phrase name (`name`) and the language model's
    (`llm_name`, "" without one; topics.llm); a fit kept before names has its label."""
    if "name" not in table:
        table = table.assign(name=table["label"])
    if "llm_name" not in table:
        table = table.assign(llm_name="")
    return table


def topics_table(
    topics: pd.DataFrame, n_papers: int, stability: dict[str, float | None]
) -> pd.DataFrame:
    """One row per topic: the labelling job's table with each topic's share of the corpus
    and its stability across UMAP seeds (None when not measured, and for outliers)."""
    return with_name_columns(topics).assign(
        topic_id=topics["topic_id"].astype(int),
        size=topics["size"].astype(int),
        share=(topics["size"] / max(n_papers, 1)).round(DECIMALS),
        stability=[stability.get(str(topic)) for topic in topics["topic_id"]],
        keywords=topics["keywords"].map(list),
        scores=topics["scores"].map(list),
    )


class Report(NamedTuple):
    """Everything a report job shows: the three tables, the theme tree (scipy's linkage
    of the real topics in ascending id order, topics.themes.theme_tree), papers
    per period and trends (topics.trends; empty without years), and config.yaml's report
    section (`options`)."""

    papers: pd.DataFrame
    topics: pd.DataFrame
    themes: pd.DataFrame
    tree: np.ndarray
    counts: pd.DataFrame
    trends: pd.DataFrame
    options: dict[str, Any]


def themes_table(themes: pd.DataFrame, n_papers: int) -> pd.DataFrame:
    """One row per theme: the theme job's table with each theme's share of the corpus."""
    return with_name_columns(themes).assign(
        theme_id=themes["theme_id"].astype(int),
        size=themes["size"].astype(int),
        share=(themes["size"] / max(n_papers, 1)).round(DECIMALS),
        keywords=themes["keywords"].map(list),
        topics=themes["topics"].map(lambda ids: [int(i) for i in ids]),
    )


def top_authors(papers: pd.DataFrame, level: str) -> dict[int, list[tuple[str, int]]]:
    """The most frequent authors of each topic or theme (`level`: "topic_id" or
    "theme_id") with their paper counts; names are matched as written, so one person
    written two ways counts as two."""
    pairs = papers[[level, "authors"]].explode("authors").dropna(subset=["authors"])
    pairs = pairs[pairs["authors"].str.strip() != ""]
    counts = pairs.groupby([level, "authors"]).size().rename("papers").reset_index()
    counts = counts.sort_values([level, "papers", "authors"], ascending=[True, False, True])
    return {
        int(group): [
            (name, int(n)) for name, n in zip(rows["authors"], rows["papers"], strict=True)
        ]
        for group, rows in counts.groupby(level)
        for rows in [rows.head(TOP_AUTHORS)]
    }


def with_themes(papers: pd.DataFrame, topics: pd.DataFrame, themes: pd.DataFrame):
    """The papers and topics tables with each row's theme (-1 and no label for outliers),
    and every topic and theme with its colour and its most frequent authors."""
    theme_of = {int(t): int(row.theme_id) for row in themes.itertuples() for t in row.topics}
    themes = with_name_columns(themes)

    def theme_labels(ids: pd.Series, column: str = "label") -> pd.Series:
        values = dict(zip(themes["theme_id"], themes[column], strict=True))
        return pd.Series([values.get(i) for i in ids], index=ids.index, dtype=object)

    topic_themes = topics["topic_id"].map(lambda t: theme_of.get(int(t), -1)).astype(int)
    topics = topics.assign(theme_id=topic_themes, theme_label=theme_labels(topic_themes))
    topic_colours, theme_colours = level_colours(themes)
    topics["colour"] = topics["topic_id"].map(lambda t: topic_colours.get(int(t)))
    themes = themes.assign(colour=themes["theme_id"].map(theme_colours))
    paper_themes = papers["topic_id"].map(lambda t: theme_of.get(int(t), -1)).astype(int)
    last = "topic_llm_name" if "topic_llm_name" in papers else "topic_label"
    position = papers.columns.get_loc(last) + 1
    papers = papers.copy()
    papers.insert(position, "theme_id", paper_themes)
    for offset, column in enumerate(["label", "name", "llm_name"], start=1):
        papers.insert(position + offset, f"theme_{column}", theme_labels(paper_themes, column))
    for table, level in [(topics, "topic_id"), (themes, "theme_id")]:
        authors = top_authors(papers, level)
        table["top_authors"] = [authors.get(int(i), []) for i in table[level]]
    return papers, topics, themes


def load_report(paths: ReportPaths, options: dict[str, Any]) -> Report:
    """The report of one run, from its intermediates; `options` is config.yaml's report
    section.

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
    table = with_neighbours(table, read_table(paths.neighbours) if paths.neighbours else None)
    papers, topics, themes = with_themes(
        table,
        topics_table(topics, len(table), stability),
        themes_table(read_table(paths.themes), len(table)),
    )
    return Report(
        papers,
        topics,
        themes,
        read_array(paths.theme_tree),
        read_table(paths.trend_counts),
        read_table(paths.trends),
        options,
    )
