"""Page builders of topics.pages, as text (the browser tests open them for real)."""

import json

import numpy as np
import pytest
from synthetic import EVIL_TITLE, synthetic_corpus, topics_csv_frame, write_page_inputs

from topics import pages
from topics.centroids import real_topic_centroids
from topics.plotting.topic_map import topic_map_figure


def test_paper_data_cannot_close_its_script_element():
    text = pages.json_for_script([{"title": "</script><script>alert(1)</script> & more"}])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)[0]["title"] == "</script><script>alert(1)</script> & more"


def test_map_page_carries_every_paper_once_and_shares_plotly_js():
    papers, topics, _ = synthetic_corpus()
    html = pages.map_page(topic_map_figure(papers, topics_csv_frame(topics)), papers)
    assert html.count('<script src="plotly.min.js"></script>') == 1
    assert "cdn.plot.ly" not in html and "<script>alert" not in html
    data = html.split('id="paper-data">', 1)[1].split("</script>", 1)[0]
    records = json.loads(data)
    assert len(records) == len(papers) and records[4]["title"] == EVIL_TITLE


def test_corpus_checksum_follows_content_not_listing_order(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one")
    b.write_text("two")
    first = pages.corpus_checksum([a, b])
    assert first == pages.corpus_checksum([b, a])
    b.write_text("two!")
    assert pages.corpus_checksum([a, b]) != first


def test_index_records_provenance_and_links_each_topic_to_the_map(tmp_path):
    papers, topics, _ = synthetic_corpus()
    seed = tmp_path / "a.txt"
    seed.write_text("A title\nAn abstract.\n")
    config = {"embedding": {"model": "all-MiniLM-L6-v2"}, "umap": {"n_neighbors": 15}}
    run_info = pages.provenance(config, [seed])
    report = {"files": 1, "records": 60, "unique_papers": 60, "duplicates": 0, "skipped": 0,
              "per_file": [{"file": "a.txt", "skipped": []}]}
    html = pages.index_page(report, topics_csv_frame(topics), papers, config, run_info)
    assert run_info["corpus sha256"] in html and "all-MiniLM-L6-v2" in html
    assert "plotly" in run_info["packages"] and run_info["packages"]["plotly"] in html
    assert "n_neighbors" in html
    for topic_id in topics["topic_id"]:
        assert f'href="topic_map.html#topic={topic_id}"' in html
    for href, _, _ in pages.VIEWS[1:]:
        assert f'href="{href}"' in html


PAGE_OUTPUTS = {"topic_map": "topic_map.html", "intertopic_map": "intertopic_map.html",
                "topic_hierarchy": "topic_hierarchy.html",
                "topic_similarity": "topic_similarity.html", "top_terms": "top_terms.html",
                "topic_sources": "topic_sources.html", "plotly_js": "plotly.min.js"}


def test_the_page_job_writes_every_view_and_the_plotly_js_they_share(tmp_path):
    _, topics, _ = write_page_inputs(tmp_path)
    pages.run_topic_pages(tmp_path / "papers.csv", tmp_path / "topics.csv",
                          tmp_path / "topics.parquet", tmp_path / "embeddings.npy",
                          **{key: tmp_path / name for key, name in PAGE_OUTPUTS.items()})
    assert "plotly" in (tmp_path / "plotly.min.js").read_text(encoding="utf-8")[:2000].lower()
    for name in PAGE_OUTPUTS.values():
        if name.endswith(".html"):
            html = (tmp_path / name).read_text(encoding="utf-8")
            assert html.count('<script src="plotly.min.js"></script>') == 1, name
            assert "<script>alert" not in html, name
    intertopic = (tmp_path / "intertopic_map.html").read_text(encoding="utf-8")
    for label in topics.loc[topics["topic_id"] != -1, "label"]:
        assert label in intertopic  # every real topic has a bubble; outliers have no centre
    assert "outliers (no clear topic)" not in intertopic


def test_centroids_cover_the_real_topics_and_refuse_misaligned_embeddings():
    papers, topics, embeddings = synthetic_corpus()
    ids, centroids = real_topic_centroids(embeddings, papers["topic_id"].to_numpy(),
                                          topics["topic_id"].to_numpy())
    assert ids.tolist() == [0, 1, 2]
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1.0)
    with pytest.raises(ValueError, match="59 embeddings for 60 papers"):
        real_topic_centroids(embeddings[1:], papers["topic_id"].to_numpy(),
                             topics["topic_id"].to_numpy())


def test_quality_section_names_each_seeds_cluster_count():
    section = pages.metrics_section({"topics": 17, "stability_ari": 0.22,
                                     "stability_seeds": [42, 44],
                                     "stability_clusters": {"42": 17, "44": 2}})
    assert "stability (mean pairwise ARI)" in section and "0.22" in section
    assert "seed 42: 17, seed 44: 2" in section
