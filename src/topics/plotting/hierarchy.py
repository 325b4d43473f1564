"""Topic hierarchy: the themes and the topics inside them, topics as the tree's leaves."""

from typing import Any

import numpy as np
import plotly.graph_objects as go

from topics.plotting.style import OUTLIER_COLOUR, escape_text

# Links joining topics of different themes.
ACROSS_THEMES = "#888888"


def link_themes(tree: np.ndarray, leaf_themes: list[int]) -> list[int | None]:
    """For every node of a scipy linkage (leaves, then merges in order), the theme all its
    topics share, or None where it joins topics of different themes."""
    themes: list[int | None] = list(leaf_themes)
    for left, right, *_ in tree:
        a, b = themes[int(left)], themes[int(right)]
        themes.append(a if a == b else None)
    return themes


def topic_hierarchy_figure(report: Any) -> go.Figure:
    """Dendrogram of the theme tree (topics.themes.theme_tree: each theme's topics by Ward
    linkage of their centroids, then the themes): topics as leaves on the left, merge
    height along x, links inside a theme in its colour, and the line between the themes."""
    topics = report.topics[report.topics["topic_id"] != -1].sort_values("topic_id")
    figure = go.Figure()
    tree = np.asarray(report.tree, dtype=float)
    if len(topics) < 2 or len(tree) == 0:
        figure.add_annotation(text="A hierarchy needs at least two topics.", showarrow=False)
        return figure.update_layout(template="plotly_white")
    from scipy.cluster.hierarchy import dendrogram

    names = [f"{t.topic_id}: {escape_text(t.label)}" for t in topics.itertuples()]
    colours = dict(zip(report.themes["theme_id"], report.themes["colour"], strict=True))
    node_themes = link_themes(tree, [int(t) for t in topics["theme_id"]])
    drawn = dendrogram(
        tree,
        no_plot=True,
        orientation="left",
        labels=list(range(len(topics))),
        link_color_func=lambda node: colours.get(node_themes[node], ACROSS_THEMES),
    )
    for xs, ys, colour in zip(drawn["dcoord"], drawn["icoord"], drawn["color_list"], strict=True):
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    leaves = drawn["leaves"]
    positions = [5 + 10 * i for i in range(len(leaves))]
    figure.add_trace(
        go.Scatter(
            x=[0] * len(leaves),
            y=positions,
            mode="markers",
            marker={
                "size": 10,
                "color": [topics["colour"].iloc[i] or OUTLIER_COLOUR for i in leaves],
                "line": {"width": 1, "color": "#333"},
            },
            hovertext=[
                f"{names[i]}<br>{escape_text(topics['theme_label'].iloc[i])}" for i in leaves
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    for theme in report.themes.itertuples():  # legend entries: one per theme, in its colour
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": theme.colour, "width": 4},
                name=escape_text(theme.label),
            )
        )
    n_themes = len(report.themes)
    if 1 < n_themes <= len(tree):
        # The themes lie between the last merge inside a theme and the first across themes.
        cut = (tree[-n_themes, 2] + tree[-n_themes + 1, 2]) / 2
        figure.add_vline(
            x=cut,
            line={"dash": "dash", "color": "#555", "width": 1},
            annotation_text=f"{n_themes} themes",
            annotation_position="top",
        )
    figure.update_layout(
        template="plotly_white",
        title={"text": "Topic hierarchy: the themes and the topics inside them"},
        xaxis={
            "title": "distance at which topics merge (Ward; themes above)",
            "rangemode": "tozero",
        },
        yaxis={
            "tickvals": positions,
            "ticktext": [names[i] for i in leaves],
            "showgrid": False,
            "zeroline": False,
        },
        legend={"title": {"text": "Themes"}},
        height=max(400, 22 * len(leaves) + 160),
        margin={"l": 20, "r": 20, "t": 60, "b": 50},
    )
    return figure
