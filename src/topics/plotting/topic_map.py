"""The document map: one point per paper at its 2-D UMAP position, coloured by topic."""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from topics.plotting.labels import place_labels, topic_centres, wrap_label
from topics.plotting.style import LIST_SEPARATOR, escape_text, topic_colour, wrap_for_hover

HOVER_ABSTRACT_CHARS = 200


def hover_text(paper: Mapping[str, Any]) -> str:
    abstract = " ".join(str(paper["abstract"]).split())
    if len(abstract) > HOVER_ABSTRACT_CHARS:
        abstract = abstract[:HOVER_ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"
    reassigned = " (reassigned outlier)" if paper["reassigned"] else ""
    return (
        f"<b>{wrap_for_hover(paper['title'])}</b><br>"
        f"<i>{escape_text(str(paper['topic_label']))}</i>{reassigned}<br>"
        f"Sources: {escape_text(LIST_SEPARATOR.join(paper['sources']))}<br>"
        f"<span style='color:#555'>{wrap_for_hover(abstract)}</span>"
    )


def topic_map_figure(papers: pd.DataFrame, topics: pd.DataFrame) -> go.Figure:
    """Scatter of papers (the report's papers table: x, y, topic_id, title, topic_label,
    reassigned, sources, abstract).

    One WebGL trace per topic, so the legend hides or isolates a topic; outliers first, so
    they are drawn beneath the topics. Each point's customdata is the paper's row position
    in `papers`, which the page's script uses to find the paper's full text. Topic names sit
    at each topic's median position, nudged apart where they would overlap.
    """
    papers = papers.reset_index(drop=True)
    figure = go.Figure()
    order = sorted(topics["topic_id"], key=lambda t: (t != -1, t))
    for topic_id in order:
        topic = topics[topics["topic_id"] == topic_id].iloc[0]
        members = papers[papers["topic_id"] == topic_id]
        outlier = topic_id == -1
        figure.add_trace(
            go.Scattergl(
                x=members["x"],
                y=members["y"],
                mode="markers",
                name=f"{topic['label']} ({len(members)})"
                if outlier
                else f"{topic_id}: {topic['label']} ({len(members)})",
                legendgroup=str(topic_id),
                meta={"topic_id": int(topic_id)},
                marker={
                    "size": 5 if outlier else 7,
                    "color": topic_colour(topic_id),
                    "opacity": 0.6 if outlier else 0.85,
                    "line": {"width": 0 if outlier else 0.5, "color": "rgba(0,0,0,0.35)"},
                },
                selected={"marker": {"opacity": 1.0, "size": 10}},
                unselected={"marker": {"opacity": 0.07}},
                hovertext=[hover_text(paper) for paper in members.to_dict("records")],
                hoverinfo="text",
                customdata=members.index.tolist(),  # plain list: the page script reads it
            )
        )
    centres = topic_centres(papers)
    centres = centres[centres.index.isin(topics["topic_id"])]
    labels = [topics.loc[topics["topic_id"] == t, "label"].iloc[0] for t in centres.index]
    data_range = (
        np.array([[papers["x"].min(), papers["x"].max()], [papers["y"].min(), papers["y"].max()]])
        if len(papers)
        else None
    )
    # Placed for a small plot (a narrow window, the legend and side panel beside it): on a
    # larger one the same offsets leave more room between labels, never less.
    placements = (
        place_labels(centres.to_numpy(), labels, data_range=data_range, plot_px=(620.0, 560.0))
        if len(centres)
        else []
    )
    for (topic_id, centre), label, placement in zip(
        centres.iterrows(), labels, placements, strict=True
    ):
        moved = abs(placement.dx) + abs(placement.dy) > 4
        figure.add_annotation(
            x=centre["x"],
            y=centre["y"],
            name=str(topic_id),
            text="<br>".join(f"<b>{escape_text(line)}</b>" for line in wrap_label(label)),
            showarrow=moved,
            ax=placement.dx,
            ay=placement.dy,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor="#777",
            font={"size": 12, "color": "#111"},
            bgcolor="rgba(255,255,255,0.8)",
            bordercolor=topic_colour(topic_id),
            borderwidth=1,
            borderpad=2,
        )
    figure.update_layout(
        template="plotly_white",
        title={
            "text": f"Topic map: {len(papers)} papers, "
            f"{int((topics['topic_id'] != -1).sum())} topics"
        },
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        legend={
            "title": {"text": "Topics (click: hide, double-click: isolate)"},
            "itemsizing": "constant",
            "font": {"size": 11},
        },
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12}},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        dragmode="pan",
        hovermode="closest",
        uirevision="map",
    )
    return figure


def paper_records(papers: pd.DataFrame, topics: pd.DataFrame) -> list[dict[str, Any]]:
    """What the map page's script knows of each paper, in the row order the figure's
    customdata refers to: the search box and the paper panel read it."""
    return [
        {
            "title": str(p["title"]),
            "abstract": str(p["abstract"]),
            "topic": str(p["topic_label"]),
            "sources": LIST_SEPARATOR.join(p["sources"]),
            "reassigned": bool(p["reassigned"]),
            "x": float(p["x"]),
            "y": float(p["y"]),
            # What the input files said of the paper; empty where they said nothing.
            "year": "" if pd.isna(p["year"]) else str(p["year"]),
            "venue": p["venue"] or "",
            "authors": LIST_SEPARATOR.join(p["authors"]),
            "link": p["link"] or "",
        }
        for p in papers.reset_index(drop=True).to_dict("records")
    ]
