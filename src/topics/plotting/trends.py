"""Themes and topics over time: each theme's share of every period's papers as small
multiples, and, for a theme chosen from a menu, its topics' shares."""

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from topics.plotting.style import escape_text

COLUMNS = 4


def _series(report: Any, level: str, ids: list[int]) -> dict[int, Any]:
    counts = report.counts[report.counts["level"] == level]
    return {i: rows.sort_values("period") for i, rows in counts.groupby("id") if i in ids}


def no_years(report: Any) -> go.Figure | None:
    """A figure saying there is nothing to show, when the inputs give no years."""
    if len(report.counts):
        return None
    figure = go.Figure()
    figure.add_annotation(
        text="The inputs give no years (or too few papers per year): no trends to show.",
        showarrow=False,
    )
    return figure.update_layout(template="plotly_white", height=300)


def theme_shares_figure(report: Any) -> go.Figure:
    """Small multiples: each theme's share of the period's papers, on one shared scale."""
    themes = report.themes
    ids = [int(t) for t in themes["theme_id"]]
    series = _series(report, "theme", ids)
    rows = max(1, math.ceil(len(ids) / COLUMNS))
    figure = make_subplots(
        rows=rows,
        cols=COLUMNS,
        shared_yaxes=True,
        shared_xaxes=True,
        subplot_titles=[escape_text(label) for label in themes["label"]],
        vertical_spacing=min(0.12, 0.5 / rows),
        horizontal_spacing=0.03,
    )
    trend = report.trends[report.trends["level"] == "theme"].set_index("id")["trend"]
    for k, theme in enumerate(themes.itertuples()):
        data = series.get(int(theme.theme_id))
        if data is None:
            continue
        figure.add_trace(
            go.Scatter(
                x=data["period"],
                y=100 * data["share"],
                mode="lines+markers",
                fill="tozeroy",
                line={"color": theme.colour, "width": 2},
                marker={"size": 5},
                name=escape_text(theme.label),
                showlegend=False,
                customdata=np.column_stack([data["papers"], data["period_papers"]]),
                hovertemplate=f"<b>{escape_text(theme.label)}</b> ({trend.get(theme.theme_id, '')})"
                "<br>%{x}: %{y:.1f}% (%{customdata[0]} of %{customdata[1]} papers)<extra></extra>",
            ),
            row=k // COLUMNS + 1,
            col=k % COLUMNS + 1,
        )
    figure.update_annotations(font_size=11)
    figure.update_yaxes(ticksuffix="%", rangemode="tozero")
    figure.update_layout(
        template="plotly_white",
        height=max(320, 210 * rows + 80),
        title={"text": "Each theme's share of the papers of every period"},
        margin={"l": 40, "r": 20, "t": 80, "b": 30},
    )
    return figure


def topic_shares_figure(report: Any) -> go.Figure:
    """One theme's topics' shares over time; a menu picks the theme."""
    topics = report.topics.set_index("topic_id")
    series = _series(report, "topic", [int(t) for t in topics.index if t != -1])
    trend = report.trends[report.trends["level"] == "topic"].set_index("id")["trend"]
    figure = go.Figure()
    buttons, owner = [], []
    for theme in report.themes.itertuples():
        for topic_id in theme.topics:
            data = series.get(int(topic_id))
            if data is None:
                continue
            topic = topics.loc[topic_id]
            figure.add_trace(
                go.Scatter(
                    x=data["period"],
                    y=100 * data["share"],
                    mode="lines+markers",
                    line={"color": topic["colour"], "width": 2},
                    name=f"{topic_id}: {escape_text(topic['label'])} ({trend.get(topic_id, '')})",
                    customdata=np.column_stack([data["papers"], data["period_papers"]]),
                    hovertemplate="%{fullData.name}<br>%{x}: %{y:.2f}% "
                    "(%{customdata[0]} of %{customdata[1]} papers)<extra></extra>",
                    visible=theme.theme_id == report.themes["theme_id"].iloc[0],
                )
            )
            owner.append(int(theme.theme_id))
        buttons.append(
            {
                "label": escape_text(theme.label),
                "method": "update",
                "args": [
                    {"visible": None},
                    {"title.text": f"Topics of {escape_text(theme.label)}"},
                ],
                "theme": int(theme.theme_id),
            }
        )
    for button in buttons:
        theme_id = button.pop("theme")
        button["args"][0]["visible"] = [o == theme_id for o in owner]
    first = escape_text(report.themes["label"].iloc[0]) if len(report.themes) else ""
    figure.update_layout(
        template="plotly_white",
        height=520,
        title={"text": f"Topics of {first}"},
        yaxis={"ticksuffix": "%", "rangemode": "tozero", "title": "share of the period's papers"},
        updatemenus=[
            {"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.12, "yanchor": "bottom"}
        ],
        legend={"title": {"text": "topic (trend)"}},
        margin={"l": 50, "r": 20, "t": 90, "b": 40},
    )
    return figure


def trends_figures(report: Any) -> list[go.Figure]:
    """The time view: theme shares, then the topics of each theme."""
    empty = no_years(report)
    return [empty] if empty else [theme_shares_figure(report), topic_shares_figure(report)]
