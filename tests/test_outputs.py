"""papers.csv, topics.csv and the reading lists from small hand-made intermediates."""

import json

import numpy as np
import pandas as pd
import pytest
from defaults import DEFAULTS
from synthetic import intermediate_paths

from topics.files import Clusters, write_array, write_clusters, write_papers, write_table
from topics.report.data import (
    ReportPaths,
    load_report,
    papers_table,
    themes_table,
    topics_table,
    with_themes,
)
from topics.report.reading_lists import list_filename, preview, slugify
from topics.report.tables import papers_csv, run_tables, topics_csv
from topics.trends import topic_trends

EVIL_TITLE = '<script>alert("x")</script> & <b>Bold</b> claims'


# Each paper's two nearest papers, as find_neighbours writes them.
NEIGHBOURS = pd.DataFrame(
    {
        "paper_id": ["p1", "p2", "p3", "p4"],
        "neighbours": [["p2", "p3"], ["p1", "p4"], ["p1", "p2"], ["p3", "p1"]],
        "similarity": [[0.9, 0.5], [0.9, 0.4], [0.5, 0.3], [0.2, 0.1]],
    }
)


@pytest.fixture
def inputs():
    """What write_tables reads: papers, topic assignments, topics and map positions."""
    papers = pd.DataFrame(
        {
            "paper_id": ["p1", "p2", "p3", "p4"],
            "title": ["Masked Images", EVIL_TITLE, "Protein Folding", "Weather Notes"],
            "abstract": ["About masking. " * 40, "About attacks.", "About proteins.", ""],
            "sources": [["a.txt"], ["a.txt", "b.txt"], ["b.txt"], ["b.txt"]],
            "year": pd.array([2021, 2019, None, None], dtype="Int64"),
            "date": ["2021-06", None, None, None],
            "venue": ["CVPR", None, None, None],
            "authors": [["Ada Lovelace", "Alan Turing"], ["Grace Hopper"], [], []],
            "doi": ["10.1109/cvpr.2021.1", None, None, None],
            "arxiv_id": [None, "1905.00001", None, None],
            "url": [None, None, None, "https://example.org/weather notes"],
            "keywords": [["masking"], [], [], []],
        }
    )
    assignments = pd.DataFrame(
        {
            "paper_id": ["p1", "p2", "p3", "p4"],
            "topic_id": [0, 0, 1, -1],
            "reassigned": [True, False, False, False],
            "centrality": [0.7, 0.9, 1.0, 0.5],
            # The throws left p1 out, never saw the added p4.
            "agreement": [np.nan, 0.8, 1.0, np.nan],
            "added": [False, False, False, True],
        }
    )
    topics = pd.DataFrame(
        {
            "topic_id": [-1, 0, 1],
            "label": ["outliers (no clear topic)", "masked image, mim", "protein"],
            "size": [1, 2, 1],
            "keywords": [["weather"], ["masked", "image"], ["protein", "folding"]],
            "scores": [[0.1], [0.5, 0.4], [0.6, 0.2]],
            "centroid": list(np.eye(3)),
        }
    )
    coords = np.array([[0, 0], [1, 1], [5, 5], [9, 0]], dtype=np.float32)
    themes = pd.DataFrame(
        {
            "theme_id": [0],
            "label": ["images and proteins"],
            "size": [3],
            "keywords": [["image", "protein"]],
            "topics": [[0, 1]],
        }
    )
    return papers, assignments, topics, coords, themes


@pytest.fixture
def tables(inputs):
    """papers.csv and topics.csv as the tables job writes them."""
    papers, assignments, topics, coords, themes = inputs
    table, topics, _ = with_themes(
        papers_table(papers, assignments, topics, coords),
        topics_table(topics, len(papers), {}),
        themes_table(themes, len(papers)),
    )
    return papers_csv(table), topics_csv(topics, table)


