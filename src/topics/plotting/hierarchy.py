"""Topic hierarchy: which topics merge first when similar topics are joined step by step."""

import pandas as pd
import plotly.graph_objects as go

from topics.centroids import topic_centroid_matrix, topic_linkage
from topics.plotting.style import escape_text, topic_colour


def topic_hierarchy_figure(papers: pd.DataFrame, topics: pd.DataFrame) -> go.Figure:
    """Dendrogram with topics as leaves on the left and cosine distance along x."""
    topic_ids, centroids = topic_centroid_matrix(topics)
    figure = go.Figure()
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    names = [f"{t}: {escape_text(str(labels[t]))}" for t in topic_ids]
    if len(topic_ids) < 2:
        figure.add_annotation(text="A hierarchy needs at least two topics.", showarrow=False)
        return figure.update_layout(template="plotly_white")
    from scipy.cluster.hierarchy import dendrogram

    tree = dendrogram(
        topic_linkage(centroids),
        no_plot=True,
        orientation="left",
        labels=list(range(len(topic_ids))),
    )
    for xs, ys in zip(tree["dcoord"], tree["icoord"], strict=True):
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#555", "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    leaves = tree["leaves"]
    positions = [5 + 10 * i for i in range(len(leaves))]
    figure.add_trace(
        go.Scatter(
            x=[0] * len(leaves),
            y=positions,
            mode="markers",
            marker={
                "size": 11,
                "color": [topic_colour(int(topic_ids[i])) for i in leaves],
                "line": {"width": 1, "color": "#333"},
            },
            hovertext=[names[i] for i in leaves],
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.update_layout(
        template="plotly_white",
        title={"text": "Topic hierarchy (average linkage of topic centroids)"},
        xaxis={"title": "cosine distance at which topics merge", "rangemode": "tozero"},
        yaxis={
            "tickvals": positions,
            "ticktext": [names[i] for i in leaves],
            "showgrid": False,
            "zeroline": False,
        },
        height=max(400, 32 * len(leaves) + 120),
        margin={"l": 20, "r": 20, "t": 60, "b": 50},
    )
    return figure
