"""The report jobs and templates, as text (the browser tests open the pages for real)."""

import base64
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from defaults import DEFAULTS
from synthetic import EVIL_TITLE, synthetic_report, write_intermediates

from topics.centroids import topic_centroid_matrix, topic_centroids
from topics.metric_names import METRICS
from topics.report import pages
from topics.report.data import load_report
from topics.report.render import json_for_script, render
from topics.report.views import FIGURE_VIEWS, PAGE_FILES, VIEWS

MAP = next(view for view in VIEWS if view.file == "topic_map.html")


def test_paper_data_cannot_close_its_script_element():
    text = json_for_script([{"title": "</script><script>alert(1)</script> & more"}])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)[0]["title"] == "</script><script>alert(1)</script> & more"


def test_the_report_tables_come_back_from_the_intermediates(tmp_path):
    report, _ = synthetic_report()
    loaded = load_report(write_intermediates(tmp_path, report), report.options)
    pd.testing.assert_frame_equal(loaded.papers, report.papers[loaded.papers.columns],
                                  check_dtype=False)  # fmt: skip
    assert loaded.papers["reassigned"].dtype == bool  # a bool, not the text "True"
    assert loaded.papers.loc[0, "sources"] == ["a.txt", "b.txt"]  # a list, not "a; b"
    assert loaded.topics["keywords"].tolist() == report.topics["keywords"].tolist()
    assert loaded.topics["share"].tolist() == report.topics["share"].tolist()
    assert loaded.topics["stability"].fillna(-1).tolist() == [-1, 0.9, 0.9, 0.9, 0.9]
    assert loaded.themes["topics"].tolist() == report.themes["topics"].tolist()
    np.testing.assert_array_equal(loaded.tree, report.tree)


def test_every_paper_and_topic_knows_its_theme():
    report, _ = synthetic_report()
    topics = report.topics.set_index("topic_id")
    for theme in report.themes.itertuples():
        assert (topics.loc[theme.topics, "theme_id"] == theme.theme_id).all()
        assert (topics.loc[theme.topics, "theme_label"] == theme.label).all()
    assert topics.loc[-1, "theme_id"] == -1 and topics.loc[-1, "theme_label"] is None
    merged = report.papers.merge(report.topics[["topic_id", "theme_id"]], on="topic_id")
    assert (merged["theme_id_x"] == merged["theme_id_y"]).all()


def test_every_figure_view_draws_a_figure_from_the_report():
    report, _ = synthetic_report()
    for view in FIGURE_VIEWS:
        drawn = view.draw(report)
        figures = drawn if isinstance(drawn, list) else [drawn]
        assert figures and all(isinstance(f, go.Figure) for f in figures), view.file


def test_map_page_carries_every_paper_once_and_shares_plotly_js():
    report, _ = synthetic_report()
    html = pages.view_page(MAP, report)
    assert html.count('<script src="plotly.min.js"></script>') == 1
    assert "cdn.plot.ly" not in html and "<script>alert" not in html
    data = json.loads(html.split('id="map-data">', 1)[1].split("</script>", 1)[0])
    papers = json.loads(gzip.decompress(base64.b64decode(data["papers"])))
    assert len(papers["title"]) == len(report.papers) and papers["title"][4] == EVIL_TITLE
    assert papers["sources"][0] == ["a.txt", "b.txt"] and papers["reassigned"][4] == 1
    assert 'data-abstracts="abstracts.js"' in html  # the abstracts load from beside it


def test_every_page_links_every_view_in_its_navigation():
    report, _ = synthetic_report()
    for view in FIGURE_VIEWS:
        html = pages.view_page(view, report)
        nav = html.split("<nav>", 1)[1].split("</nav>", 1)[0]
        assert [f'href="{v.file}"' in nav for v in VIEWS] == [True] * len(VIEWS), view.file
        assert f"<title>{view.title}</title>" in html


def test_a_page_one_folder_down_links_back_up():
    html = render("figure.html.j2", root="../", title="t", intro="i", figures=[go.Figure()])
    assert '<script src="../plotly.min.js"></script>' in html
    assert 'href="../index.html"' in html and 'href="../papers.csv"' in html


def test_templates_escape_text_they_are_given():
    html = render("figure.html.j2", title=EVIL_TITLE, intro="<b>bold</b>", figures=[go.Figure()])
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
    report, _ = synthetic_report()
    seed = tmp_path / "a.txt"
    seed.write_text("A title\nAn abstract.\n")
    config = {"embedding": {"model": "all-MiniLM-L6-v2"}, "umap": {"n_neighbors": 15},
              "report": DEFAULTS["report"]}  # fmt: skip
    run_info = pages.provenance(config, [seed])
    context = pages.index_context(PARSE_REPORT, report, config, run_info, metrics)
    return render("index.html.j2", title="Topics in the corpus", **context), run_info


