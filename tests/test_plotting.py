"""The figure functions of topics.plotting, on small synthetic data (no pipeline, no browser)."""

import colorsys
import io

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_report

from topics.plotting.fields import field_counts, fields_figure
from topics.plotting.hierarchy import link_themes, topic_hierarchy_figure
from topics.plotting.intertopic import classical_mds, intertopic_distance_figure
from topics.plotting.labels import level_centres, place_apart, wrap_label
from topics.plotting.similarity import topic_similarity_figure
from topics.plotting.static_map import static_topic_map
from topics.plotting.style import OUTLIER_COLOUR, level_colours
from topics.plotting.top_terms import top_terms_figure
from topics.plotting.topic_map import topic_map_figure
from topics.plotting.trends import trends_figures
from topics.report.map_data import map_data


def test_topic_map_draws_every_paper_once_in_its_topics_colour():
    report, _ = synthetic_report()
    (trace,) = topic_map_figure(report).data
    assert len(trace.x) == len(report.papers) and trace.x.dtype == np.float32  # typed array
    # Point i is paper i; its colour value picks its topic's colour from the scale.
    scale = dict((round(stop, 6), colour) for stop, colour in trace.marker.colorscale)
    n = len(report.topics)
    for row, topic in enumerate(report.papers["topic_id"]):
        position = list(report.topics["topic_id"]).index(topic)
        assert trace.marker.color[row] == position + 0.5
        assert scale[round(position / n, 6)] == report.topics["colour"].iloc[position]
    assert report.topics.set_index("topic_id").loc[-1, "colour"] == OUTLIER_COLOUR


def test_theme_colours_give_each_theme_a_hue_and_its_topics_shades_of_it():
    report, _ = synthetic_report(400, n_themes=3, topics_per_theme=4)
    topic_colours, theme_colours = level_colours(report.themes)
    assert len(set(theme_colours.values())) == 3
    for theme in report.themes.itertuples():
        shades = [topic_colours[t] for t in theme.topics]
        assert len(set(shades)) == len(shades)  # every topic its own shade
        hues = [colorsys.rgb_to_hls(*(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]
                for c in [theme_colours[theme.theme_id], *shades]]  # fmt: skip
        gaps = [min(abs(h - hues[0]), 1 - abs(h - hues[0])) for h in hues]  # round the wheel
        assert max(gaps) < 0.03  # ... of the theme's hue


def _lab(colour: str) -> np.ndarray:
    """CIELAB of an sRGB colour (D65)."""
    rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / [0.95047, 1.0, 1.08883]  # fmt: skip
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_a_reader_tells_the_first_twelve_themes_colours_apart():
    """Issue 22: four of eleven themes were shades of blue. Any two of the first twelve
    themes' colours differ by a colour difference of at least 25 (CIE76; 2.3 is the least
    a reader notices), and none is the outliers' grey."""
    themes = pd.DataFrame({"theme_id": range(12), "topics": [[t] for t in range(12)]})
    _, colours = level_colours(themes)
    labs = [_lab(colour) for colour in colours.values()]
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(labs) for b in labs[:i]]
    assert len(gaps) == 66 and min(gaps) >= 25
    assert OUTLIER_COLOUR not in colours.values()


def test_labels_sit_at_the_median_of_their_papers():
    report, _ = synthetic_report()
    centres = level_centres(report.papers, "theme_id")
    members = report.papers[report.papers["theme_id"] == 0]
    assert centres.loc[0, "x"] == members["x"].median()
    assert -1 not in centres.index


