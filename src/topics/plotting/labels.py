"""Where to draw topic names on a map so that they do not overlap.

Shared by the interactive map and the static PNG: both start each label at its topic's
centre and push overlapping labels apart, in pixels at the figure's nominal size.
Deterministic (no randomness), so the same topics give the same picture.
"""

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd

LABEL_WIDTH_CHARS = 22


def wrap_label(label: str, width: int = LABEL_WIDTH_CHARS) -> list[str]:
    """A topic name as short lines, so a long name is a block rather than a long bar."""
    return textwrap.wrap(" ".join(str(label).split()), width=width) or [""]


@dataclass(frozen=True)
class Placement:
    """Offset of a label from its topic's centre, in pixels (dy positive = down)."""

    dx: float
    dy: float


def label_boxes(labels: list[str], font_px: float) -> np.ndarray:
    """Approximate (width, height) in pixels of each wrapped label, with a little padding."""
    sizes = []
    for label in labels:
        lines = wrap_label(label)
        sizes.append(
            (max(len(line) for line in lines) * 0.6 * font_px + 8, len(lines) * 1.25 * font_px + 6)
        )
    return np.array(sizes, dtype=float).reshape(-1, 2)


def place_labels(
    centres: np.ndarray,
    labels: list[str],
    *,
    data_range: np.ndarray,
    plot_px: tuple[float, float] = (1000.0, 700.0),
    font_px: float = 12.0,
    max_rounds: int = 300,
) -> list[Placement]:
    """Nudge labels (starting at their centres) until no two boxes overlap.

    centres: (k, 2) in data units; data_range: [[xmin, xmax], [ymin, ymax]] of the plot.
    The map keeps x and y at the same scale, so one pixels-per-unit factor converts both.
    Each round moves every overlapping pair apart along the axis where they overlap least,
    half each; ties are broken by index, so the result never depends on chance.
    """
    centres = np.asarray(centres, dtype=float).reshape(-1, 2)
    if len(centres) == 0:
        return []
    span = np.maximum(np.ptp(np.asarray(data_range, dtype=float), axis=1), 1e-9)
    scale = min(plot_px[0] / span[0], plot_px[1] / span[1])
    start = np.column_stack([centres[:, 0] * scale, -centres[:, 1] * scale])
    pos = start.copy()
    half = label_boxes(labels, font_px) / 2
    for _ in range(max_rounds):
        moved = False
        for i in range(len(pos)):
            for j in range(i + 1, len(pos)):
                gap = np.abs(pos[i] - pos[j]) - (half[i] + half[j])
                if (gap >= 0).any():
                    continue
                axis = int(np.argmax(gap))  # the smaller overlap (gap is negative)
                direction = np.sign(pos[i, axis] - pos[j, axis]) or (-1.0 if axis else 1.0)
                shift = (-gap[axis] / 2 + 0.5) * direction
                pos[i, axis] += shift
                pos[j, axis] -= shift
                moved = True
        if not moved:
            break
    offsets = pos - start
    return [Placement(float(dx), float(dy)) for dx, dy in offsets]


def topic_centres(papers: pd.DataFrame) -> pd.DataFrame:
    """Median map position of each topic's papers (outliers excluded), indexed by topic_id."""
    topical = papers[papers["topic_id"] != -1]
    return topical.groupby("topic_id")[["x", "y"]].median()
