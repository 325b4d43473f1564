"""The topic map page's data: what its script (topics/report/static/map/) reads.

The figure (topics.plotting.topic_map) draws one point per paper; everything else the page
shows (names placed as the reader zooms, the legend tree, hover cards, search, the paper
panel, selection and export) its script builds from `map_data`: the papers as a compact
gzip'd table, the topics and the themes. Its fields and encodings are written down once,
in static/map/map_data.schema.json (`CONTRACT`), which the page's script checks what it
decodes against and the tests check `map_data` against. Abstracts, the bulk of the text,
go to a file of their own beside the page (`abstracts_script`; its name is the view's,
topics.report.views), which the page loads after it has drawn.
"""

import base64
import gzip
import json
from importlib import resources
from typing import Any

import pandas as pd

from topics.plotting.labels import level_centres, wrap_label
from topics.report.bibtex import citation_keys

# The written contract between `map_data` and the page's script, a JSON Schema.
CONTRACT = resources.files("topics.report").joinpath("static", "map", "map_data.schema.json")


def pack(value: Any) -> str:
    """JSON, gzip'd (with no timestamp, so the same data gives the same page) and base64'd:
    the page's script unpacks it with the browser's own DecompressionStream."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def _text(values: pd.Series) -> list[str]:
    return ["" if value is None or pd.isna(value) else str(value) for value in values]


def _flags(values: pd.Series) -> list[int]:
    return values.astype(bool).astype(int).tolist()


def paper_columns(papers: pd.DataFrame) -> dict[str, list]:
    """The papers as the contract's columns ($defs/papers), in the papers table's order."""
    keys = citation_keys(papers)
    return {
        "title": _text(papers["title"]),
        "topic": papers["topic_id"].astype(int).tolist(),
        "reassigned": _flags(papers["reassigned"]),
        "added": _flags(papers["added"]),
        "agreement": [None if pd.isna(a) else round(float(a), 2) for a in papers["agreement"]],
        "year": _text(papers["year"]),
        "venue": _text(papers["venue"]),
        "authors": [list(a) for a in papers["authors"]],
        "sources": [list(s) for s in papers["sources"]],
        "doi": _text(papers["doi"]),
        "arxiv_id": _text(papers["arxiv_id"]),
        "link": _text(papers["link"]),
        "key": [keys[pid] for pid in papers["paper_id"]],
        "neighbours": [[int(row) for row in rows] for rows in papers["neighbours"]],
        "similarity": [[round(float(s), 3) for s in sims] for sims in papers["similarity"]],
    }


def _name(row: Any, centres: pd.DataFrame, row_id: int) -> dict[str, Any]:
    """What topics and themes share ($defs/name): name, colour, size and where it goes."""
    return {
        "id": row_id,
        "label": str(row.label),
        "lines": wrap_label(row.label),
        "colour": row.colour,
        "size": int(row.size),
        "x": float(centres.loc[row_id, "x"]),
        "y": float(centres.loc[row_id, "y"]),
    }


def map_data(report: Any) -> dict[str, Any]:
    """What the page's script knows, as CONTRACT describes it: the papers (packed, in the
    figure's point order), the topics and themes with their names, colours and label
    positions, and what the papers can be coloured by."""
    papers = report.papers
    topic_centres = level_centres(papers, "topic_id")
    theme_centres = level_centres(papers, "theme_id")
    topics = [
        {**_name(topic, topic_centres, int(topic.topic_id)), "theme": int(topic.theme_id)}
        for topic in report.topics.itertuples()
        if topic.topic_id in topic_centres.index
    ]
    themes = [
        {**_name(theme, theme_centres, int(theme.theme_id)), "topics": list(theme.topics)}
        for theme in report.themes.itertuples()
        if theme.theme_id in theme_centres.index
    ]
    outliers = report.topics[report.topics["topic_id"] == -1]
    # What the map can colour the papers by besides their theme: the configured fields
    # the inputs give.
    given = {
        "venue": papers["venue"].notna().any(),
        "year": papers["year"].notna().any(),
        "sources": papers["sources"].map(len).any(),
    }
    return {
        "papers": pack(paper_columns(papers)),
        "count": len(papers),
        "added": int(papers["added"].sum()),
        "colour_by": [field for field in report.options["fields"] if given[field]],
        "top_values": report.options["top_values"],
        "topics": topics,
        "themes": themes,
        "outliers": {"label": str(outliers["label"].iloc[0]), "size": int(outliers["size"].iloc[0])}
        if len(outliers)
        else None,
    }


def abstracts_script(report: Any) -> str:
    """abstracts.js: every abstract, in the papers' order, packed like the page's table.

    A script file, not data fetched by the page: a page opened from disk may load a
    script beside it, but browsers refuse it a fetch of a local file.
    """
    packed = pack(_text(report.papers["abstract"]))
    return f'window.topicsAbstracts = "{packed}";\n'