def test_index_records_provenance_and_links_each_topic_to_the_map(tmp_path):
    html, run_info = index_html(tmp_path)
    assert run_info["corpus sha256"] in html and "all-MiniLM-L6-v2" in html
    assert "plotly" in run_info["packages"] and run_info["packages"]["plotly"] in html
    assert "n_neighbors" in html
    for topic_id in [-1, 0, 1, 2, 3]:
        assert f'href="topic_map.html#topic={topic_id}"' in html
    for theme_id in [0, 1]:
        assert f'href="topic_map.html#theme={theme_id}"' in html
    assert 'href="topics/0-graph-methods.md"' in html
    assert 'href="themes/0-graph-theme.md"' in html
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
    files = [out / name for name in PAGE_FILES]
    pages.run_pages(paths, [out / view.file for view in FIGURE_VIEWS], files, out / "plotly.min.js",
                    options=DEFAULTS["report"])  # fmt: skip
    assert (out / "abstracts.js").read_text().startswith("window.topicsAbstracts = ")
    assert "plotly" in (out / "plotly.min.js").read_text(encoding="utf-8")[:2000].lower()
    for view in FIGURE_VIEWS:
        html = (out / view.file).read_text(encoding="utf-8")
        assert html.count('<script src="plotly.min.js"></script>') == 1, view.file
        assert "<script>alert" not in html, view.file
    intertopic = (out / "intertopic_map.html").read_text(encoding="utf-8")
    for label in ["graph methods", "graph theory", "neural methods", "neural theory"]:
        assert label in intertopic  # every real topic has a bubble; outliers have no centre
    assert "outliers (no clear topic)" not in intertopic
    with pytest.raises(ValueError, match="do not match the views"):
        pages.run_pages(
            paths,
            [out / view.file for view in FIGURE_VIEWS[::-1]],
            files,
            out / "plotly.min.js",
            options=DEFAULTS["report"],
        )


def test_centroids_cover_the_real_topics_and_refuse_misaligned_embeddings():
    report, embeddings = synthetic_report()
    ids, centroids = topic_centroid_matrix(report.topics)
    assert ids.tolist() == [0, 1, 2, 3]
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1.0)
    with pytest.raises(ValueError, match="59 embeddings for 60 papers"):
        topic_centroids(embeddings[1:], report.papers["topic_id"].to_numpy(), [0, 1, 2])


def test_index_ranks_the_rising_and_fading_topics_and_names_missing_metadata(tmp_path):
    report, _ = synthetic_report()
    trends = pd.DataFrame({
        "level": ["topic"] * 3, "id": [0, 1, 2], "papers": [40, 30, 20],
        "periods": [6, 6, 6], "first_share": [0.02, 0.10, 0.05], "last_share": [0.08, 0.03, 0.05],
        "slope": [0.3, -0.25, 0.01], "slope_low": [0.1, -0.4, -0.1], "slope_high": [0.5, -0.1, 0.1],
        "p_value": [0.001, 0.002, 0.8], "q_value": [0.003, 0.003, 0.8],
        "trend": ["rising", "fading", "steady"],
    })  # fmt: skip
    context = pages.index_context(PARSE_REPORT, report._replace(trends=trends), {}, {
        "packages": {}}, None)  # fmt: skip
    html = render("index.html.j2", title="t", **context)
    rising = html.split("<h3>Rising</h3>", 1)[1].split("</table>", 1)[0]
    assert "graph methods" in rising and "2.0% → 8.0%" in rising and "×1.35 (1.11–1.65)" in rising
    assert "graph theory" in html.split("<h3>Fading</h3>", 1)[1]  # topic 1
    assert "1 rising, 1 fading, 1 steady" in html
    # The small synthetic corpus has too few papers a year for trends, and says so.
    context = pages.index_context(PARSE_REPORT, report, {}, {"packages": {}}, None)
    html = render("index.html.j2", title="t", **context)
    assert "no trends over time" in html and "<h3>Rising</h3>" not in html
    no_venue = report._replace(papers=report.papers.assign(venue=None))
    context = pages.index_context(PARSE_REPORT, no_venue, {}, {"packages": {}}, None)
    html = render("index.html.j2", title="t", **context)
    assert "The inputs give no venues" in html


COMPONENTS = Path(pages.__file__).parent / "static" / "map"


def test_the_map_page_includes_every_component_once_and_main_last():
    template = (Path(pages.__file__).parent / "templates" / "topic_map.html.j2").read_text()
    listed = re.findall(r'"(\w+\.js)"', template.split("{% for component in", 1)[1].split("%}")[0])
    assert sorted(listed) == sorted(path.name for path in COMPONENTS.glob("*.js"))
    assert len(set(listed)) == len(listed) and listed[-1] == "main.js"


def test_only_one_component_reads_plotlys_private_fields():
    """plotly.js's private fields (gd._fullData, gd._fullLayout, an axis's _offset) are
    read in plotly_private.js alone, which names the version they were checked against."""
    readers = {path.name for path in COMPONENTS.glob("*.js") if "._" in path.read_text()}
    assert readers == {"plotly_private.js"}
    # An upgrade of plotly.js fails here until those fields are checked against it.
    from plotly.offline import get_plotlyjs

    bundled = re.search(r"plotly\.js v([\d.]+)", get_plotlyjs())[1]
    assert f"plotly.js {bundled} " in (COMPONENTS / "plotly_private.js").read_text()
