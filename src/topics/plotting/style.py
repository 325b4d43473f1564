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


# The first themes take hues picked to be far apart (blue, red, green, orange, purple,
# teal, magenta, olive, indigo, brown-orange, sky, wine); later ones step round the colour
# wheel by the golden angle. A theme's topics step through lightness and saturation by the
# golden ratio, so neighbours in a theme differ too.
THEME_HUES = [0.58, 0.98, 0.33, 0.08, 0.77, 0.48, 0.88, 0.17, 0.68, 0.04, 0.54, 0.93]
_GOLDEN = 0.381966


def _hex(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in (red, green, blue)))


def level_colours(themes: Any) -> tuple[dict[int, str], dict[int, str]]:
    """(topic id -> colour, theme id -> colour): each theme a hue, each of its topics (the
    themes table's `topics` lists, largest first) a shade of it; outliers grey."""
    topic_colours, theme_colours = {-1: OUTLIER_COLOUR}, {}
    for theme_id, topics in zip(themes["theme_id"], themes["topics"], strict=True):
        k = int(theme_id)
        hue = THEME_HUES[k] if k < len(THEME_HUES) else THEME_HUES[0] + _GOLDEN * k
        theme_colours[int(theme_id)] = _hex(hue, 0.45, 0.7)
        for rank, topic in enumerate(topics):
            step = (rank * (1 - _GOLDEN)) % 1.0
            topic_colours[int(topic)] = _hex(
                hue + 0.04 * (step - 0.5),
                0.32 + 0.33 * step,
                0.55 + 0.35 * ((rank * _GOLDEN + 0.5) % 1.0),
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
