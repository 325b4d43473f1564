"""The document map: one point per paper at its 2-D position, coloured by theme and topic.

The figure is one WebGL trace whose coordinates travel as typed arrays and whose colours
are indices into the topics' colours, so a map of 100,000 papers stays a few megabytes.
Everything else the page shows its script builds from the data of topics.report.map_data.
"""

from typing import Any

import numpy as np
import plotly.graph_objects as go


def _colour_index(report: Any) -> tuple[np.ndarray, list[str]]:
    """Each paper's row in the topics table, and the topics' colours in that order."""
    position = {int(t): i for i, t in enumerate(report.topics["topic_id"])}
    index = report.papers["topic_id"].map(position).to_numpy(np.int16)
    return index, list(report.topics["colour"])


def topic_map_figure(report: Any) -> go.Figure:
    """One scatter of every paper; its colour is its topic's shade of its theme's hue.

    A point's index is the paper's row in the report's papers table. The discrete
    colour scale maps topic row i (a value of i + 0.5) to exactly its colour.
    """
    papers = report.papers
    index, colours = _colour_index(report)
    n = max(len(colours), 1)
    scale = [
        step
        for i, colour in enumerate(colours)
        for step in ([i / n, colour], [(i + 1) / n, colour])
    ] or [[0, "#000"], [1, "#000"]]
    outlier = (papers["topic_id"] == -1).to_numpy()
    # Papers placed since the last full fit (update: incremental) are outlined.
    added = papers["added"].to_numpy(bool)
    figure = go.Figure(
        go.Scattergl(
            x=papers["x"].to_numpy(np.float32),
            y=papers["y"].to_numpy(np.float32),
            mode="markers",
            marker={
                "color": index.astype(np.float32) + 0.5,
                "colorscale": scale,
                "cmin": 0,
                "cmax": n,
                "size": np.where(added, 9, np.where(outlier, 4, 6)).astype(np.int8),
                "opacity": 0.8,
                "line": {"width": np.where(added, 1.5, 0).astype(np.float32), "color": "#222"}
                if added.any()
                else {"width": 0},
            },
            selected={"marker": {"opacity": 1.0, "size": 9}},
            unselected={"marker": {"opacity": 0.06}},
            hoverinfo="none",  # the page's script shows its own card
            showlegend=False,
        )
    )
    n_topics = int((report.topics["topic_id"] != -1).sum())
    figure.update_layout(
        template="plotly_white",
        title={"text": f"{len(papers)} papers, {len(report.themes)} themes, {n_topics} topics"},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        dragmode="pan",
        hovermode="closest",
        uirevision="map",
    )
    return figure
