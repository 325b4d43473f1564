"""Intertopic distance map: one bubble per topic, placed so that similar topics sit close."""

from typing import Any

import numpy as np
import plotly.graph_objects as go

from topics.centroids import cosine_similarity_matrix, topic_centroid_matrix
from topics.plotting.style import escape_text


def classical_mds(distances: np.ndarray, n_components: int = 2) -> np.ndarray:
    """2-D positions whose distances approximate `distances` (Torgerson's classical MDS).

    Deterministic and exact for any number of topics, unlike UMAP, which needs more
    points than neighbours: 2 topics lie on a line, 1 topic at the origin.
    """
    n = len(distances)
    if n == 0:
        return np.zeros((0, n_components))
    centring = np.eye(n) - np.ones((n, n)) / n
    gram = -0.5 * centring @ (distances**2) @ centring
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:n_components]
    coords = vectors[:, order] * np.sqrt(np.clip(values[order], 0, None))
    for column in range(coords.shape[1]):  # fix each axis' sign, so reruns look the same
        if coords[np.argmax(np.abs(coords[:, column])), column] < 0:
            coords[:, column] *= -1
    if coords.shape[1] < n_components:
        coords = np.column_stack([coords, np.zeros((n, n_components - coords.shape[1]))])
    return coords


def intertopic_distance_figure(report: Any) -> go.Figure:
    """Bubbles at the MDS positions of the topic centroids (cosine distance), area ~ size,
    each in its shade of its theme's colour; the legend lists the themes."""
    topics = report.topics
    topic_ids, centroids = topic_centroid_matrix(topics)
    distances = 1.0 - cosine_similarity_matrix(centroids)
    coords = classical_mds(distances)
    real = topics.set_index("topic_id").loc[topic_ids] if len(topic_ids) else topics
    sizes = real["size"].to_numpy(dtype=float) if len(topic_ids) else np.zeros(0)
    figure = go.Figure()
    for theme in report.themes.itertuples():
        mask = (real["theme_id"] == theme.theme_id).to_numpy() if len(topic_ids) else []
        if not np.any(mask):
            continue
        ids, members = topic_ids[mask], real[mask]
        figure.add_trace(
            go.Scatter(
                x=coords[mask, 0],
                y=coords[mask, 1],
                mode="markers+text",
                name=escape_text(theme.label),
                # Ids only: full names of nearby topics would pile up; hover shows the name.
                text=[str(t) for t in ids],
                textposition="middle center",
                textfont={"size": 11, "color": "#111"},
                marker={
                    "size": sizes[mask],
                    "sizemode": "area",
                    "sizemin": 8,
                    "sizeref": 2.0 * sizes.max() / 70**2,
                    "color": list(members["colour"]),
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "#333"},
                },
                hovertext=[
                    f"<b>{t}: {escape_text(topic.label)}</b><br>"
                    f"{escape_text(theme.label)}<br>{int(topic.size)} papers<br>"
                    + escape_text(", ".join(list(topic.keywords)[:8]))
                    for t, topic in zip(ids, members.itertuples(), strict=True)
                ],
                hoverinfo="text",
                customdata=np.asarray(ids),
            )
        )
    span = float(np.ptp(coords)) if len(coords) > 1 else 1.0
    pad = 0.25 * (span or 1.0)
    figure.update_layout(
        template="plotly_white",
        title={"text": "Intertopic distances (closer = more similar; area = papers)"},
        legend={"title": {"text": "Themes (click: hide)"}},
        xaxis={
            "title": "MDS 1",
            "zeroline": False,
            "range": [coords[:, 0].min() - pad, coords[:, 0].max() + pad] if len(coords) else None,
        },
        yaxis={
            "title": "MDS 2",
            "zeroline": False,
            "scaleanchor": "x",
            "range": [coords[:, 1].min() - pad, coords[:, 1].max() + pad] if len(coords) else None,
        },
        margin={"l": 40, "r": 20, "t": 60, "b": 40},
    )
    return figure
