"""Where the themes and topics are published, and where they came from: papers per theme
(or topic) and value of a metadata field (venue, input file, year), as heatmaps normalised
both ways: the share of a theme's papers in each venue, and the share of a venue's papers
in each theme."""

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from topics.plotting.style import escape_text

FIELD_NAMES = {"venue": "venue", "sources": "input file", "year": "year"}
OTHER = "other"


def field_values(papers: pd.DataFrame, field: str) -> pd.Series:
    """Each paper's values of a field, as a list: a paper in two input files has two."""
    if field == "sources":
        return papers["sources"].map(list)
    values = papers[field].astype(object).where(papers[field].notna(), None)
    return values.map(lambda v: [] if v is None or str(v) == "" else [str(v)])


def field_counts(papers: pd.DataFrame, level: str, field: str, top: int) -> pd.DataFrame:
    """Papers per theme or topic (`level`: "theme_id"/"topic_id"; rows) and value of the
    field (columns): its `top` most frequent values (years: all, in order) and the rest as
    "other". A paper with two values counts under both."""
    pairs = papers[[level]].assign(value=field_values(papers, field)).explode("value")
    pairs = pairs.dropna(subset=["value"])
    pairs = pairs[pairs[level] != -1]
    if field == "year":
        columns = sorted(pairs["value"].unique())
    else:
        frequent = pairs["value"].value_counts()
        columns = list(frequent.index[:top])
        if len(frequent) > top:
            pairs.loc[~pairs["value"].isin(columns), "value"] = OTHER
            columns.append(OTHER)
    counts = pd.crosstab(pairs[level], pairs["value"])
    return counts.reindex(columns=columns, fill_value=0).astype(int)


def fields_figure(report: Any) -> go.Figure:
    """One heatmap per field, level and normalisation, a menu to choose among them."""
    papers, options = report.papers, report.options
    fields = [f for f in options["fields"] if field_values(papers, f).map(len).sum() > 0]
    missing = [FIELD_NAMES[f] for f in options["fields"] if f not in fields]
    figure = go.Figure()
    if not fields or len(report.themes) == 0:
        figure.add_annotation(
            text="The inputs give none of: " + ", ".join(missing)
            if not fields
            else "No themes were found.",
            showarrow=False,
        )
        return figure.update_layout(template="plotly_white")
    names = {
        "theme_id": {
            int(t.theme_id): f"{t.theme_id}: {escape_text(t.label)}"
            for t in report.themes.itertuples()
        },
        "topic_id": {
            int(t.topic_id): f"{t.topic_id}: {escape_text(t.label)}"
            for t in report.topics.itertuples()
            if t.topic_id != -1
        },
    }
    order = {
        "theme_id": list(names["theme_id"]),
        "topic_id": [t for theme in report.themes["topics"] for t in theme],
    }
    menu = []
    for field in fields:
        for level, level_name in [("theme_id", "themes"), ("topic_id", "topics")]:
            counts = field_counts(papers, level, field, options["top_values"])
            counts = counts.reindex([i for i in order[level] if i in counts.index])
            for axis, what in [
                (1, f"share of each {level_name[:-1]}'s papers"),
                (0, f"share of each {FIELD_NAMES[field]}'s papers"),
            ]:
                share = counts.div(counts.sum(axis=axis).replace(0, 1), axis=1 - axis)
                figure.add_trace(
                    go.Heatmap(
                        z=share.to_numpy(),
                        x=[escape_text(str(c)) for c in counts.columns],
                        y=[names[level][i] for i in counts.index],
                        text=counts.to_numpy(),
                        texttemplate="%{text}" if counts.size <= 600 else None,
                        colorscale="Blues",
                        zmin=0,
                        zmax=1,
                        colorbar={"title": {"text": "share"}},
                        hovertemplate=f"%{{y}}<br>%{{x}}: %{{text}} papers (%{{z:.0%}} {what})"
                        "<extra></extra>",
                        visible=not menu,
                    )
                )
                menu.append(
                    (
                        f"{FIELD_NAMES[field]} by {level_name}: {what}",
                        max(420, 22 * len(counts) + 220),
                    )
                )
    buttons = [
        {
            "label": label,
            "method": "update",
            "args": [{"visible": [i == j for j in range(len(menu))]}, {"height": height}],
        }
        for i, (label, height) in enumerate(menu)
    ]
    figure.update_layout(
        template="plotly_white",
        title={
            "text": "Papers per theme or topic and field"
            + (f" (the inputs give no {', '.join(missing)})" if missing else ""),
            "y": 0.99,
            "yanchor": "top",
        },
        updatemenus=[
            {
                "buttons": buttons,
                "x": 0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
                # above the field's values, which stand over the plot
                "pad": {"b": 80},
                "direction": "down",
            }
        ],
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": -30},
        height=menu[0][1],
        margin={"l": 20, "r": 20, "t": 170, "b": 20},
    )
    return figure