def test_a_name_whose_place_is_taken_moves_or_shrinks_and_only_one_with_no_room_is_left_out():
    bounds = np.array([[0.0, 400.0], [0.0, 400.0]])
    centres = np.array([[100.0, 100.0], [110.0, 104.0], [300.0, 300.0], [5.0, 300.0]])
    places = place_apart(centres, ["first name", "second name", "third", "edge"], [15.0], bounds)
    assert places[0] == (15.0, 0.0, 0.0) and places[2] == (15.0, 0.0, 0.0)
    assert places[1] is not None and places[1][1:] != (0.0, 0.0)  # moved, not dropped
    assert places[3] is not None and places[3][1] > 0  # moved inside from the left edge
    # A plot with room for one name only: the second is left out.
    tight = np.array([[0.0, 120.0], [0.0, 40.0]])
    assert (
        place_apart(np.array([[60.0, 20.0]] * 2), ["first name", "other"], [15.0], tight)[1] is None
    )


def test_long_names_wrap_into_short_lines():
    assert all(len(line) <= 22 for line in wrap_label("a rather long name " * 3))


@pytest.mark.parametrize("n_topics", [2, 3, 5])
def test_intertopic_map_places_every_topic_even_with_two_or_three(n_topics):
    report, _ = synthetic_report(n_papers=100, n_themes=n_topics, topics_per_theme=1)
    figure = intertopic_distance_figure(report)
    coords = np.concatenate([np.column_stack([trace.x, trace.y]) for trace in figure.data])
    assert len(coords) == n_topics and np.isfinite(coords).all()
    assert len({tuple(np.round(c, 6)) for c in coords}) == n_topics  # distinct positions
    assert [trace.name for trace in figure.data] == report.themes["label"].tolist()


def test_classical_mds_keeps_distances_of_points_in_a_plane():
    points = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [1.0, 1.0]])
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    coords = classical_mds(distances)
    assert np.allclose(np.linalg.norm(coords[:, None] - coords[None], axis=2), distances)


def test_similarity_heatmap_is_square_symmetric_with_unit_diagonal_in_theme_order():
    report, _ = synthetic_report(200, n_themes=2, topics_per_theme=3)
    (heatmap,) = topic_similarity_figure(report).data
    z = np.array(heatmap.z)
    assert z.shape == (6, 6)
    assert np.allclose(z, z.T) and np.allclose(np.diag(z), 1.0, atol=1e-3)
    # The themes' topics sit together along the axes.
    themes = report.topics.set_index("topic_id")["theme_id"]
    order = [themes[int(name.split(":")[0])] for name in heatmap.x]
    assert order == sorted(order) or order == sorted(order, reverse=True)


def test_hierarchy_draws_the_theme_tree_with_its_cut_and_copes_with_one_topic():
    report, _ = synthetic_report(200, n_themes=2, topics_per_theme=3)
    figure = topic_hierarchy_figure(report)
    assert len(figure.layout.yaxis.ticktext) == 6
    lines = [t for t in figure.data if t.mode == "lines" and t.x[0] is not None]
    assert len(lines) == 5  # five merges join six topics
    colours = {t.line.color for t in lines}
    assert set(report.themes["colour"]) <= colours  # links inside a theme in its colour
    assert figure.layout.shapes and "2 themes" in figure.layout.annotations[0].text
    single, _ = synthetic_report(40, n_themes=1, topics_per_theme=1)
    assert "at least two topics" in topic_hierarchy_figure(single).layout.annotations[0].text


def test_link_themes_follow_the_tree():
    tree = np.array([[0, 1, 1.0, 2], [2, 3, 1.0, 2], [4, 5, 3.0, 4]])
    assert link_themes(tree, [0, 0, 1, 1]) == [0, 0, 1, 1, 0, 1, None]


def test_field_counts_count_a_paper_under_every_value_and_the_rest_as_other():
    papers = pd.DataFrame({
        "theme_id": [0, 0, 1, 1, -1],
        "sources": [["a.txt", "b.txt"], ["a.txt"], ["b.txt"], ["c.txt"], ["c.txt"]],
        "venue": ["CVPR", "CVPR", "ACL", "ICML", None],
        "year": pd.array([2020, 2021, 2021, None, 2020], dtype="Int64"),
    })  # fmt: skip
    sources = field_counts(papers, "theme_id", "sources", top=5)
    assert sources.loc[0].to_dict() == {"a.txt": 2, "b.txt": 1, "c.txt": 0}
    assert sources.loc[1].to_dict() == {"a.txt": 0, "b.txt": 1, "c.txt": 1}  # outliers left out
    venues = field_counts(papers, "theme_id", "venue", top=1)
    assert list(venues.columns) == ["CVPR", "other"] and venues.loc[1, "other"] == 2
    years = field_counts(papers, "theme_id", "year", top=1)  # years: all of them, in order
    assert list(years.columns) == ["2020", "2021"] and years.loc[1].tolist() == [0, 1]


