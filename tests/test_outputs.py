"""papers.csv, topics.csv, reading lists and pages from small hand-made tables."""

import re

import numpy as np
import pandas as pd
import pytest

from topics.pages import index_page, map_page
from topics.plotting.topic_map import topic_map_figure
from topics.reading_lists import list_filename, preview, slugify
from topics.tables import (
    papers_csv_table,
    read_papers_csv,
    read_topics_csv,
    run_tables,
    topics_csv_table,
)

EVIL_TITLE = '<script>alert("x")</script> & <b>Bold</b> claims'


@pytest.fixture
def inputs():
    """What write_tables reads: papers, topic assignments, topics and map positions."""
    papers = pd.DataFrame({
        "paper_id": ["p1", "p2", "p3", "p4"],
        "title": ["Masked Images", EVIL_TITLE, "Protein Folding", "Weather Notes"],
        "abstract": ["About masking. " * 40, "About attacks.", "About proteins.", ""],
        "sources": [["a.txt"], ["a.txt", "b.txt"], ["b.txt"], ["b.txt"]],
    })
    assignments = pd.DataFrame({"paper_id": ["p1", "p2", "p3", "p4"], "topic_id": [0, 0, 1, -1],
                                "reassigned": [True, False, False, False],
                                "centrality": [0.7, 0.9, 1.0, 0.5]})
    topics = pd.DataFrame({"topic_id": [-1, 0, 1],
                           "label": ["outliers (no clear topic)", "masked image, mim", "protein"],
                           "size": [1, 2, 1], "keywords": [["weather"], ["masked", "image"],
                                                           ["protein", "folding"]],
                           "scores": [[0.1], [0.5, 0.4], [0.6, 0.2]]})
    coords = np.array([[0, 0], [1, 1], [5, 5], [9, 0]], dtype=np.float32)
    return papers, assignments, topics, coords


@pytest.fixture
def tables(inputs):
    papers, assignments, topics, coords = inputs
    table = papers_csv_table(papers, assignments, topics, coords)
    return table, topics_csv_table(topics, table)


def test_papers_csv_has_one_row_per_paper_with_topic_position_and_sources(tables):
    papers, _ = tables
    assert {"paper_id", "title", "topic_id", "topic_label", "x", "y", "sources",
            "reassigned"} <= set(papers.columns)
    assert papers.set_index("paper_id").loc["p2", "sources"] == "a.txt; b.txt"
    assert papers.set_index("paper_id").loc["p3", "topic_label"] == "protein"
    assert papers.set_index("paper_id").loc["p4", "topic_id"] == -1


def test_misaligned_inputs_are_refused(tables):
    papers = pd.DataFrame({"paper_id": ["a", "b"], "title": ["A", "B"], "abstract": ["", ""],
                           "sources": [["x"], ["x"]]})
    assignments = pd.DataFrame({"paper_id": ["b", "a"], "topic_id": [0, 0],
                                "centrality": [1.0, 1.0]})
    topics = pd.DataFrame({"topic_id": [0], "label": ["t"]})
    with pytest.raises(ValueError, match="not aligned"):
        papers_csv_table(papers, assignments, topics, np.zeros((2, 2)))


def test_topics_csv_joins_keywords_and_lists_the_most_central_papers_first(tables):
    _, topics = tables
    row = topics.set_index("topic_id").loc[0]
    assert row["keywords"] == "masked; image"
    assert row["top_papers"].split(" | ") == [EVIL_TITLE, "Masked Images"]
    assert row["share"] == 0.5


def test_tables_job_writes_both_csvs_and_one_reading_list_per_topic(tmp_path, inputs):
    papers, assignments, topics, coords = inputs
    for name, frame in [("papers", papers), ("assignments", assignments), ("topics", topics)]:
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    np.save(tmp_path / "coords.npy", coords)
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "99-stale.md").write_text("old")
    run_tables(tmp_path / "papers.parquet", tmp_path / "assignments.parquet",
               tmp_path / "topics.parquet", tmp_path / "coords.npy", tmp_path / "papers.csv",
               tmp_path / "topics.csv", tmp_path / "topics")
    assert len(read_papers_csv(tmp_path / "papers.csv")) == 4
    assert read_topics_csv(tmp_path / "topics.csv")["topic_id"].tolist() == [-1, 0, 1]
    assert sorted(p.name for p in (tmp_path / "topics").iterdir()) == sorted(
        ["-1-outliers-no-clear-topic.md", "0-masked-image-mim.md", "1-protein.md"])
    text = (tmp_path / "topics" / "0-masked-image-mim.md").read_text()
    assert text.index("Bold") < text.index("Masked Images")  # more central first
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Sources: a.txt; b.txt" in text
    assert "> (no abstract)" in (tmp_path / "topics" / "-1-outliers-no-clear-topic.md").read_text()
    # p1 was an outlier that outlier handling placed in topic 0; p2 was in it all along.
    masked = text[text.index("Masked Images"):]
    assert "reassigned outlier" in masked.split("##")[0]
    assert "reassigned outlier" not in text[text.index("Bold"):text.index("Masked Images")]


def test_slugs_are_file_name_safe():
    assert slugify("Masked image, MIM / ViT!") == "masked-image-mim-vit"
    assert list_filename(-1, "outliers (no clear topic)") == "-1-outliers-no-clear-topic.md"
    assert preview("word " * 200).endswith("…") and len(preview("word " * 200)) < 410


def test_map_page_draws_every_paper_and_keeps_titles_as_text(tables):
    papers, topics = tables
    papers = read_papers_csv_roundtrip(papers)
    figure = topic_map_figure(papers, topics)
    assert sum(len(trace.x) for trace in figure.data) == len(papers)
    assert figure.data[0].name.startswith("outliers")  # drawn first, beneath the topics
    hovers = [text for trace in figure.data for text in trace.hovertext]
    assert sum("(reassigned outlier)" in text for text in hovers) == 1
    html = map_page(figure, papers)
    assert '<script src="plotly.min.js"></script>' in html
    assert not re.search(r"<script[^>]+src=\"https?:", html)
    assert "<script>alert" not in html


def test_index_page_counts_links_every_topic_and_escapes_text(tables):
    papers, topics = tables
    topics = topics.copy()
    topics.loc[topics["topic_id"] == 1, "label"] = EVIL_TITLE
    report = {"files": 2, "records": 5, "unique_papers": 4, "duplicates": 1, "skipped": 1,
              "per_file": [{"skipped": [{"file": "b.txt", "line": 3, "reason": "title without "
                                         "an abstract", "text": "<i>x</i>"}]}]}
    html = index_page(report, topics, papers, {"hdbscan": {"min_cluster_size": 10}},
                      run_info={"date": "2026-11-22", "model": "m", "corpus_sha256": "0" * 64,
                                "packages": {}})
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="topics/0-masked-image-mim.md"' in html
    assert "b.txt:3: title without an abstract" in html
    assert "min_cluster_size" in html
    assert ">4</b>unique papers" in html


def read_papers_csv_roundtrip(papers: pd.DataFrame) -> pd.DataFrame:
    """What the map rule reads: papers.csv as written to disk."""
    import io

    buffer = io.StringIO()
    papers.to_csv(buffer, index=False)
    buffer.seek(0)
    return read_papers_csv(buffer)
