"""What every figure shares: theme and topic colours, and how text is made safe for Plotly."""

import colorsys
import html
import textwrap
from typing import Any

OUTLIER_COLOUR = "#d0d0d0"
HOVER_WIDTH = 70
# A list (keywords, sources) as one line of text: in figures, the CSV exports and the
# reading lists alike.
LIST_SEPARATOR = "; "


# Themes take a qualitative palette, colours a reader tells apart at a glance (Tableau's
# ten without its grey, the outliers' colour, then plum, dark teal and ochre); a theme
# beyond them steps round the colour wheel by the golden angle. A theme's topics are
# shades of its colour: their lightness steps through a band around the theme's by the
# golden ratio, so neighbours in a theme differ too.
THEME_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#e377c2",
                 "#bcbd22", "#8c564b", "#7b4173", "#004949", "#924900"]  # fmt: skip
_GOLDEN = 0.381966
# The band of lightness a theme's topics spread over, and where it may lie.
SHADE_BAND = 0.36
SHADE_LIGHTNESS = (0.22, 0.78)


def _hex(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in (red, green, blue)))


def _hls(colour: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))


def theme_colour(k: int) -> str:
    """The k-th theme's colour (themes are numbered largest first)."""
    if k < len(THEME_PALETTE):
        return THEME_PALETTE[k]
    return _hex(_hls(THEME_PALETTE[0])[0] + _GOLDEN * k, 0.45, 0.7)


def level_colours(themes: Any) -> tuple[dict[int, str], dict[int, str]]:
    """(topic id -> colour, theme id -> colour): each theme a colour of the palette, each
    of its topics (the themes table's `topics` lists, largest first) a shade of it;
    outliers grey."""
    topic_colours, theme_colours = {-1: OUTLIER_COLOUR}, {}
    for theme_id, topics in zip(themes["theme_id"], themes["topics"], strict=True):
        colour = theme_colour(int(theme_id))
        theme_colours[int(theme_id)] = colour
        hue, lightness, saturation = _hls(colour)
        low, high = SHADE_LIGHTNESS
        darkest = min(max(low, lightness - SHADE_BAND / 2), high - SHADE_BAND)
        for rank, topic in enumerate(topics):
            step = (rank * (1 - _GOLDEN)) % 1.0
            topic_colours[int(topic)] = _hex(
                hue + 0.02 * (step - 0.5),
                darkest + SHADE_BAND * step,
                min(1.0, saturation * (0.75 + 0.35 * ((rank * _GOLDEN + 0.5) % 1.0))),
            )
    return topic_colours, theme_colours


def escape_text(text: object) -> str:
    """Paper or topic text for Plotly's labels, which read a few HTML tags and entities.

    Only &, < and > are escaped: Plotly decodes &lt; &gt; &amp; but shows &quot; literally.
    """
    return html.escape(str(text), quote=False)


def wrap_for_hover(text: str, width: int = HOVER_WIDTH) -> str:
    """Escape text for Plotly's hover (which understands a few HTML tags) and wrap it."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=width) or [""]
    return "<br>".join(escape_text(line) for line in lines)