def write_inputs(folder, inputs) -> ReportPaths:
    papers, assignments, topics, coords, themes = inputs
    paths = intermediate_paths(folder)
    write_papers(papers, paths.papers)
    write_table(assignments, paths.assignments)
    write_table(topics, paths.topics)
    write_array(coords, paths.coords)
    write_clusters(Clusters(np.array([-1, 0, 1, -1])), paths.clusters)
    paths.stability.write_text(json.dumps({"cluster_stability": {"0": 0.75, "1": 0.5}}))
    write_table(themes, paths.themes)
    write_array(np.array([[0.0, 1.0, 2.0, 2.0]]), paths.theme_tree)
    counts, trends = topic_trends(papers, assignments["topic_id"].to_numpy(),
                                  np.zeros(len(papers), int), **DEFAULTS["trends"])  # fmt: skip
    write_table(counts, paths.trend_counts)
    write_table(trends, paths.trends)
    write_table(NEIGHBOURS, paths.neighbours)
    return paths


def test_papers_csv_has_one_row_per_paper_with_topic_position_and_sources(tables):
    papers, _ = tables
    assert {
        "paper_id",
        "title",
        "topic_id",
        "topic_label",
        "x",
        "y",
        "sources",
        "reassigned",
    } <= set(papers.columns)
    assert papers.set_index("paper_id").loc["p2", "sources"] == "a.txt; b.txt"
    assert papers.set_index("paper_id").loc["p3", "topic_label"] == "protein"
    assert papers.set_index("paper_id").loc["p4", "topic_id"] == -1


def test_papers_csv_carries_the_metadata_the_inputs_gave_and_nothing_else(tables):
    papers = tables[0].set_index("paper_id")
    assert papers.loc["p1", ["year", "venue", "authors", "doi"]].tolist() == [
        2021,
        "CVPR",
        "Ada Lovelace; Alan Turing",
        "10.1109/cvpr.2021.1",
    ]
    assert papers.loc["p2", "arxiv_id"] == "1905.00001"
    assert papers.loc["p3", ["venue", "doi", "arxiv_id", "url"]].isna().all()
    assert papers.loc["p3", "authors"] == "" and pd.isna(papers.loc["p3", "year"])
    assert list(papers.columns)[-1] == "abstract"


def test_misaligned_inputs_are_refused(tables):
    papers = pd.DataFrame(
        {
            "paper_id": ["a", "b"],
            "title": ["A", "B"],
            "abstract": ["", ""],
            "sources": [["x"], ["x"]],
        }
    )
    assignments = pd.DataFrame(
        {"paper_id": ["b", "a"], "topic_id": [0, 0], "centrality": [1.0, 1.0]}
    )
    topics = pd.DataFrame({"topic_id": [0], "label": ["t"]})
    with pytest.raises(ValueError, match="not aligned"):
        papers_table(papers, assignments, topics, np.zeros((2, 2)))


def test_topics_csv_joins_keywords_and_lists_the_most_central_papers_first(tables):
    _, topics = tables
    row = topics.set_index("topic_id").loc[0]
    assert row["keywords"] == "masked; image"
    assert row["top_papers"].split(" | ") == [EVIL_TITLE, "Masked Images"]
    assert row["share"] == 0.5


