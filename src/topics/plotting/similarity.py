"""Topic-topic similarity heatmap: cosine similarity of topic centroids."""

from typing import Any

import numpy as np
import plotly.graph_objects as go

from topics.centroids import cosine_similarity_matrix, topic_centroid_matrix
from topics.plotting.style import escape_text


def topic_similarity_figure(report: Any) -> go.Figure:
    """Square heatmap, topics in the theme tree's order, so a theme's topics sit together
    and related topics form bright blocks."""
    topics = report.topics.sort_values("topic_id")
    topic_ids, centroids = topic_centroid_matrix(topics)
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    if len(report.tree):
        from scipy.cluster.hierarchy import leaves_list

        order = [int(i) for i in leaves_list(np.asarray(report.tree, dtype=float))]
    else:
        order = list(range(len(topic_ids)))
    ids = [int(topic_ids[i]) for i in order]
    similarity = cosine_similarity_matrix(centroids[order]) if len(order) else np.zeros((0, 0))
    names = [f"{t}: {escape_text(str(labels[t]))}" for t in ids]
    figure = go.Figure(
        go.Heatmap(
            z=np.round(similarity, 3),
            x=names,
            y=names,
            colorscale="Viridis",
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "cosine"}},
            hovertemplate="%{y}<br>%{x}<br>similarity %{z:.2f}<extra></extra>",
        )
    )
    figure.update_layout(
        template="plotly_white",
        title={"text": "Topic similarity (cosine of topic centroids)"},
        yaxis={"autorange": "reversed", "scaleanchor": "x"},
        xaxis={"tickangle": -40},
        height=max(450, 28 * len(ids) + 250),
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
    )
    return figure
