"""A static picture of the topic map (PNG for the README), drawn with matplotlib.

No browser needed: the main job may run where no Chromium is installed. Styled after
datamapplot's static plots: no axes, outliers faint grey beneath, topic names at their
centres with a white halo, nudged apart by the same placement as the interactive map.
"""

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from topics.plotting.labels import place_labels, topic_centres, wrap_label
from topics.plotting.style import OUTLIER_COLOUR, topic_colour

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HEIGHT_IN, DPI = 8.0, 100


def static_topic_map(
    papers: pd.DataFrame, topics: pd.DataFrame, title: str | None = None
) -> "Figure":
    """matplotlib Figure of the map (the caller saves it; nothing is written here)."""
    from matplotlib import patheffects
    from matplotlib.figure import Figure

    # As wide as the map's shape asks (equal axes), within 9 to 12 inches.
    span = (
        np.ptp(papers[["x", "y"]].to_numpy(float), axis=0) if len(papers) else np.ones(2)
    ) + 1e-9
    width_in = float(np.clip(HEIGHT_IN * 0.92 * span[0] / span[1] / 0.98, 9.0, 12.0))
    figure = Figure(figsize=(width_in, HEIGHT_IN), dpi=DPI, facecolor="white")
    axes = figure.add_axes((0.01, 0.01, 0.98, 0.92))
    axes.set_axis_off()
    # Equal scales; the data limits (not the box) stretch to fill the figure, and a margin
    # keeps names of topics at the edge inside the picture.
    axes.set_aspect("equal", adjustable="datalim")
    axes.margins(0.12)
    outliers = papers[papers["topic_id"] == -1]
    axes.scatter(outliers["x"], outliers["y"], s=10, c=OUTLIER_COLOUR, linewidths=0, zorder=1)
    for topic_id in sorted(t for t in topics["topic_id"] if t != -1):
        members = papers[papers["topic_id"] == topic_id]
        axes.scatter(
            members["x"],
            members["y"],
            s=22,
            c=topic_colour(int(topic_id)),
            alpha=0.85,
            linewidths=0,
            zorder=2,
        )
    n_topics = int((topics["topic_id"] != -1).sum())
    figure.suptitle(
        title or f"Topic map: {len(papers)} papers, {n_topics} topics",
        fontsize=14,
        x=0.02,
        ha="left",
    )
    centres = topic_centres(papers)
    if len(centres) and len(papers):
        labels = [topics.loc[topics["topic_id"] == t, "label"].iloc[0] for t in centres.index]
        data_range = np.array(
            [[papers["x"].min(), papers["x"].max()], [papers["y"].min(), papers["y"].max()]]
        )
        plot_px = (0.98 * width_in * DPI, 0.92 * HEIGHT_IN * DPI)
        placements = place_labels(
            centres.to_numpy(),
            labels,
            data_range=data_range,
            plot_px=plot_px,
            font_px=10 * DPI / 72,
        )
        halo = [patheffects.withStroke(linewidth=3, foreground="white")]
        for (_, centre), label, placement in zip(
            centres.iterrows(), labels, placements, strict=True
        ):
            moved = abs(placement.dx) + abs(placement.dy) > 4
            axes.annotate(
                "\n".join(wrap_label(label)),
                xy=(centre["x"], centre["y"]),
                xytext=(placement.dx * 72 / DPI, -placement.dy * 72 / DPI),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=10,
                fontweight="bold",
                color="#111",
                path_effects=halo,
                zorder=3,
                arrowprops={"arrowstyle": "-", "color": "#666", "lw": 0.8} if moved else None,
            )
    return figure