def test_tables_job_writes_both_csvs_and_one_reading_list_per_topic(tmp_path, inputs):
    paths = write_inputs(tmp_path, inputs)
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "99-stale.md").write_text("old")
    run_tables(paths, tmp_path / "papers.csv", tmp_path / "topics.csv", tmp_path / "themes.csv",
               tmp_path / "topic_trends.csv", tmp_path / "paper_neighbours.csv",
               tmp_path / "topics", tmp_path / "themes",
               options=DEFAULTS["report"])  # fmt: skip
    papers = pd.read_csv(tmp_path / "papers.csv", keep_default_na=False)
    topics = pd.read_csv(tmp_path / "topics.csv", keep_default_na=False)
    themes = pd.read_csv(tmp_path / "themes.csv", keep_default_na=False)
    assert len(papers) == 4 and papers["reassigned"].tolist() == [True, False, False, False]
    # Each paper's agreement: a share of the throws, empty where none was measured.
    assert papers["agreement"].tolist() == ["", "0.8", "1.0", ""]
    assert papers["theme_id"].tolist() == [0, 0, 0, -1]
    assert papers["theme_label"].tolist() == ["images and proteins"] * 3 + [""]
    assert topics["topic_id"].tolist() == [-1, 0, 1] and topics["theme_id"].tolist() == [-1, 0, 0]
    # Tables from before names were kept (a kept fit's): the label is the name, no model's.
    assert themes.to_dict("records") == [{"theme_id": 0, "label": "images and proteins",
        "name": "images and proteins", "llm_name": "",
        "size": 3, "share": 0.75, "keywords": "image; protein", "topics": "0; 1",
        "top_authors": "Ada Lovelace (1); Alan Turing (1); Grace Hopper (1)"}]  # fmt: skip
    # Each topic's stability is its core cluster's: p1 was an outlier, p2 holds topic 0.
    assert topics["stability"].tolist() == ["", "0.75", "0.5"]
    assert sorted(p.name for p in (tmp_path / "topics").iterdir()) == sorted(
        f"{stem}.{ext}"
        for stem in ["-1-outliers-no-clear-topic", "0-masked-image-mim", "1-protein"]
        for ext in ["md", "bib"]
    )
    text = (tmp_path / "topics" / "0-masked-image-mim.md").read_text()
    assert text.index("Bold") < text.index("Masked Images")  # more central first
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Sources: a.txt; b.txt" in text
    # Each paper links to its DOI, else its arXiv page; a URL with a space is not a link.
    assert "<https://doi.org/10.1109/cvpr.2021.1>" in text
    assert "2021 · CVPR · Ada Lovelace; Alan Turing" in text
    assert "<https://arxiv.org/abs/1905.00001>" in text
    outliers = (tmp_path / "topics" / "-1-outliers-no-clear-topic.md").read_text()
    assert "https://example.org" not in outliers
    assert "> (no abstract)" in (tmp_path / "topics" / "-1-outliers-no-clear-topic.md").read_text()
    # p1 was an outlier that outlier handling placed in topic 0; p2 was in it all along.
    masked = text[text.index("Masked Images") :]
    assert "reassigned outlier" in masked.split("##")[0]
    assert "reassigned outlier" not in text[text.index("Bold") : text.index("Masked Images")]
    assert "Theme: images and proteins." in text
    # Authors as written, most papers first, ties by name.
    authors = "Ada Lovelace (1); Alan Turing (1); Grace Hopper (1)"
    assert topics.set_index("topic_id").loc[0, "top_authors"] == authors
    assert f"Most frequent authors: {authors}" in text
    assert "Most frequent authors" not in outliers  # no author given: no line
    theme = (tmp_path / "themes" / "0-images-and-proteins.md").read_text()
    assert theme.startswith("# Theme 0: images and proteins")
    # Its topics, largest first, each with its papers from the centre outwards.
    assert theme.index("Topic 0: masked image, mim") < theme.index("Topic 1: protein")
    assert theme.index("Bold") < theme.index("Masked Images") < theme.index("Protein Folding")
    assert "Weather Notes" not in theme  # an outlier is in no theme
    # Each paper's nearest papers, nearest first, with their titles and topics.
    near = pd.read_csv(tmp_path / "paper_neighbours.csv", keep_default_na=False)
    assert near[near["paper_id"] == "p1"].to_dict("records") == [
        {"paper_id": "p1", "title": "Masked Images", "topic_id": 0, "rank": 1,
         "neighbour_id": "p2", "neighbour_title": EVIL_TITLE, "neighbour_topic_id": 0,
         "similarity": 0.9},
        {"paper_id": "p1", "title": "Masked Images", "topic_id": 0, "rank": 2,
         "neighbour_id": "p3", "neighbour_title": "Protein Folding", "neighbour_topic_id": 1,
         "similarity": 0.5},
    ]  # fmt: skip
    assert len(near) == 8


def test_slugs_are_file_name_safe():
    assert slugify("Masked image, MIM / ViT!") == "masked-image-mim-vit"
    assert list_filename(-1, "outliers (no clear topic)") == "-1-outliers-no-clear-topic.md"
    assert preview("word " * 200).endswith("…") and len(preview("word " * 200)) < 410


def test_reports_load_with_every_paper_in_its_theme(tmp_path, inputs):
    report = load_report(write_inputs(tmp_path, inputs), DEFAULTS["report"])
    assert report.papers["theme_id"].tolist() == [0, 0, 0, -1]
    assert report.themes["share"].tolist() == [0.75]
    assert report.topics["colour"].notna().all()