def test_fields_figure_shades_both_ways_and_says_which_fields_are_missing():
    report, _ = synthetic_report(300, n_themes=2, topics_per_theme=2)
    figure = fields_figure(report)
    # venue, input file and year, each by themes and topics, each normalised two ways
    assert len(figure.data) == 3 * 2 * 2 and len(figure.layout.updatemenus[0].buttons) == 12
    by_theme, by_venue = np.array(figure.data[0].z), np.array(figure.data[1].z)
    assert np.allclose(by_theme.sum(axis=1), 1) and np.allclose(by_venue.sum(axis=0), 1)
    no_venue = report._replace(papers=report.papers.assign(venue=None))
    assert "no venue" in fields_figure(no_venue).layout.title.text


def test_trends_show_each_theme_over_time_and_say_so_when_there_are_no_years():
    report, _ = synthetic_report(6000, n_themes=3, topics_per_theme=2)
    themes, topics = trends_figures(report)
    assert len(themes.data) == 3  # one small multiple per theme
    assert [len(trace.x) for trace in themes.data] == [6, 6, 6]  # 2018-2023
    shares = report.counts[report.counts["level"] == "theme"]
    assert np.allclose(sorted(themes.data[0].y), sorted(100 * shares[shares["id"] == 0]["share"]))
    assert len(topics.data) == 6 and sum(t.visible for t in topics.data) == 2  # first theme's
    (empty,) = trends_figures(synthetic_report()[0])  # 60 papers: too few per year
    assert "no years" in empty.layout.annotations[0].text


def test_top_terms_one_chart_per_topic_with_its_best_term_on_top():
    report, _ = synthetic_report()
    figure = top_terms_figure(report)
    topics = report.topics[report.topics["topic_id"] != -1]
    assert len(figure.data) == len(topics)  # outliers have no terms and no chart
    for trace, topic in zip(figure.data, topics.itertuples(), strict=True):
        assert list(trace.y)[-1] == topic.keywords[0]  # last category is drawn at the top
        assert list(trace.x)[-1] == max(topic.scores)
        assert trace.marker.color == topic.colour


def test_static_map_is_a_png_naming_every_theme_without_overlap():
    report, _ = synthetic_report(2000, n_themes=6, topics_per_theme=3)
    figure = static_topic_map(report)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = figure.axes[0].texts
    assert {t.get_text() for t in texts} <= {
        "\n".join(wrap_label(x)) for x in report.themes["label"]
    }
    assert len(texts) == len(report.themes)  # every theme named
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[:i])


def test_every_figure_copes_with_a_corpus_that_is_all_outliers():
    report, _ = synthetic_report()
    papers = report.papers.assign(topic_id=-1, theme_id=-1)
    topics = report.topics[report.topics["topic_id"] == -1].assign(size=len(papers))
    empty = report._replace(papers=papers, topics=topics, themes=report.themes.iloc[:0],
                            tree=np.zeros((0, 4)))  # fmt: skip
    assert len(topic_map_figure(empty).data[0].x) == len(papers)
    assert intertopic_distance_figure(empty).data == ()
    assert np.array(topic_similarity_figure(empty).data[0].z).size == 0
    assert topic_hierarchy_figure(empty).data == ()
    assert top_terms_figure(empty).data == ()
    assert fields_figure(empty).data == ()
    static_topic_map(empty)
    assert map_data(empty)["themes"] == []
