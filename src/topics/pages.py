"""The HTML pages of results/: the topic map, the other views and the index that links them.

Every page works from disk with no network: plotly.js is one shared file beside the pages,
referenced relatively, and all paper text is escaped (or set as textContent by the page's
script) so it shows as text.
"""

import datetime
import hashlib
import html
import json
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio

from topics.reading_lists import list_filename
from topics.tables import LIST_SEPARATOR, is_reassigned, read_papers_csv, read_topics_csv

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
td.link { white-space: nowrap; }
.figures { display: flex; gap: 24px; flex-wrap: wrap; margin: 12px 0 20px; }
.figure { background: #fff; border: 1px solid #e4e4e4; padding: 10px 16px; border-radius: 6px; }
.figure b { display: block; font-size: 1.4em; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 6px;
          margin-right: 6px; vertical-align: middle; }
.muted { color: #666; }
.map-tools { display: flex; gap: 8px; align-items: center; padding: 8px 24px; flex-wrap: wrap; }
.map-tools input { font-size: 1em; padding: 4px 8px; width: 28em; max-width: 60vw; }
.map-layout { display: flex; height: calc(100vh - 120px); min-height: 420px; }
.map-layout > .plot { flex: 1; min-width: 0; overflow: hidden; }
.map-layout aside { width: 330px; overflow-y: auto; border-left: 1px solid #ddd;
                    background: #fff; padding: 8px 14px; font-size: 0.92em; }
aside h2 { font-size: 1.05em; margin: 8px 0; }
aside ol { padding-left: 1.4em; }
button.result { background: none; border: none; padding: 0; color: #0645ad; cursor: pointer;
                text-align: left; font: inherit; }
button.result:hover { text-decoration: underline; }
.paper-topic { font-style: italic; }
.paper-abstract { line-height: 1.45; }
.overview { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; }
.overview h2 { margin-top: 0; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.provenance dt { color: #555; }
dl.provenance dd { margin: 0; font-family: ui-monospace, monospace; }
"""
# Every view of results/, in the order the navigation shows them.
VIEWS = [
    ("index.html", "Overview", "corpus figures, topics, run settings"),
    ("topic_map.html", "Topic map", "one point per paper, search, click for the abstract"),
    ("intertopic_map.html", "Intertopic distances", "topic centres placed by similarity"),
    ("top_terms.html", "Top terms", "c-TF-IDF keyword scores of each topic"),
    ("topic_hierarchy.html", "Hierarchy", "which topics merge first"),
    ("topic_similarity.html", "Similarity", "topic-topic cosine similarity heatmap"),
    ("topic_sources.html", "Sources", "papers of each topic per listing file"),
]
NAV = [(href, name) for href, name, _ in VIEWS] + [
    ("papers.csv", "papers.csv"), ("topics.csv", "topics.csv"),
    ("parse_report.json", "parse report")]
# Versions worth recording with a run: the libraries whose behaviour shapes the topics.
PACKAGES = ["topics", "sentence-transformers", "torch", "umap-learn", "hdbscan", "bertopic",
            "scikit-learn", "numpy", "pandas", "plotly", "snakemake"]


def esc(value: object) -> str:
    return html.escape(str(value))


def page(title: str, body: str, *, head: str = "", main: bool = True) -> str:
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
{"<main>" if main else ""}
{body}
{"</main>" if main else ""}
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


def json_for_script(value: object) -> str:
    """JSON safe inside a <script> element: no "</script>", no HTML-significant characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def map_script() -> str:
    return resources.files("topics").joinpath("assets/topic_map.js").read_text(encoding="utf-8")


def map_page(figure, papers: pd.DataFrame) -> str:
    """The document map with its search box and paper panel.

    `papers` must be in the row order the figure's customdata refers to (topic_map_figure
    uses row positions). Paper text travels as JSON data and is shown with textContent.
    """
    records = [{"title": str(p["title"]), "abstract": str(p["abstract"]),
                "topic": str(p["topic_label"]), "sources": str(p["sources"]),
                "reassigned": is_reassigned(p), "x": float(p["x"]), "y": float(p["y"])}
               for p in papers.to_dict("records")]
    tools = """
<div class="map-tools">
  <label for="search">Search titles and abstracts:</label>
  <input id="search" type="search" placeholder="e.g. contrastive" autocomplete="off">
  <button id="clear" type="button">Clear</button>
  <output id="match-count" for="search" aria-live="polite"></output>
  <span class="muted">Scroll to zoom, drag to pan; click a point for its abstract; legend:
  click hides a topic, double-click shows it alone.</span>
</div>"""
    aside = """
<aside>
  <section id="paper" hidden></section>
  <section><ol id="results"></ol></section>
  <p class="muted" id="hint">Click a point, or search, to read papers here.</p>
</aside>"""
    body = (tools + '<div class="map-layout"><div class="plot">'
            + figure_div(figure, "topic-map", height="100%") + "</div>" + aside + "</div>"
            + f'<script type="application/json" id="paper-data">{json_for_script(records)}'
            + "</script>\n<script>" + map_script() + "</script>")
    return page("Topic map", body, head=plotly_script(), main=False)


def view_page(title: str, figure, intro: str, div_id: str = "view") -> str:
    """A page holding one figure, with a sentence on how to read it."""
    body = f'<p class="muted">{esc(intro)}</p>' + figure_div(figure, div_id, height="85vh")
    return page(title, body, head=plotly_script())


def corpus_checksum(paths: list[str | Path]) -> str:
    """SHA-256 over the listing files' names and bytes, in name order: same corpus, same sum."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_versions(names: list[str] = PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance(config: dict, listing_paths: list[str | Path]) -> dict:
    """What produced this run: date, model, corpus checksum, package versions."""
    return {
        "generated": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "embedding model": config.get("embedding", {}).get("model", "unknown"),
        "corpus sha256": corpus_checksum(listing_paths),
        "listing files": len(listing_paths),
        "packages": package_versions(),
    }


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
    # Clusters per seed show at a glance when one seed's clustering collapsed into a few.
    clusters = metrics.get("stability_clusters") or {}
    per_seed = (f" (clusters: {', '.join(f'seed {seed}: {n}' for seed, n in clusters.items())})"
                if clusters else "")
    return ("<h2>Quality</h2><p class='muted'>From <a href='metrics.json'>metrics.json</a>: "
            "coherence and diversity over each topic's top-10 keywords; stability over the "
            f"UMAP seeds {esc(metrics.get('stability_seeds', []))}{esc(per_seed)}.</p>"
            f"<table><tbody>{rows}</tbody></table>")


def _stability(topic) -> str:
    """A topic's stability score for the table; blank when not measured (or for outliers)."""
    value = getattr(topic, "stability", "")
    return "" if value in ("", None) or pd.isna(value) else f"{float(value):.2f}"


def index_page(report: dict, topics: pd.DataFrame, papers: pd.DataFrame, config: dict,
               run_info: dict, metrics: dict | None = None) -> str:
    """The entry page: corpus figures, topic table with links, views, quality, provenance."""
    from topics.plotting.topic_map import topic_colour

    n_topics = int((topics["topic_id"] != -1).sum())
    outliers = int((papers["topic_id"] == -1).sum())
    figures = [("listing files", report["files"]), ("records read", report["records"]),
               ("unique papers", report["unique_papers"]), ("duplicates", report["duplicates"]),
               ("skipped lines", report["skipped"]), ("topics", n_topics),
               ("outlier papers", outliers)]
    figures_html = "".join(f'<div class="figure"><b>{esc(value)}</b>{esc(name)}</div>'
                           for name, value in figures)
    rows = []
    for topic in topics.itertuples():
        reading = list_filename(topic.topic_id, topic.label)
        rows.append(
            f'<tr data-topic="{int(topic.topic_id)}"><td class="num">{int(topic.topic_id)}</td>'
            f'<td><span class="swatch" style="background:{topic_colour(topic.topic_id)}">'
            f'</span>{esc(topic.label)}</td>'
            f'<td class="num">{int(topic.size)}</td><td class="num">{100 * topic.share:.1f}%</td>'
            f'<td class="num">{_stability(topic)}</td>'
            f'<td>{esc(topic.keywords)}</td>'
            f'<td class="link"><a href="topics/{esc(reading)}">reading list</a></td>'
            f'<td class="link"><a class="isolate" '
            f'href="topic_map.html#topic={int(topic.topic_id)}">on the map</a></td></tr>')
    table = ('<table id="topics"><thead><tr><th>id</th><th>topic</th><th>papers</th>'
             "<th>share</th><th title='how often its papers stay together across UMAP seeds'>"
             'stability</th><th>keywords</th><th colspan="2">open</th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table>")
    views = "".join(f'<li><a href="{href}">{esc(name)}</a> <span class="muted">{esc(what)}'
                    f"</span></li>" for href, name, what in VIEWS[1:])
    skipped = [issue for entry in report["per_file"] for issue in entry["skipped"]]
    skipped_html = ""
    if skipped:
        items = "".join(
            f"<li>{esc(issue['file'])}{':' + str(issue['line']) if issue['line'] else ''}: "
            f"{esc(issue['reason'])} <span class='muted'>{esc(issue['text'])}</span></li>"
            for issue in skipped)
        skipped_html = f"<h2>Skipped while parsing</h2><ul>{items}</ul>"
    facts = {key: value for key, value in run_info.items() if key != "packages"}
    facts_html = "".join(f"<dt>{esc(key)}</dt><dd>{esc(value)}</dd>"
                         for key, value in facts.items())
    packages = "".join(f"<dt>{esc(name)}</dt><dd>{esc(version)}</dd>"
                       for name, version in run_info.get("packages", {}).items())
    settings = esc(json.dumps(config, indent=2, sort_keys=True, default=str))
    body = f"""
<div class="figures">{figures_html}</div>
<div class="overview">
<a href="topic_map.html"><img src="topic_map.png" alt="Static picture of the topic map"
 width="520" style="max-width:100%;border:1px solid #e4e4e4;background:#fff"></a>
<div><h2>Views</h2>
<ul id="views">{views}</ul></div>
</div>
<h2>Topics</h2>
{table}
{metrics_section(metrics)}
{skipped_html}
<h2>Provenance</h2>
<dl class="provenance">{facts_html}</dl>
<h3>Package versions</h3>
<dl class="provenance">{packages}</dl>
<h3>Settings (config.yaml)</h3>
<p class="muted">Change these in config.yaml and run <code>snakemake</code> again; only the
affected stages rerun.</p>
<pre>{settings}</pre>
"""
    return page("Topics in the corpus", body)


def write_text(path: str | Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def topic_map_html(papers: pd.DataFrame, topics: pd.DataFrame) -> str:
    """topic_map.html from the papers.csv and topics.csv tables as read from disk."""
    from topics.plotting.topic_map import topic_map_figure

    return map_page(topic_map_figure(papers, topics), papers)


def centroid_view_html(kind: str, topic_ids: np.ndarray, centroids: np.ndarray,
                       topics: pd.DataFrame) -> str:
    """One of the views built on topic centroids: intertopic, hierarchy or similarity.

    `topics` is the topics.csv table with each topic's keywords as a list.
    """
    if kind == "intertopic":
        from topics.plotting.intertopic import intertopic_distance_figure as make
        title, intro = "Intertopic distances", (
            "Each bubble is a topic, its area the number of papers; topics whose papers are "
            "similar (cosine distance of mean embeddings, classical MDS) sit close together.")
    elif kind == "hierarchy":
        from topics.plotting.hierarchy import topic_hierarchy_figure as make
        title, intro = "Topic hierarchy", (
            "Topics joined step by step, most similar first (average linkage of cosine "
            "distances between topic centroids): branches that meet near 0 are near-duplicates.")
    elif kind == "similarity":
        from topics.plotting.similarity import topic_similarity_figure as make
        title, intro = "Topic similarity", (
            "Cosine similarity of topic centroids, topics in hierarchy order so related topics "
            "form bright blocks.")
    else:
        raise ValueError(f"unknown centroid view {kind!r}")
    return view_page(title, make(topic_ids, centroids, topics), intro)


def top_terms_html(topics: pd.DataFrame) -> str:
    """top_terms.html from the topics table with c-TF-IDF scores (intermediate topics.parquet)."""
    from topics.plotting.top_terms import top_terms_figure

    return view_page("Top terms", top_terms_figure(topics), (
        "The keywords that set each topic apart, scored by c-TF-IDF (how much more often a "
        "term occurs in the topic than in the whole corpus)."))


def sources_html(papers: pd.DataFrame, topics: pd.DataFrame) -> str:
    """topic_sources.html from the papers.csv and topics.csv tables."""
    from topics.plotting.sources import topic_sources_figure

    return view_page("Where the topics came from", topic_sources_figure(papers, topics), (
        "Each listing file is one search; a cell counts the topic's papers listed in that file "
        "(a paper in two files counts in both), shaded by its share of the topic's row."))


def run_topic_pages(papers_csv_path: str | Path, topics_csv_path: str | Path,
                    topics_path: str | Path, embeddings_path: str | Path, *,
                    topic_map: str | Path, intertopic_map: str | Path,
                    topic_hierarchy: str | Path, topic_similarity: str | Path,
                    top_terms: str | Path, topic_sources: str | Path,
                    plotly_js: str | Path) -> None:
    """Every interactive page of results/ and the plotly.js they share, in one process.

    One job rather than one per page, because each job's interpreter start and imports
    cost more than most pages take to build. Topic centroids (mean embedding of each
    topic's papers) are computed here for the three views that relate topics.
    """
    from topics.centroids import real_topic_centroids

    papers = read_papers_csv(papers_csv_path)
    topics = read_topics_csv(topics_csv_path)
    write_text(topic_map, topic_map_html(papers, topics))
    write_text(topic_sources, sources_html(papers, topics))
    write_text(top_terms, top_terms_html(pd.read_parquet(topics_path)))
    topic_ids, centroids = real_topic_centroids(np.load(embeddings_path),
                                                papers["topic_id"].to_numpy(),
                                                topics["topic_id"].to_numpy())
    listed = topics.assign(keywords=topics["keywords"].map(
        lambda k: [w for w in k.split(LIST_SEPARATOR) if w]))
    for kind, path in [("intertopic", intertopic_map), ("hierarchy", topic_hierarchy),
                       ("similarity", topic_similarity)]:
        write_text(path, centroid_view_html(kind, topic_ids, centroids, listed))
    write_plotly_js(plotly_js)


def run_static_map(papers_csv_path: str | Path, topics_csv_path: str | Path,
                   png_path: str | Path) -> None:
    from topics.plotting.static_map import static_topic_map

    figure = static_topic_map(read_papers_csv(papers_csv_path), read_topics_csv(topics_csv_path))
    figure.savefig(png_path, dpi=figure.dpi)


def run_index_page(report_path: str | Path, papers_csv_path: str | Path,
                   topics_csv_path: str | Path, html_path: str | Path, config: dict,
                   listing_paths: list[str | Path],
                   metrics_path: str | Path | None = None) -> None:
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    metrics = json.loads(Path(metrics_path).read_text(encoding="utf-8")) if metrics_path else None
    write_text(html_path, index_page(report, read_topics_csv(topics_csv_path),
                                     read_papers_csv(papers_csv_path), config,
                                     provenance(config, listing_paths), metrics))


def write_plotly_js(js_path: str | Path) -> None:
    """Write the plotly.js bundle that every page shares."""
    from plotly.offline import get_plotlyjs

    write_text(js_path, get_plotlyjs())
