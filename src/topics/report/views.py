"""Every page of results/, declared once.

The page job renders each view with a figure, the index lists and links them, every
page's navigation bar shows them, and Snakefile's `rule all` and the page rule's outputs
are read from here. Adding a view is one entry here, its figure module under
topics.plotting and its test.

A figure is named as "module:function" and imported only by the job that draws it, so
Snakemake can read this registry while it builds its DAG without importing plotly.
"""

import importlib
from collections.abc import Callable
from typing import Any, NamedTuple


class View(NamedTuple):
    """One HTML page of results/."""

    file: str
    # Its name in the navigation bar.
    name: str
    # The page's own title.
    title: str
    # What it shows, in one line (the index's list of views).
    description: str
    # "module:function" drawing its plotly Figure (or a list of them) from the report
    # (topics.report.data.Report); None for the index, which is a page of tables.
    figure: str | None = None
    # How to read the figure, one or two sentences above it.
    intro: str = ""
    # The page's Jinja2 template (topics/report/templates/).
    template: str = "figure.html.j2"
    # "module:function" giving, from the report, the data the page's own script reads.
    data: str | None = None
    # Files the page loads from beside it: (file name, "module:function" giving its text).
    files: tuple[tuple[str, str], ...] = ()

    def draw(self, report: Any) -> Any:
        """The view's figure."""
        return _function(self.figure)(report)

    def script_data(self, report: Any) -> Any:
        """The data for the page's script, or None when it has none."""
        return _function(self.data)(report) if self.data else None

    def file_texts(self, report: Any) -> dict[str, str]:
        """The files the page loads from beside it, by name."""
        return {name: _function(function)(report) for name, function in self.files}


def _function(name: str | None) -> Callable[[Any], Any]:
    module, _, function = (name or "").partition(":")
    return getattr(importlib.import_module(module), function)


VIEWS = [
    View(
        "index.html",
        "Overview",
        "Topics in the corpus",
        "corpus figures, topics, run settings",
        template="index.html.j2",
    ),
    View(
        "topic_map.html",
        "Topic map",
        "Topic map",
        "one point per paper, search, click for the abstract",
        figure="topics.plotting.topic_map:topic_map_figure",
        template="topic_map.html.j2",
        data="topics.report.map_data:map_data",
        files=(("abstracts.js", "topics.report.map_data:abstracts_script"),),
    ),
    View(
        "intertopic_map.html",
        "Intertopic distances",
        "Intertopic distances",
        "topic centres placed by similarity",
        figure="topics.plotting.intertopic:intertopic_distance_figure",
        intro="Each bubble is a topic, its area the number of papers; topics whose papers are "
        "similar (cosine distance of mean embeddings, classical MDS) sit close together; each is "
        "in its shade of its theme's colour (click a theme in the legend to hide it).",
    ),
    View(
        "top_terms.html",
        "Top terms",
        "Top terms",
        "c-TF-IDF keyword scores of each topic",
        figure="topics.plotting.top_terms:top_terms_figure",
        intro="The keywords that set each topic apart, scored by c-TF-IDF (how much more often "
        "a term occurs in the topic than in the whole corpus).",
    ),
    View(
        "topic_hierarchy.html",
        "Hierarchy",
        "Topic hierarchy",
        "the themes and the topics inside them",
        figure="topics.plotting.hierarchy:topic_hierarchy_figure",
        intro="The themes and the topics inside them: each theme's topics joined step by step, "
        "closest first (Ward linkage of their centroids in the embedding space), then the "
        "themes; links inside a theme are in its colour, and the dashed line separates the "
        "themes.",
    ),
    View(
        "topic_similarity.html",
        "Similarity",
        "Topic similarity",
        "topic-topic cosine similarity heatmap",
        figure="topics.plotting.similarity:topic_similarity_figure",
        intro="Cosine similarity of topic centroids, topics in hierarchy order so related "
        "topics form bright blocks.",
    ),
    View(
        "topic_trends.html",
        "Over time",
        "Themes and topics over time",
        "each theme's and topic's share of the papers per year",
        figure="topics.plotting.trends:trends_figures",
        intro="The share of each period's papers in every theme (small multiples), then, for "
        "the theme chosen in the menu, in each of its topics. These shares follow the corpus's "
        "mix of venues from year to year; a topic is called rising or fading only when its "
        "share moves within venues (trends.adjust_for), at a false discovery rate of "
        "trends.max_q (topic_trends.csv has the figures).",
    ),
    View(
        "topic_fields.html",
        "Venues & sources",
        "Themes and topics by venue, input file and year",
        "papers of each theme and topic per venue, input file and year",
        figure="topics.plotting.fields:fields_figure",
        intro="Papers of each theme (or topic) per value of a field: shaded by the share of the "
        "theme's papers in each venue, or of the venue's papers in each theme (menu); a "
        "paper in two input files counts in both.",
    ),
]
# The pages the page job draws (all but the index, which has its own job).
FIGURE_VIEWS = [view for view in VIEWS if view.figure]
# The files those pages load from beside them.
PAGE_FILES = [name for view in FIGURE_VIEWS for name, _ in view.files]
# Files linked from every page's navigation bar after the views.
DOWNLOADS = [
    ("papers.csv", "papers.csv"),
    ("topics.csv", "topics.csv"),
    ("themes.csv", "themes.csv"),
    ("parse_report.json", "parse report"),
]
