"""The figure functions of topics.plotting, on small synthetic data (no pipeline, no browser)."""

import io

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_corpus

from topics.plotting.hierarchy import topic_hierarchy_figure
from topics.plotting.intertopic import classical_mds, intertopic_distance_figure
from topics.plotting.labels import label_boxes, place_labels
from topics.plotting.similarity import topic_similarity_figure
from topics.plotting.sources import topic_source_counts, topic_sources_figure
from topics.plotting.static_map import static_topic_map
from topics.plotting.style import OUTLIER_COLOUR
from topics.plotting.top_terms import top_terms_figure
from topics.plotting.topic_map import topic_map_figure


def test_topic_map_draws_every_paper_once_outliers_first_and_grey():
    papers, topics, _ = synthetic_corpus()
    figure = topic_map_figure(papers, topics)
    assert sum(len(trace.x) for trace in figure.data) == len(papers)
    drawn = sorted(i for trace in figure.data for i in trace.customdata)
    assert drawn == list(range(len(papers)))  # customdata = row position, each exactly once
    assert figure.data[0].legendgroup == "-1"
    assert figure.data[0].marker.color == OUTLIER_COLOUR
    assert [trace.name.endswith(f"({len(trace.x)})") for trace in figure.data] == [True] * 4


def test_topic_map_hover_shows_html_in_titles_as_text():
    papers, topics, _ = synthetic_corpus()
    figure = topic_map_figure(papers, topics)
    hovers = [text for trace in figure.data for text in trace.hovertext]
    evil = [text for text in hovers if "Evil" in text]
    assert len(evil) == 1
    assert "<script>" not in evil[0] and "&lt;script&gt;" in evil[0]
    assert "<img" not in evil[0]


def test_topic_labels_do_not_overlap_on_the_map():
    papers, topics, _ = synthetic_corpus()
    papers.loc[papers["topic_id"] == 1, ["x", "y"]] = papers.loc[
        papers["topic_id"] == 0, ["x", "y"]
    ].to_numpy()[: (papers["topic_id"] == 1).sum()]
    figure = topic_map_figure(papers, topics)  # topics 0 and 1 now share a centre
    notes = figure.layout.annotations
    assert len(notes) == 3
    assert any(note.showarrow for note in notes)  # a nudged label points at its centre


def test_place_labels_separates_overlapping_boxes_and_leaves_distant_ones():
    labels = ["first topic label", "second topic label", "far away"]
    centres = np.array([[0.0, 0.0], [0.01, 0.0], [10.0, 10.0]])
    data_range = np.array([[0.0, 10.0], [0.0, 10.0]])
    placed = place_labels(centres, labels, data_range=data_range, plot_px=(700, 700))
    scale = 70.0
    boxes = label_boxes(labels, 12.0)
    pos = [
        (c[0] * scale + p.dx, -c[1] * scale + p.dy) for c, p in zip(centres, placed, strict=True)
    ]
    for i in range(3):
        for j in range(i + 1, 3):
            apart = [abs(pos[i][k] - pos[j][k]) >= (boxes[i][k] + boxes[j][k]) / 2 for k in (0, 1)]
            assert any(apart), (i, j)
    assert (placed[2].dx, placed[2].dy) == (0.0, 0.0)
    assert placed == place_labels(centres, labels, data_range=data_range, plot_px=(700, 700))


@pytest.mark.parametrize("n_topics", [2, 3, 5])
def test_intertopic_map_places_every_topic_even_with_two_or_three(n_topics):
    papers, topics, _ = synthetic_corpus(n_topics=n_topics)
    ids = [t for t in topics["topic_id"] if t != -1]
    figure = intertopic_distance_figure(papers, topics)
    (trace,) = figure.data
    assert len(trace.x) == n_topics
    coords = np.column_stack([trace.x, trace.y])
    assert np.isfinite(coords).all()
    assert len({tuple(np.round(c, 6)) for c in coords}) == n_topics  # distinct positions
    sizes = topics.set_index("topic_id").loc[ids, "size"].to_numpy()
    assert list(trace.marker.size) == list(sizes)


def test_classical_mds_keeps_distances_of_points_in_a_plane():
    points = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [1.0, 1.0]])
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    coords = classical_mds(distances)
    assert np.allclose(np.linalg.norm(coords[:, None] - coords[None], axis=2), distances)


def test_similarity_heatmap_is_square_symmetric_with_unit_diagonal():
    papers, topics, _ = synthetic_corpus(n_topics=4)
    (heatmap,) = topic_similarity_figure(papers, topics).data
    z = np.array(heatmap.z)
    assert z.shape == (4, 4)
    assert np.allclose(z, z.T) and np.allclose(np.diag(z), 1.0, atol=1e-3)
    assert len(heatmap.x) == len(heatmap.y) == 4


def test_hierarchy_has_one_leaf_per_topic_and_copes_with_one_topic():
    papers, topics, _ = synthetic_corpus(n_topics=4)
    figure = topic_hierarchy_figure(papers, topics)
    assert len(figure.layout.yaxis.ticktext) == 4
    assert len(figure.data) == 4  # three merges + the leaf markers
    single = topic_hierarchy_figure(papers, topics[topics["topic_id"] <= 0])
    assert "at least two topics" in single.layout.annotations[0].text


def test_source_counts_count_a_paper_in_every_file_that_listed_it():
    papers = pd.DataFrame(
        {
            "topic_id": [0, 0, 1, -1],
            "sources": [["a.txt", "b.txt"], ["a.txt"], ["b.txt"], ["c.txt"]],
        }
    )
    topics = pd.DataFrame({"topic_id": [-1, 0, 1], "label": ["out", "zero", "one"]})
    counts = topic_source_counts(papers, topics)
    assert list(counts.index) == [-1, 0, 1]
    assert list(counts.columns) == ["a.txt", "b.txt", "c.txt"]
    assert counts.loc[0].tolist() == [2, 1, 0]
    assert counts.loc[1].tolist() == [0, 1, 0]
    assert counts.loc[-1].tolist() == [0, 0, 1]
    (heatmap,) = topic_sources_figure(papers, topics).data
    assert np.array(heatmap.text).tolist() == counts.to_numpy().tolist()


def test_top_terms_one_chart_per_topic_with_its_best_term_on_top():
    _, topics, _ = synthetic_corpus()
    figure = top_terms_figure(None, topics)
    assert len(figure.data) == 3  # outliers have no terms and no chart
    for trace, topic in zip(
        figure.data, topics[topics["topic_id"] != -1].itertuples(), strict=True
    ):
        assert list(trace.y)[-1] == topic.keywords[0]  # last category is drawn at the top
        assert list(trace.x)[-1] == max(topic.scores)


def test_static_map_is_a_png_made_without_a_browser():
    papers, topics, _ = synthetic_corpus()
    figure = static_topic_map(papers, topics)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert len(texts) == 3  # one name per topic, none for the outliers


def test_every_figure_copes_with_a_corpus_that_is_all_outliers():
    papers, topics, _ = synthetic_corpus()
    papers["topic_id"] = -1
    topics = topics[topics["topic_id"] == -1].assign(size=len(papers))
    assert sum(len(t.x) for t in topic_map_figure(papers, topics).data) == len(papers)
    assert intertopic_distance_figure(papers, topics).data == ()
    assert np.array(topic_similarity_figure(papers, topics).data[0].z).size == 0
    assert topic_hierarchy_figure(papers, topics).data == ()
    assert top_terms_figure(papers, topics).data == ()
    assert topic_source_counts(papers, topics).to_numpy().sum() == papers["sources"].map(len).sum()
    static_topic_map(papers, topics)
