"""HTML pages from the Jinja2 templates in topics/report/templates.

Autoescaping is on, so any paper or topic text put into a page shows as text. Every page
is one self-contained file that asks the network for nothing: the CSS and the map's
script (package files in topics/report/static) are inlined, and plotly.js is one shared
file beside the pages (results/plotly.min.js).
"""

import functools
import json
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from topics.report.views import DOWNLOADS, VIEWS

PLOTLY_JS = "plotly.min.js"


def static_file(name: str) -> Markup:
    """A package file of topics/report/static (CSS, JS), to inline in a page."""
    path = resources.files("topics.report").joinpath("static", *name.split("/"))
    return Markup(path.read_text(encoding="utf-8"))


def json_for_script(value: Any) -> Markup:
    """JSON safe inside a <script> element: no "</script>", no HTML-significant characters."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def figure_div(figure: Any, div_id: str, height: str) -> Markup:
    """A figure as a <div> that draws itself with the shared plotly.js (no CDN, no copy)."""
    import plotly.io as pio

    return Markup(
        pio.to_html(
            figure,
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            default_height=height,
            default_width="100%",
            config={"displaylogo": False, "scrollZoom": True, "responsive": True},
        )
    )


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("topics.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = json_for_script
    env.globals.update(
        views=VIEWS,
        downloads=DOWNLOADS,
        plotly_js=PLOTLY_JS,
        figure_div=figure_div,
        static_file=static_file,
    )
    return env


def render(template: str, *, root: str = "", **context: Any) -> str:
    """A page from `template`; `root` is the way from the page's folder to results/ ("" for
    a page in results/, "../" one folder down), for its links and plotly.js."""
    return environment().get_template(template).render(root=root, **context)
