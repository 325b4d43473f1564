"""The figures of metrics.json (topics.metrics), named once: their keys, names and what
each measures, as the index and the sweep's table and chart show them.

A module of its own, importing nothing, so that the pages and the sweep's chart can name
the metrics without loading what computes them.
"""

from typing import NamedTuple


class Metric(NamedTuple):
    """One figure of metrics.json as the pages show it."""

    key: str
    name: str
    description: str
    # Whether the sweep's chart draws it beside the others (figures on a 0-1 scale).
    charted: bool = False


# Every figure of metrics.json that the pages and the sweep show, in the order they show them.
METRICS = [
    Metric("topics", "topics", "topics found, outliers not counted"),
    Metric("themes", "themes", "groups of related topics"),
    Metric(
        "outlier_share_before",
        "outlier share before reassignment",
        "share of papers left out of every topic (by HDBSCAN, or by the throws' consensus)",
    ),
    Metric(
        "outlier_share",
        "outlier share",
        "share of papers in no topic after outlier handling",
        charted=True,
    ),
    Metric(
        "reassigned",
        "outliers reassigned",
        "papers outlier handling moved into their closest topic",
    ),
    Metric(
        "largest_topic_share",
        "largest topic's share",
        "share of the papers in the largest topic",
        charted=True,
    ),
    Metric(
        "largest_theme_share",
        "largest theme's share",
        "share of the papers in the largest theme",
        charted=True,
    ),
    Metric(
        "npmi",
        "coherence (NPMI)",
        "how often a topic's top-10 words occur together, -1 to 1",
        charted=True,
    ),
    Metric(
        "c_v", "coherence (C_v)", "gensim's c_v coherence of the top-10 words, 0 to 1", charted=True
    ),
    Metric(
        "diversity",
        "topic diversity",
        "share of distinct words among all topics' top-10 words",
        charted=True,
    ),
    Metric(
        "silhouette",
        "silhouette (reduced space)",
        "how well the clusters separate in the space HDBSCAN saw, -1 to 1",
        charted=True,
    ),
    Metric(
        "map_topic_agreement",
        "topic islands on the map",
        "share of a paper's 10 nearest neighbours on the map in its topic, 0 to 1",
        charted=True,
    ),
    Metric("label_uniqueness", "unique labels", "share of topics whose label no other has"),
    Metric("throws", "throws", "UMAP and HDBSCAN runs under different seeds the topics come from"),
    Metric(
        "consensus_outliers",
        "consensus outliers",
        "papers the throws disagree on: in no topic before outlier reassignment",
    ),
    Metric(
        "agreement_mean",
        "mean agreement",
        "share of the throws that agree with a paper's topic, over the papers in topics, 0 to 1",
        charted=True,
    ),
    Metric(
        "all_agree_share",
        "papers every throw agrees on",
        "share of the papers in topics on which every throw agrees",
    ),
    Metric(
        "stability_ari",
        "stability (mean pairwise ARI)",
        "agreement of the throws' own clusterings, pair by pair, 0 to 1",
        charted=True,
    ),
    Metric("nmi", "NMI vs. corpus labels", "agreement with the corpus's own labels"),
    Metric("ari", "ARI vs. corpus labels", "agreement with the corpus's own labels"),
    Metric(
        "theme_nmi",
        "themes' NMI vs. corpus labels",
        "agreement of the themes with the corpus's own labels",
    ),
    Metric(
        "theme_ari",
        "themes' ARI vs. corpus labels",
        "agreement of the themes with the corpus's own labels",
    ),
]
