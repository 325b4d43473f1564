"""The document map: one point per paper at its 2-D position, coloured by theme and topic.

The figure is one WebGL trace whose coordinates travel as typed arrays and whose colours
are indices into the topics' colours, so a map of 100,000 papers stays a few megabytes.
Everything else the page shows (names placed as the reader zooms, the legend tree, hover
cards, search, the paper panel) the page's script builds from `map_data`: a compact
gzip'd table of the papers, the topics and the themes. Abstracts, the bulk of the text,
go to a file of their own beside the page (`abstracts_script`; its name is the view's,
topics.report.views), which the page loads after it has drawn.
"""

import base64
import gzip
import json
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from topics.plotting.labels import level_centres, wrap_label


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


def pack(value: Any) -> str:
    """JSON, gzip'd (with no timestamp, so the same data gives the same page) and base64'd:
    the page's script unpacks it with the browser's own DecompressionStream."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def _text(values: pd.Series) -> list[str]:
    return ["" if value is None or pd.isna(value) else str(value) for value in values]


def map_data(report: Any) -> dict[str, Any]:
    """What the page's script knows: the papers (packed, in the figure's point order), the
    topics and themes with their names, colours and label positions, the map's extent."""
    papers = report.papers
    topic_centres = level_centres(papers, "topic_id")
    theme_centres = level_centres(papers, "theme_id")
    topics = [
        {
            "id": int(topic.topic_id),
            "label": str(topic.label),
            "lines": wrap_label(topic.label),
            "theme": int(topic.theme_id),
            "colour": topic.colour,
            "size": int(topic.size),
            "x": float(topic_centres.loc[topic.topic_id, "x"]),
            "y": float(topic_centres.loc[topic.topic_id, "y"]),
        }
        for topic in report.topics.itertuples()
        if topic.topic_id in topic_centres.index
    ]
    themes = [
        {
            "id": int(theme.theme_id),
            "label": str(theme.label),
            "lines": wrap_label(theme.label),
            "colour": theme.colour,
            "size": int(theme.size),
            "topics": list(theme.topics),
            "x": float(theme_centres.loc[theme.theme_id, "x"]),
            "y": float(theme_centres.loc[theme.theme_id, "y"]),
        }
        for theme in report.themes.itertuples()
        if theme.theme_id in theme_centres.index
    ]
    outliers = report.topics[report.topics["topic_id"] == -1]
    columns = {
        "title": _text(papers["title"]),
        "topic": papers["topic_id"].astype(int).tolist(),
        "reassigned": papers["reassigned"].astype(bool).astype(int).tolist(),
        "added": papers["added"].astype(bool).astype(int).tolist(),
        "year": _text(papers["year"]),
        "venue": _text(papers["venue"]),
        "authors": [list(a) for a in papers["authors"]],
        "sources": [list(s) for s in papers["sources"]],
        "doi": _text(papers["doi"]),
        "arxiv_id": _text(papers["arxiv_id"]),
        "link": _text(papers["link"]),
    }
    # What the map can colour the papers by besides their theme: the configured fields
    # the inputs give.
    given = {
        "venue": papers["venue"].notna().any(),
        "year": papers["year"].notna().any(),
        "sources": papers["sources"].map(len).any(),
    }
    colour_by = [field for field in report.options["fields"] if given[field]]
    return {
        "papers": pack(columns),
        "count": len(papers),
        # Papers placed since the last full fit (update: incremental).
        "added": int(papers["added"].sum()),
        "colour_by": colour_by,
        "top_values": report.options["top_values"],
        "topics": topics,
        "themes": themes,
        "outliers": {"label": str(outliers["label"].iloc[0]), "size": int(outliers["size"].iloc[0])}
        if len(outliers)
        else None,
    }


def abstracts_script(report: Any) -> str:
    """abstracts.js: every abstract, in the papers' order, packed like the page's table.

    A script file, not data fetched by the page: a page opened from disk may load a
    script beside it, but browsers refuse it a fetch of a local file.
    """
    packed = pack(_text(report.papers["abstract"]))
    return f'window.topicsAbstracts = "{packed}";\n'
