"""Where names go on a map: at the centre of their papers, never on top of one another.

The interactive map places its labels in the browser as the reader zooms (the page's
script follows the same rules); the static PNG places the theme names here. Both wrap a
name into short lines, put it at the median position of its papers, and drop a less
important name (a smaller theme) rather than let two overlap: no leader lines.
"""

import textwrap

import numpy as np
import pandas as pd

LABEL_WIDTH_CHARS = 22


def wrap_label(label: str, width: int = LABEL_WIDTH_CHARS) -> list[str]:
    """A name as short lines, so a long name is a block rather than a long bar."""
    return textwrap.wrap(" ".join(str(label).split()), width=width) or [""]


def label_size(label: str, font_px: float) -> tuple[float, float]:
    """Approximate (width, height) in pixels of a wrapped name, with a little padding."""
    lines = wrap_label(label)
    return max(len(line) for line in lines) * 0.6 * font_px + 8, len(lines) * 1.25 * font_px + 6


def level_centres(papers: pd.DataFrame, level: str) -> pd.DataFrame:
    """Median map position of the papers of each topic or theme (`level`: "topic_id" or
    "theme_id"), outliers left out, indexed by id."""
    grouped = papers[papers[level] != -1]
    return grouped.groupby(level)[["x", "y"]].median()


def keep_apart(centres_px: np.ndarray, sizes_px: np.ndarray, bounds_px: np.ndarray) -> list[bool]:
    """Which labels to draw: in the given (priority) order, each label centred on its
    point is kept when its box lies within `bounds_px` ([[left, right], [top, bottom]])
    and overlaps no label kept before it."""
    kept: list[np.ndarray] = []
    keep = []
    for centre, size in zip(
        np.asarray(centres_px, float), np.asarray(sizes_px, float), strict=True
    ):
        box = np.array([centre - size / 2, centre + size / 2])
        inside = (box[0] >= bounds_px[:, 0]).all() and (box[1] <= bounds_px[:, 1]).all()
        free = all((box[1] <= other[0]).any() or (other[1] <= box[0]).any() for other in kept)
        keep.append(bool(inside and free))
        if keep[-1]:
            kept.append(box)
    return keep
