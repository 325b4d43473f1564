"""Tables: CSV and TSV exports (Scopus, Lens, Dimensions, OpenAlex, IEEE Xplore, Zotero) and
Parquet, read with pandas and pyarrow.

A table's columns are matched against the column names of the known exports, so those need
no configuration; any other table names its columns in config.yaml (inputs.columns), and a
table whose title or abstract column cannot be found stops the run with one sentence naming
the file, the columns it has and the keys to set.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from topics.errors import UserError
from topics.readers.records import (
    FIELDS,
    Issue,
    Read,
    clean,
    rebuild_abstract,
    split_authors,
    split_list,
)


@dataclass(frozen=True)
class Layout:
    """The column names one export uses for each field, first present column first."""

    name: str
    signature: tuple[str, ...]  # columns that all appear in this export and mark it
    columns: Mapping[str, tuple[str, ...]]


LAYOUTS = (
    Layout(
        "dimensions",
        ("Publication ID", "Dimensions URL"),
        {
            "title": ("Title",),
            "abstract": ("Abstract",),
            "year": ("PubYear",),
            "date": ("Publication Date", "Publication Date (online)", "Publication Date (print)"),
            "venue": ("Source title", "Anthology title"),
            "authors": ("Authors",),
            "doi": ("DOI",),
            "url": ("Source Linkout", "Dimensions URL"),
            "keywords": ("MeSH terms",),
        },
    ),
    Layout(
        "lens",
        ("Lens ID",),
        {
            "title": ("Title",),
            "abstract": ("Abstract",),
            "year": ("Publication Year",),
            "date": ("Date Published",),
            "venue": ("Source Title",),
            "authors": ("Author/s",),
            "doi": ("DOI",),
            "url": ("External URL", "Source URLs"),
            "keywords": ("Keywords", "Fields of Study"),
        },
    ),
    Layout(
        "scopus",
        ("Source title", "Title", "Year"),
        {
            "title": ("Title",),
            "abstract": ("Abstract",),
            "year": ("Year",),
            "venue": ("Source title",),
            "authors": ("Author full names", "Authors"),
            "doi": ("DOI",),
            "url": ("Link",),
            "keywords": ("Author Keywords", "Index Keywords"),
        },
    ),
    Layout(
        "openalex",
        ("display_name", "publication_year"),
        {
            "title": ("display_name", "title"),
            "abstract": ("abstract", "abstract_inverted_index"),
            "year": ("publication_year",),
            "date": ("publication_date",),
            "venue": ("primary_location.source.display_name", "host_venue.display_name"),
            "authors": ("authorships.author.display_name",),
            "doi": ("doi",),
            "url": ("primary_location.landing_page_url", "id"),
            "keywords": ("keywords.display_name",),
        },
    ),
    Layout(
        "ieee",
        ("Document Title", "Publication Title"),
        {
            "title": ("Document Title",),
            "abstract": ("Abstract",),
            "year": ("Publication Year",),
            "venue": ("Publication Title",),
            "authors": ("Authors",),
            "doi": ("DOI",),
            "url": ("PDF Link",),
            "keywords": ("Author Keywords", "IEEE Terms"),
        },
    ),
    Layout(
        "zotero",
        ("Item Type", "Abstract Note"),
        {
            "title": ("Title",),
            "abstract": ("Abstract Note",),
            "year": ("Publication Year",),
            "date": ("Date",),
            "venue": ("Publication Title", "Proceedings Title", "Conference Name"),
            "authors": ("Author",),
            "doi": ("DOI",),
            "url": ("Url",),
            "keywords": ("Manual Tags", "Automatic Tags"),
        },
    ),
    Layout(
        "arxiv",
        ("submitter", "journal-ref"),
        {
            "title": ("title",),
            "abstract": ("abstract",),
            "year": ("update_date",),
            "date": ("update_date",),
            "venue": ("journal-ref",),
            "authors": ("authors",),
            "doi": ("doi",),
            "arxiv_id": ("id",),
        },
    ),
)
# Any other table: common names, compared without case.
GENERIC = Layout(
    "generic",
    (),
    {
        "title": ("title", "article title", "document title", "paper title", "display_name", "ti"),
        "abstract": ("abstract", "summary", "abstract note", "description", "ab"),
        "year": ("year", "publication year", "publication_year", "pubyear", "py"),
        "date": ("date", "publication date", "publication_date", "published", "pd"),
        "venue": (
            "venue",
            "journal",
            "source title",
            "publication title",
            "journal title",
            "booktitle",
            "conference",
            "source",
            "so",
        ),
        "authors": ("authors", "author", "author/s", "author names", "au"),
        "doi": ("doi", "di"),
        "arxiv_id": ("arxiv_id", "arxiv id", "arxiv", "eprint"),
        "url": ("url", "link", "landing_page_url"),
        "keywords": ("keywords", "author keywords", "tags", "de"),
    },
)
_NO_ABSTRACT = {"[no abstract available]", "no abstract available", "[not available]"}
_PREAMBLE = ("About the data", '"About the data')


def detect_layout(columns: Iterable[str]) -> Layout:
    present = set(columns)
    return next((layout for layout in LAYOUTS if set(layout.signature) <= present), GENERIC)


def resolve(
    columns: list[str], layout: Layout, mapping: Mapping[str, str | None]
) -> dict[str, list[str]]:
    """Field -> the columns to read it from, in order: config's mapping first and alone."""
    lowered = {name.lower(): name for name in reversed(columns)}

    def find(name: str) -> str | None:
        return name if name in columns else lowered.get(name.lower())

    resolved = {}
    for name in FIELDS:
        mapped = (mapping or {}).get(name)
        if mapped and find(mapped):
            resolved[name] = [find(mapped)]
            continue
        candidates = layout.columns.get(name, ())
        found = [find(column) for column in candidates]
        resolved[name] = [column for column in found if column]
    return resolved


