"""The report jobs: the interactive pages, the static map picture, the index and the sweep's page.

Each job reads the intermediates through topics.report.data, draws the figures the view
registry (topics.report.views) names and renders the templates (topics.report.render).
"""

import datetime
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topics.files import read_json, write_text
from topics.metric_names import METRICS
from topics.plotting.style import LIST_SEPARATOR
from topics.report.bibtex import bib_filename
from topics.report.data import Report, ReportPaths, load_report
from topics.report.reading_lists import list_filename
from topics.report.render import render
from topics.report.views import FIGURE_VIEWS, PAGE_FILES, VIEWS, View
from topics.sweep import combinations, summary_table
from topics.trends import FADING, RISING

log = logging.getLogger("topics")

# Rising and fading topics listed on the index, each.
TREND_ROWS = 5
# Versions worth recording with a run: the libraries whose behaviour shapes the topics.
PACKAGES = [
    "topics",
    "sentence-transformers",
    "torch",
    "umap-learn",
    "hdbscan",
    "bertopic",
    "scikit-learn",
    "numpy",
    "pandas",
    "plotly",
    "snakemake",
]


def view_page(view: View, report: Report) -> str:
    """The HTML of one view with its figure (or figures, one below the other)."""
    drawn = view.draw(report)
    figures = drawn if isinstance(drawn, list) else [drawn]
    return render(
        view.template,
        title=view.title,
        intro=view.intro,
        figure=figures[0],
        figures=figures,
        data=view.script_data(report),
        files=[name for name, _ in view.files],
    )


def run_pages(
    paths: ReportPaths,
    pages: Sequence[str | Path],
    files: Sequence[str | Path],
    plotly_js: str | Path,
    *,
    options: dict[str, Any],
) -> None:
    """Every view with a figure (`pages`: their paths, in FIGURE_VIEWS' order), the files
    they load from beside them (`files`, in PAGE_FILES' order) and the plotly.js they
    share, in one process: each job's interpreter start and imports cost more than most
    pages take to build."""
    from plotly.offline import get_plotlyjs

    if [Path(page).name for page in pages] != [view.file for view in FIGURE_VIEWS] or [
        Path(file).name for file in files
    ] != PAGE_FILES:
        raise ValueError(
            f"pages {[str(p) for p in [*pages, *files]]} do not match the views "
            f"{[view.file for view in FIGURE_VIEWS] + PAGE_FILES}"
        )
    report = load_report(paths, options)
    folder = {Path(file).name: file for file in files}
    for view, page in zip(FIGURE_VIEWS, pages, strict=True):
        write_text(view_page(view, report), page)
        for name, text in view.file_texts(report).items():
            write_text(text, folder[name])
    write_text(get_plotlyjs(), plotly_js)


def run_static_map(paths: ReportPaths, png_path: str | Path, *, options: dict[str, Any]) -> None:
    """topic_map.png, drawn with matplotlib: no browser needed."""
    from topics.plotting.static_map import static_topic_map

    figure = static_topic_map(load_report(paths, options))
    figure.savefig(png_path, dpi=figure.dpi)


def corpus_checksum(paths: Sequence[str | Path]) -> str:
    """SHA-256 over the input files' names and bytes, in name order: same corpus, same sum."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance(config: dict, listing_paths: Sequence[str | Path]) -> dict:
    """What produced this run: date, model, corpus checksum, package versions."""
    return {
        "generated": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "embedding model": config["embedding"]["model"],
        "corpus sha256": corpus_checksum(listing_paths),
        "input files": len(listing_paths),
        "packages": package_versions(),
    }


def _stability(value: Any) -> str:
    """A topic's stability for the table; blank when not measured (or for outliers)."""
    return "" if value is None or pd.isna(value) else f"{float(value):.2f}"


def _topic_row(topic: Any) -> dict[str, Any]:
    return {
        "id": int(topic.topic_id),
        "label": topic.label,
        "size": int(topic.size),
        "colour": topic.colour,
        "share": f"{100 * topic.share:.1f}%",
        "stability": _stability(topic.stability),
        "keywords": LIST_SEPARATOR.join(topic.keywords),
        "reading_list": list_filename(topic.topic_id, topic.label),
        "bibtex": bib_filename(list_filename(topic.topic_id, topic.label)),
    }


def trend_rows(report: Report, direction: str, n: int) -> list[dict[str, Any]]:
    """The clearest rising (or fading) topics: those called so, the surest first (by the
    end of the slope's 95% interval nearest zero)."""
    trends = report.trends[
        (report.trends["level"] == "topic") & (report.trends["trend"] == direction)
    ]
    trends = trends.sort_values("slope_low" if direction == RISING else "slope_high",
                                ascending=direction != RISING).head(n)  # fmt: skip
    topics = report.topics.set_index("topic_id")
    return [
        {
            "id": int(row.id),
            "label": topics.loc[row.id, "label"],
            "theme": topics.loc[row.id, "theme_label"],
            "colour": topics.loc[row.id, "colour"],
            "papers": int(row.papers),
            "shares": f"{100 * row.first_share:.1f}% → {100 * row.last_share:.1f}%",
            "odds": f"×{np.exp(row.slope):.2f} "
            f"({np.exp(row.slope_low):.2f}–{np.exp(row.slope_high):.2f})",
            "q": f"{row.q_value:.2g}",
        }
        for row in trends.itertuples()
    ]


def missing_metadata(papers: pd.DataFrame, report: Report) -> list[str]:
    """One sentence per view the inputs gave nothing for."""
    notes = []
    if report.trends.empty:
        notes.append("The inputs give no years (or too few papers per year): no trends over time.")
    if papers["venue"].isna().all():
        notes.append("The inputs give no venues: the venue heatmap and colours are left out.")
    if not papers["authors"].map(len).any():
        notes.append("The inputs give no authors: no author lists.")
    return notes


