"""Where names go on a map: at the centre of their papers, never on top of one another.

The interactive map places its labels in the browser as the reader zooms (the page's
script follows the same rules); the static PNG places the theme names here. Both wrap a
name into short lines and put it at the median position of its papers; a theme's name whose
place is taken moves a little or shrinks until it fits (place_apart), so every theme is
named where there is room, and names never overlap: no leader lines.
"""

import textwrap

import numpy as np
import pandas as pd

LABEL_WIDTH_CHARS = 22
# Where a name may go when its centre is taken (as the page's names.js): shifts from the
# centre in name widths and heights, nearest first, tried at each size in turn.
SHIFTS = [(0, 0), (0, -0.6), (0, 0.6), (-0.35, 0), (0.35, 0), (0, -1.1), (0, 1.1),
          (-0.35, -0.6), (0.35, -0.6), (-0.35, 0.6), (0.35, 0.6), (-0.7, 0), (0.7, 0),
          (0, -1.6), (0, 1.6)]  # fmt: skip


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


def place_apart(
    centres_px: np.ndarray,
    labels: list[str],
    fonts_px: list[float],
    bounds_px: np.ndarray,
) -> list[tuple[float, float, float] | None]:
    """Where to draw each label, in the given (priority) order: (font size, x shift, y
    shift) in pixels, or None where no size and shift fits. Each label tries its centre at
    the largest size, then the shifts (SHIFTS) and the smaller sizes, and takes the first
    box that lies within `bounds_px` ([[left, right], [top, bottom]]) and overlaps no label
    placed before it."""
    kept: list[np.ndarray] = []
    places: list[tuple[float, float, float] | None] = []
    for centre, label in zip(np.asarray(centres_px, float), labels, strict=True):
        place = None
        for font in fonts_px:
            size = np.array(label_size(label, font))
            for shift in SHIFTS:
                offset = np.array(shift) * size
                box = np.array([centre + offset - size / 2, centre + offset + size / 2])
                if (box[0] < bounds_px[:, 0]).any() or (box[1] > bounds_px[:, 1]).any():
                    continue
                if any(((box[0] < other[1]) & (other[0] < box[1])).all() for other in kept):
                    continue
                place = (float(font), float(offset[0]), float(offset[1]))
                kept.append(box)
                break
            if place:
                break
        places.append(place)
    return places
