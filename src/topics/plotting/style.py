"""What every figure shares: topic colours and how text is made safe for Plotly."""

import html
import textwrap

# Okabe-Ito first (safe for the common colour-vision deficiencies), then Paul Tol's muted
# and light sets: distinct hues for up to 24 topics before colours repeat.
PALETTE = [
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#77AADD",
    "#EE8866",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#44BB99",
    "#BBCC33",
]
OUTLIER_COLOUR = "#d0d0d0"
HOVER_WIDTH = 70
# A list (keywords, sources) as one line of text: in figures, the CSV exports and the
# reading lists alike.
LIST_SEPARATOR = "; "


def topic_colour(topic_id: int) -> str:
    return OUTLIER_COLOUR if topic_id == -1 else PALETTE[topic_id % len(PALETTE)]


def escape_text(text: object) -> str:
    """Paper or topic text for Plotly's labels, which read a few HTML tags and entities.

    Only &, < and > are escaped: Plotly decodes &lt; &gt; &amp; but shows &quot; literally.
    """
    return html.escape(str(text), quote=False)


def wrap_for_hover(text: str, width: int = HOVER_WIDTH) -> str:
    """Escape text for Plotly's hover (which understands a few HTML tags) and wrap it."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=width) or [""]
    return "<br>".join(escape_text(line) for line in lines)
