"""A static picture of the topic map (PNG for the index and the README), drawn with matplotlib.

No browser needed: the main job may run where no Chromium is installed. Like the
interactive map at its full view: outliers faint grey beneath, every paper in its topic's
shade of its theme's colour, and the themes' names at their centres with a white halo,
larger themes first and none on top of another (a name whose place is taken moves a little
or shrinks, as on the page).
"""

from typing import TYPE_CHECKING, Any

import numpy as np

from topics.plotting.labels import level_centres, place_apart, wrap_label
from topics.plotting.style import OUTLIER_COLOUR

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HEIGHT_IN, DPI = 8.0, 100
# Theme names' sizes, largest first: a smaller one where the larger does not fit.
FONTS_PT = [11, 10, 9]


def static_topic_map(report: Any, title: str | None = None) -> "Figure":
    """matplotlib Figure of the map (the caller saves it; nothing is written here)."""
    from matplotlib import patheffects
    from matplotlib.figure import Figure

    papers, topics = report.papers, report.topics
    # As wide as the map's shape asks (equal axes), within 9 to 12 inches.
    span = np.ptp(papers[["x", "y"]].to_numpy(float), axis=0) if len(papers) else np.ones(2)
    span = span + 1e-9
    width_in = float(np.clip(HEIGHT_IN * 0.92 * span[0] / span[1] / 0.98, 9.0, 12.0))
    figure = Figure(figsize=(width_in, HEIGHT_IN), dpi=DPI, facecolor="white")
    axes = figure.add_axes((0.01, 0.01, 0.98, 0.92))
    axes.set_axis_off()
    # Equal scales; the data limits (not the box) stretch to fill the figure, and a margin
    # keeps names of themes at the edge inside the picture.
    axes.set_aspect("equal", adjustable="datalim")
    axes.margins(0.05)
    colours = dict(zip(topics["topic_id"], topics["colour"], strict=True))
    outliers = papers[papers["topic_id"] == -1]
    points = papers[papers["topic_id"] != -1]
    size = float(np.clip(4000 / max(len(papers), 1), 1.5, 20))
    axes.scatter(outliers["x"], outliers["y"], s=size / 2, c=OUTLIER_COLOUR, linewidths=0)
    axes.scatter(
        points["x"],
        points["y"],
        s=size,
        c=points["topic_id"].map(colours).tolist(),
        alpha=0.85,
        linewidths=0,
    )
    n_topics = int((topics["topic_id"] != -1).sum())
    figure.suptitle(
        title or f"{len(papers)} papers, {len(report.themes)} themes, {n_topics} topics",
        fontsize=14,
        x=0.02,
        ha="left",
    )
    centres = level_centres(papers, "theme_id")
    themes = report.themes[report.themes["theme_id"].isin(centres.index)]  # largest first
    if len(themes):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(figure).draw()  # fixes the data limits, so data and pixels convert
        xy = centres.loc[themes["theme_id"], ["x", "y"]].to_numpy(float)
        pixels = axes.transData.transform(xy)
        pixels[:, 1] = figure.bbox.height - pixels[:, 1]  # down, like the boxes' rows
        box = axes.get_window_extent()
        bounds = np.array(
            [[box.x0, box.x1], [figure.bbox.height - box.y1, figure.bbox.height - box.y0]]
        )
        halo = [patheffects.withStroke(linewidth=3.5, foreground="white")]
        labels = themes["label"].tolist()
        places = place_apart(pixels, labels, [pt * DPI / 72 for pt in FONTS_PT], bounds)
        for (x, y), label, place in zip(xy, labels, places, strict=True):
            if place is None:
                continue
            font_px, dx, dy = place
            axes.annotate(
                "\n".join(wrap_label(label)),
                (x, y),
                xytext=(dx * 72 / DPI, -dy * 72 / DPI),  # points; pixels here count down
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=font_px * 72 / DPI,
                fontweight="bold",
                color="#111",
                path_effects=halo,
                zorder=3,
            )
    return figure
