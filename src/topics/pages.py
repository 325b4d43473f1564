"""The HTML pages of results/: the topic map and the index that links everything.

Every page works from disk with no network: plotly.js is one shared file beside the pages,
referenced relatively, and all paper text is escaped so it shows as text.
"""

import datetime
import html
import json
from pathlib import Path

import pandas as pd
import plotly.io as pio

from topics.reading_lists import list_filename
from topics.tables import read_papers_csv

PLOTLY_JS = "plotly.min.js"
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
header { padding: 12px 24px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.3em; margin: 0 0 4px; }
nav a { margin-right: 16px; }
main { padding: 16px 24px; }
table { border-collapse: collapse; background: #fff; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 6px 10px; text-align: left;
         vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.figures { display: flex; gap: 24px; flex-wrap: wrap; margin: 12px 0 20px; }
.figure { background: #fff; border: 1px solid #e4e4e4; padding: 10px 16px; border-radius: 6px; }
.figure b { display: block; font-size: 1.4em; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 6px;
          margin-right: 6px; vertical-align: middle; }
.muted { color: #666; }
"""
NAV = [("index.html", "Overview"), ("topic_map.html", "Topic map"), ("papers.csv", "papers.csv"),
       ("topics.csv", "topics.csv"), ("parse_report.json", "Parse report")]


def esc(value: object) -> str:
    return html.escape(str(value))


def page(title: str, body: str, *, head: str = "") -> str:
    """A complete self-contained HTML page with the shared header and navigation."""
    links = " ".join(f'<a href="{href}">{esc(text)}</a>' for href, text in NAV)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
{head}
</head>
<body>
<header><h1>{esc(title)}</h1><nav>{links}</nav></header>
<main>
{body}
</main>
</body>
</html>
"""


def figure_div(figure, div_id: str, height: str = "80vh") -> str:
    """A figure as a <div> that draws itself with the shared plotly.js (no CDN, no copy)."""
    return pio.to_html(figure, full_html=False, include_plotlyjs=False, div_id=div_id,
                       default_height=height, default_width="100%",
                       config={"displaylogo": False, "scrollZoom": True, "responsive": True})


def plotly_script() -> str:
    return f'<script src="{PLOTLY_JS}"></script>'


def map_page(figure) -> str:
    body = ('<p class="muted">Hover a point for the paper; scroll to zoom, drag to pan; click a '
            'topic in the legend to hide it, double-click to show it alone.</p>'
            + figure_div(figure, "topic-map"))
    return page("Topic map", body, head=plotly_script())


METRIC_NAMES = {
    "topics": "topics", "outlier_share_before": "outlier share before reassignment",
    "outlier_share": "outlier share", "reassigned": "outliers reassigned",
    "largest_topic_share": "largest topic's share", "npmi": "coherence (NPMI)",
    "c_v": "coherence (C_v)", "diversity": "topic diversity",
    "silhouette": "silhouette (reduced space)", "label_uniqueness": "unique labels",
    "stability_ari": "stability (mean pairwise ARI)", "nmi": "NMI vs. corpus labels",
    "ari": "ARI vs. corpus labels",
}


def metrics_section(metrics: dict | None) -> str:
    """The run's quality figures (results/metrics.json) as a small table."""
    if not metrics:
        return ""
    rows = "".join(f"<tr><td>{esc(name)}</td><td class='num'>{esc(metrics[key])}</td></tr>"
                   for key, name in METRIC_NAMES.items() if metrics.get(key) is not None)
    return ("<h2>Quality</h2><p class='muted'>From <a href='metrics.json'>metrics.json</a>: "
            "coherence and diversity over each topic's top-10 keywords; stability over the "
            f"UMAP seeds {esc(metrics.get('stability_seeds', []))}.</p>"
            f"<table><tbody>{rows}</tbody></table>")


def _stability(topic) -> str:
    """A topic's stability score for the table; blank when not measured (or for outliers)."""
    value = getattr(topic, "stability", "")
    return "" if value in ("", None) or pd.isna(value) else f"{float(value):.2f}"


def index_page(report: dict, topics: pd.DataFrame, papers: pd.DataFrame, config: dict,
               metrics: dict | None = None) -> str:
    """The entry page: corpus figures, the topic table with links, and the run's settings."""
    n_topics = int((topics["topic_id"] != -1).sum())
    outliers = int((papers["topic_id"] == -1).sum())
    figures = [("listing files", report["files"]), ("records read", report["records"]),
               ("unique papers", report["unique_papers"]), ("duplicates", report["duplicates"]),
               ("skipped", report["skipped"]), ("topics", n_topics),
               ("outlier papers", outliers)]
    figures_html = "".join(f'<div class="figure"><b>{value}</b>{esc(name)}</div>'
                           for name, value in figures)
    from topics.plotting.topic_map import topic_colour

    rows = []
    for topic in topics.itertuples():
        reading = list_filename(topic.topic_id, topic.label)
        rows.append(
            f'<tr><td class="num">{topic.topic_id}</td>'
            f'<td><span class="swatch" style="background:{topic_colour(topic.topic_id)}">'
            f'</span>{esc(topic.label)}</td>'
            f'<td class="num">{topic.size}</td><td class="num">{100 * topic.share:.1f}%</td>'
            f'<td class="num">{_stability(topic)}</td>'
            f'<td>{esc(topic.keywords)}</td>'
            f'<td><a href="topics/{esc(reading)}">reading list</a></td></tr>')
    table = ("<table><thead><tr><th>id</th><th>topic</th><th>papers</th><th>share</th>"
             "<th title='how often its papers stay together across UMAP seeds'>stability</th>"
             "<th>keywords</th><th></th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    skipped = [issue for entry in report["per_file"] for issue in entry["skipped"]]
    skipped_html = ""
    if skipped:
        items = "".join(
            f"<li>{esc(issue['file'])}{':' + str(issue['line']) if issue['line'] else ''}: "
            f"{esc(issue['reason'])} <span class='muted'>{esc(issue['text'])}</span></li>"
            for issue in skipped)
        skipped_html = f"<h2>Skipped while parsing</h2><ul>{items}</ul>"
    settings = esc(json.dumps(config, indent=2, sort_keys=True))
    generated = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""
<div class="figures">{figures_html}</div>
<p><a href="topic_map.html"><b>Open the topic map</b></a> · one point per paper, coloured by
topic.</p>
<h2>Topics</h2>
{table}
{metrics_section(metrics)}
{skipped_html}
<h2>Run settings</h2>
<p class="muted">Generated {generated}. Change these in config.yaml and run <code>snakemake</code>
again; only the affected stages rerun.</p>
<pre>{settings}</pre>
"""
    return page("Topics in the corpus", body)


def run_map_page(papers_csv_path: str | Path, topics_csv_path: str | Path,
                 html_path: str | Path) -> None:
    from topics.plotting.topic_map import topic_map_figure

    papers = read_papers_csv(papers_csv_path)
    topics = pd.read_csv(topics_csv_path, keep_default_na=False)
    Path(html_path).write_text(map_page(topic_map_figure(papers, topics)), encoding="utf-8")


def run_index_page(report_path: str | Path, papers_csv_path: str | Path,
                   topics_csv_path: str | Path, html_path: str | Path, config: dict,
                   metrics_path: str | Path | None = None) -> None:
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    metrics = json.loads(Path(metrics_path).read_text(encoding="utf-8")) if metrics_path else None
    papers = read_papers_csv(papers_csv_path)
    topics = pd.read_csv(topics_csv_path, keep_default_na=False)
    Path(html_path).write_text(index_page(report, topics, papers, config, metrics),
                               encoding="utf-8")


def run_plotly_js(js_path: str | Path) -> None:
    """Write the plotly.js bundle that every page shares."""
    from plotly.offline import get_plotlyjs

    Path(js_path).write_text(get_plotlyjs(), encoding="utf-8")