def check(
    source: str, columns: list[str], layout: Layout, resolved: Mapping[str, list[str]]
) -> list[Issue]:
    """Stop on a table whose title (or, in an unknown layout, abstract) cannot be found;
    warn when a known export was saved without its abstract column."""
    missing = [name for name in ("title", "abstract") if not resolved[name]]
    if not missing:
        return []
    if missing == ["abstract"] and layout is not GENERIC:
        return [
            Issue(
                source,
                None,
                f"this {layout.name} export has no abstract column; its "
                "papers count only where another file gives their abstract; export "
                "again with abstracts",
            )
        ]
    shown = ", ".join(columns[:40]) + (
        f" and {len(columns) - 40} more" if len(columns) > 40 else ""
    )
    keys = " and ".join(f"inputs.columns.{name}" for name in missing)
    raise UserError(
        f"{source}: cannot tell which column holds each paper's "
        f"{' and '.join(missing)} (columns found: {shown}); set {keys} in "
        "config.yaml to the column names."
    )


def add_row(
    result: Read,
    source: str,
    row: Mapping,
    resolved: Mapping[str, list[str]],
    *,
    line: int | None,
    record: int,
) -> None:
    """One table row or flattened JSON object as a record."""

    def get(name: str):
        for column in resolved[name]:
            value = row.get(column)
            if isinstance(value, list | tuple) or hasattr(value, "tolist"):
                if len(value):
                    return value
            elif clean(value):
                return value
        return None

    abstract = get("abstract")
    if isinstance(abstract, dict) or (
        isinstance(abstract, str) and abstract.lstrip().startswith('{"')
    ):
        abstract = rebuild_abstract(abstract)
    if clean(abstract).lower() in _NO_ABSTRACT:
        abstract = ""
    date = get("date")
    result.add(
        source,
        line=line,
        record=record,
        title=get("title"),
        abstract=abstract,
        year=get("year") or date,
        date=date,
        venue=get("venue"),
        authors=split_authors(get("authors")),
        doi=get("doi"),
        arxiv_id=get("arxiv_id"),
        url=get("url"),
        keywords=split_list(get("keywords"), ";|,"),
    )


def _delimiter(header: str) -> str:
    counts = {separator: header.count(separator) for separator in ("\t", ",", ";")}
    if counts["\t"] and counts["\t"] >= counts[","]:
        return "\t"
    return ";" if counts[";"] > counts[","] else ","


def _header(lines: list[str]) -> tuple[int, str]:
    """(lines before the header, the header): Dimensions writes an "About the data" line."""
    skip = 1 if lines and lines[0].lstrip("\ufeff").startswith(_PREAMBLE) else 0
    return skip, lines[skip] if len(lines) > skip else ""


def looks_tabular(lines: list[str]) -> str | None:
    """ "csv" or "tsv" when the first line is the header of a known export's table."""
    _, header = _header(lines)
    separator = _delimiter(header)
    columns = [
        name.strip().strip('"') for name in next(csv.reader([header], delimiter=separator), [])
    ]
    if len(columns) < 3 or detect_layout(columns) is GENERIC:
        return None
    return "tsv" if separator == "\t" else "csv"


def _row_lines(body: list[str], separator: str, first_line: int) -> list[tuple[int, int]]:
    """(line where each record starts, its field count), header excluded, as csv reads them."""
    reader = csv.reader(body, delimiter=separator)
    starts = []
    previous = 0
    for fields in reader:
        if fields:
            starts.append((first_line + previous, len(fields)))
        previous = reader.line_num
    return starts[1:]


def read_table(
    lines: list[str], source: str, columns: Mapping[str, str | None], fmt: str = "csv"
) -> Read:
    import pandas as pd

    skip, header = _header(lines)
    separator = "\t" if fmt == "tsv" and "\t" in header else _delimiter(header)
    body = lines[skip:]
    bad: list[list[str]] = []

    def keep_bad(fields: list[str]) -> None:
        bad.append(fields)
        return None

    table = pd.read_csv(
        io.StringIO("\n".join(body)),
        sep=separator,
        dtype=str,
        keep_default_na=False,
        engine="python",
        on_bad_lines=keep_bad,
    )
    names = [str(name) for name in table.columns]
    layout = detect_layout(names)
    resolved = resolve(names, layout, columns)
    result = Read(fmt, layout=layout.name if layout is not GENERIC else "generic")
    result.warnings += check(source, names, layout, resolved)
    starts = _row_lines(body, separator, skip + 1)
    width = len(names)
    good_starts = [line for line, count in starts if count <= width]
    for line, count in starts:
        if count > width:
            result.skipped.append(
                Issue(
                    source,
                    line,
                    f"row has {count} fields but the header has {width}; skipped",
                    "",
                    None,
                )
            )
    if len(good_starts) != len(table):
        good_starts = [None] * len(table)
    for index, row in enumerate(table.to_dict("records")):
        add_row(result, source, row, resolved, line=good_starts[index], record=index + 1)
    return result
