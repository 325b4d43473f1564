"""Top terms per topic: a small bar chart of each topic's c-TF-IDF keyword scores."""

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from topics.plotting.style import escape_text


def top_terms_figure(report: Any, n_terms: int = 8, columns: int = 4) -> go.Figure:
    """One horizontal bar chart per topic (outliers left out), best term on top."""
    topical = report.topics[report.topics["topic_id"] != -1].reset_index(drop=True)
    if topical.empty:
        figure = go.Figure()
        figure.add_annotation(text="No topics were found.", showarrow=False)
        return figure.update_layout(template="plotly_white")
    columns = min(columns, len(topical))
    rows = math.ceil(len(topical) / columns)
    titles = [f"{t.topic_id}: {escape_text(str(t.label))}" for t in topical.itertuples()]
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=0.12,
        vertical_spacing=min(0.3 / rows, 0.08),
    )
    for index, topic in enumerate(topical.itertuples()):
        words = list(topic.keywords)[:n_terms][::-1]
        scores = list(topic.scores)[:n_terms][::-1]
        figure.add_trace(
            go.Bar(
                x=scores,
                y=[escape_text(w) for w in words],
                orientation="h",
                marker_color=topic.colour,
                showlegend=False,
                name=str(topic.topic_id),
                hovertemplate="%{y}: %{x:.4f}<extra></extra>",
            ),
            row=index // columns + 1,
            col=index % columns + 1,
        )
    figure.update_annotations(font_size=12)
    figure.update_layout(
        template="plotly_white",
        height=max(320, 250 * rows),
        title={"text": "Top terms per topic (c-TF-IDF score)"},
        margin={"l": 20, "r": 20, "t": 80, "b": 20},
        bargap=0.25,
    )
    return figure
