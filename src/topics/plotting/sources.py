"""Where the topics came from: papers per topic and input file (one search or export each)."""

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from topics.plotting.style import escape_text


def topic_source_counts(papers: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """Papers of each topic (rows, in topics' order) found in each input file (columns).

    A paper listed in two files counts in both, so a row can sum to more than the topic size.
    """
    pairs = papers[["topic_id", "sources"]].assign(source=papers["sources"].map(list))
    pairs = pairs.explode("source").dropna(subset=["source"])
    counts = pd.crosstab(pairs["topic_id"], pairs["source"])
    counts = counts.reindex(index=list(topics["topic_id"]), fill_value=0)
    return counts.reindex(columns=sorted(counts.columns)).astype(int)


def topic_sources_figure(report: Any) -> go.Figure:
    """Heatmap of topic x input file with the count in each cell; shading by row share."""
    papers, topics = report.papers, report.topics
    counts = topic_source_counts(papers, topics)
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    rows = [f"{t}: {escape_text(str(labels[t]))}" for t in counts.index]
    columns = [escape_text(str(c)) for c in counts.columns]
    share = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
    figure = go.Figure(
        go.Heatmap(
            z=share.to_numpy(),
            x=columns,
            y=rows,
            text=counts.to_numpy(),
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "share of<br>topic"}},
            hovertemplate="%{y}<br>%{x}: %{text} papers (%{z:.0%} of the topic's listings)"
            "<extra></extra>",
        )
    )
    figure.update_layout(
        template="plotly_white",
        title={
            "text": "Papers per topic and input file (each file is one search or export)",
            "y": 0.98,
            "yanchor": "top",
        },
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": 0 if len(columns) <= 6 else -30},
        height=max(400, 30 * len(rows) + 200),
        margin={"l": 20, "r": 20, "t": 130, "b": 20},
    )
    return figure