def index_context(
    parse_report: dict,
    report: Report,
    config: dict,
    run_info: dict,
    metrics: dict | None,
    fit: dict | None = None,
) -> dict[str, Any]:
    """What index.html.j2 shows: corpus figures, the themes with their topics, quality,
    skipped records, provenance and settings; `fit` is the last full fit's fit.json
    (topics.model), which says when the papers placed since were fitted."""
    papers, topics = report.papers, report.topics
    figures = [
        ("input files", parse_report["files"]),
        ("records read", parse_report["records"]),
        ("unique papers", parse_report["unique_papers"]),
        ("duplicates", parse_report["duplicates"]),
        ("skipped records", parse_report["skipped"]),
        ("themes", len(report.themes)),
        ("topics", int((topics["topic_id"] != -1).sum())),
        ("outlier papers", int((papers["topic_id"] == -1).sum())),
    ]
    by_id = {int(topic.topic_id): topic for topic in topics.itertuples()}
    themes = [
        {
            "id": int(theme.theme_id),
            "label": theme.label,
            "size": int(theme.size),
            "colour": theme.colour,
            "share": f"{100 * theme.share:.1f}%",
            "keywords": LIST_SEPARATOR.join(theme.keywords),
            "reading_list": list_filename(theme.theme_id, theme.label),
            "bibtex": bib_filename(list_filename(theme.theme_id, theme.label)),
            "topics": [_topic_row(by_id[t]) for t in theme.topics if t in by_id],
        }
        for theme in report.themes.itertuples()
    ]
    metrics = metrics or {}
    # Clusters per seed show at a glance when one seed's clustering collapsed into a few.
    clusters = metrics.get("stability_clusters") or {}
    per_seed = (
        f" (clusters: {', '.join(f'seed {seed}: {n}' for seed, n in clusters.items())})"
        if clusters
        else ""
    )
    added = int(papers["added"].sum())
    return {
        "figures": figures,
        "added": added,
        "fitted": (fit or {}).get("fitted", "an unknown date"),
        # Metrics and stability are the fit's: an incremental run does not measure them anew.
        "incremental": config.get("update") == "incremental",
        "themes": themes,
        "outliers": [_topic_row(topic) for topic in topics.itertuples() if topic.topic_id == -1],
        "metrics": [
            (metric, metrics[metric.key])
            for metric in METRICS
            if metrics.get(metric.key) is not None
        ],
        "stability_seeds": metrics.get("stability_seeds", []),
        "clusters_per_seed": per_seed,
        "skipped": [issue for entry in parse_report["per_file"] for issue in entry["skipped"]],
        "risers": trend_rows(report, RISING, TREND_ROWS),
        "faders": trend_rows(report, FADING, TREND_ROWS),
        "trend_counts": report.trends[report.trends["level"] == "topic"]["trend"]
        .value_counts()
        .to_dict(),
        "missing": missing_metadata(papers, report),
        "facts": [(key, value) for key, value in run_info.items() if key != "packages"],
        "packages": list(run_info["packages"].items()),
        "settings": json.dumps(config, indent=2, sort_keys=True, default=str),
    }


def run_index(
    paths: ReportPaths,
    report_path: str | Path,
    metrics_path: str | Path,
    html_path: str | Path,
    fit_path: str | Path | None = None,
    *,
    config: dict,
    listing_paths: Sequence[str | Path],
) -> None:
    """index.html: the entry page; fit_path: the last full fit's fit.json."""
    context = index_context(
        read_json(report_path),
        load_report(paths, config["report"]),
        config,
        provenance(config, listing_paths),
        read_json(metrics_path),
        read_json(fit_path) if fit_path is not None else None,
    )
    write_text(render(VIEWS[0].template, title=VIEWS[0].title, **context), html_path)


def sweep_page(table: pd.DataFrame, parameters: Sequence[str], figure: Any) -> str:
    """results/sweep/index.html: the summary table (topics.sweep.summary_table), balanced
    rows marked, and the chart."""
    columns = [
        "name",
        *parameters,
        *(metric.key for metric in METRICS),
        "meets_targets",
        "balanced",
    ]
    columns = [c for c in columns if c in table]
    rows = [
        {
            "balanced": bool(row["balanced"]),
            "cells": [
                (
                    column,
                    ""
                    if column not in ("meets_targets", "balanced") and pd.isna(row[column])
                    else row[column],
                )
                for column in columns
            ],
        }
        for row in table.to_dict("records")
    ]
    return render(
        "sweep.html.j2",
        root="../",
        title="Parameter sweep",
        columns=columns,
        rows=rows,
        figure=figure,
    )


def run_sweep_summary(
    names: Sequence[str],
    metrics_paths: Sequence[str | Path],
    sweep: Mapping[str, Sequence[Any]],
    summary_path: str | Path,
    html_path: str | Path,
) -> pd.DataFrame:
    """summary.csv and the sweep's page from every combination's metrics.json (`names`:
    the combinations' folder names, in the order of `metrics_paths`)."""
    from topics.plotting.sweep import sweep_figure

    combos = combinations(sweep)
    table = summary_table(
        {name: combos[name] for name in names}, [read_json(path) for path in metrics_paths]
    )
    table.to_csv(summary_path, index=False)
    write_text(sweep_page(table, sorted(sweep), sweep_figure(table)), html_path)
    log.info("%d combinations, %d balanced", len(table), int(table["balanced"].sum()))
    return table
