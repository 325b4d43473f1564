"""Sweep chart: each combination's quality metrics side by side."""

import pandas as pd
import plotly.graph_objects as go

from topics.metric_names import METRICS


def sweep_figure(table: pd.DataFrame) -> go.Figure:
    """Grouped bars: one group per metric, one bar per combination (balanced ones starred)."""
    metrics = [
        m.key for m in METRICS if m.charted and m.key in table and table[m.key].notna().any()
    ]
    figure = go.Figure()
    for row in table.to_dict("records"):
        name = f"★ {row['name']}" if row["balanced"] else row["name"]
        figure.add_trace(go.Bar(name=name, x=metrics, y=[row[m] for m in metrics]))
    figure.update_layout(
        barmode="group",
        title="Metrics per combination",
        yaxis_title="value",
        legend_title="combination",
        template="plotly_white",
    )
    return figure
