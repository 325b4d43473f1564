"""The report jobs and templates, as text (the browser tests open the pages for real)."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from synthetic import EVIL_TITLE, synthetic_corpus, write_intermediates

from topics.centroids import topic_centroid_matrix, topic_centroids
from topics.report import pages
from topics.report.data import load_report
from topics.report.render import json_for_script, render
from topics.report.views import FIGURE_VIEWS, METRICS, VIEWS

MAP = next(view for view in VIEWS if view.file == "topic_map.html")


def test_paper_data_cannot_close_its_script_element():
    text = json_for_script([{"title": "</script><script>alert(1)</script> & more"}])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)[0]["title"] == "</script><script>alert(1)</script> & more"


def test_the_report_tables_come_back_from_the_intermediates(tmp_path):
    papers, topics, _ = synthetic_corpus()
    loaded_papers, loaded_topics = load_report(write_intermediates(tmp_path))
    pd.testing.assert_frame_equal(loaded_papers, papers[loaded_papers.columns], check_dtype=False)
    assert loaded_papers["reassigned"].dtype == bool  # a bool, not the text "True"
    assert loaded_papers.loc[0, "sources"] == ["a.txt", "b.txt"]  # a list, not "a; b"
    assert loaded_topics["keywords"].tolist() == topics["keywords"].tolist()
    assert loaded_topics["share"].tolist() == topics["share"].tolist()
    assert loaded_topics["stability"].fillna(-1).tolist() == [-1, 0.9, 0.9, 0.9]


def test_every_figure_view_draws_a_figure_from_the_report_tables():
    papers, topics, _ = synthetic_corpus()
    for view in FIGURE_VIEWS:
        assert isinstance(view.draw(papers, topics), go.Figure), view.file


def test_map_page_carries_every_paper_once_and_shares_plotly_js():
    papers, topics, _ = synthetic_corpus()
    html = pages.view_page(MAP, papers, topics)
    assert html.count('<script src="plotly.min.js"></script>') == 1
    assert "cdn.plot.ly" not in html and "<script>alert" not in html
    records = json.loads(html.split('id="paper-data">', 1)[1].split("</script>", 1)[0])
    assert len(records) == len(papers) and records[4]["title"] == EVIL_TITLE
    assert records[0]["sources"] == "a.txt; b.txt" and records[4]["reassigned"] is True


def test_every_page_links_every_view_in_its_navigation():
    papers, topics, _ = synthetic_corpus()
    for view in FIGURE_VIEWS:
        html = pages.view_page(view, papers, topics)
        nav = html.split("<nav>", 1)[1].split("</nav>", 1)[0]
        assert [f'href="{v.file}"' in nav for v in VIEWS] == [True] * len(VIEWS), view.file
        assert f"<title>{view.title}</title>" in html


def test_a_page_one_folder_down_links_back_up():
    html = render("figure.html.j2", root="../", title="t", intro="i", figure=go.Figure())
    assert '<script src="../plotly.min.js"></script>' in html
    assert 'href="../index.html"' in html and 'href="../papers.csv"' in html


def test_templates_escape_text_they_are_given():
    html = render("figure.html.j2", title=EVIL_TITLE, intro="<b>bold</b>", figure=go.Figure())
    assert "<script>alert" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_corpus_checksum_follows_content_not_listing_order(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one")
    b.write_text("two")
    first = pages.corpus_checksum([a, b])
    assert first == pages.corpus_checksum([b, a])
    b.write_text("two!")
    assert pages.corpus_checksum([a, b]) != first


PARSE_REPORT = {
    "files": 1,
    "records": 60,
    "unique_papers": 60,
    "duplicates": 0,
    "skipped": 1,
    "per_file": [
        {
            "file": "a.txt",
            "skipped": [
                {
                    "file": "a.txt",
                    "line": 3,
                    "reason": "title without an abstract",
                    "text": "<i>x</i>",
                }
            ],
        }
    ],
}


def index_html(tmp_path, metrics=None):
    papers, topics, _ = synthetic_corpus()
    seed = tmp_path / "a.txt"
    seed.write_text("A title\nAn abstract.\n")
    config = {"embedding": {"model": "all-MiniLM-L6-v2"}, "umap": {"n_neighbors": 15}}
    run_info = pages.provenance(config, [seed])
    context = pages.index_context(PARSE_REPORT, papers, topics, config, run_info, metrics)
    return render("index.html.j2", title="Topics in the corpus", **context), run_info


def test_index_records_provenance_and_links_each_topic_to_the_map(tmp_path):
    html, run_info = index_html(tmp_path)
    assert run_info["corpus sha256"] in html and "all-MiniLM-L6-v2" in html
    assert "plotly" in run_info["packages"] and run_info["packages"]["plotly"] in html
    assert "n_neighbors" in html
    for topic_id in [-1, 0, 1, 2]:
        assert f'href="topic_map.html#topic={topic_id}"' in html
    assert 'href="topics/0-graph-methods-graph.md"' in html
    assert ">60</b>unique papers" in html
    assert "a.txt:3: title without an abstract" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    views = html.split('<ul id="views">', 1)[1].split("</ul>", 1)[0]
    assert [f'href="{v.file}"' in views for v in FIGURE_VIEWS] == [True] * len(FIGURE_VIEWS)


def test_quality_section_names_each_metric_and_each_seeds_cluster_count(tmp_path):
    metrics = {
        "topics": 17,
        "npmi": 0.08,
        "stability_ari": 0.22,
        "stability_seeds": [42, 44],
        "stability_clusters": {"42": 17, "44": 2},
    }
    html, _ = index_html(tmp_path, metrics)
    quality = html.split("<h2>Quality</h2>", 1)[1].split("</table>", 1)[0]
    names = {metric.key: metric.name for metric in METRICS}
    for key in ["topics", "npmi", "stability_ari"]:
        assert names[key] in quality and str(metrics[key]) in quality
    assert names["c_v"] not in quality  # not measured, not shown
    assert "seed 42: 17, seed 44: 2" in quality
    assert "<h2>Quality</h2>" not in index_html(tmp_path)[0]


def test_the_page_job_writes_every_view_and_the_plotly_js_they_share(tmp_path):
    paths = write_intermediates(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    pages.run_pages(paths, [out / view.file for view in FIGURE_VIEWS], out / "plotly.min.js")
    assert "plotly" in (out / "plotly.min.js").read_text(encoding="utf-8")[:2000].lower()
    for view in FIGURE_VIEWS:
        html = (out / view.file).read_text(encoding="utf-8")
        assert html.count('<script src="plotly.min.js"></script>') == 1, view.file
        assert "<script>alert" not in html, view.file
    intertopic = (out / "intertopic_map.html").read_text(encoding="utf-8")
    for label in ["graph methods, graph", "neural methods, neural", "vision methods, vision"]:
        assert label in intertopic  # every real topic has a bubble; outliers have no centre
    assert "outliers (no clear topic)" not in intertopic
    with pytest.raises(ValueError, match="do not match the views"):
        pages.run_pages(
            paths, [out / view.file for view in FIGURE_VIEWS[::-1]], out / "plotly.min.js"
        )


def test_centroids_cover_the_real_topics_and_refuse_misaligned_embeddings():
    papers, topics, embeddings = synthetic_corpus()
    ids, centroids = topic_centroid_matrix(topics)
    assert ids.tolist() == [0, 1, 2]
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1.0)
    with pytest.raises(ValueError, match="59 embeddings for 60 papers"):
        topic_centroids(embeddings[1:], papers["topic_id"].to_numpy(), [0, 1, 2])
