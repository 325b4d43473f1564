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
from collections.abc import Iterable, Iterator, Mapping
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


# A header longer than this is no export's: the csv module is never given an endless line.
_MAX_HEADER_CHARS = 100_000
# The csv module's own limit (128 KiB a field) is below a long Scopus "References" cell; a
# quote that runs away to the end of the file still meets a limit, and is read line by line.
_MAX_FIELD_CHARS = 1 << 24


def _fields(line: str, separator: str, quoting: int = csv.QUOTE_MINIMAL) -> list[str]:
    return next(csv.reader([line], delimiter=separator, quoting=quoting), [])


def looks_tabular(lines: list[str]) -> str | None:
    """ "csv" or "tsv" when the first line is the header of a known export's table."""
    _, header = _header(lines)
    if len(header) > _MAX_HEADER_CHARS:
        return None
    separator = _delimiter(header)
    try:
        columns = [name.strip().strip('"') for name in _fields(header, separator)]
    except csv.Error:
        return None
    if len(columns) < 3 or detect_layout(columns) is GENERIC:
        return None
    return "tsv" if separator == "\t" else "csv"


def _column_names(fields: list[str]) -> list[str]:
    """Header names, a repeated name numbered as pandas does ("Title", "Title.1")."""
    seen: dict[str, int] = {}
    names = []
    for name in fields:
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}.{count}")
    return names


def _lenient(line: str, separator: str) -> list[str]:
    """A line's fields with quotes taken as text, except those enclosing a whole field."""
    fields = _fields(line, separator, csv.QUOTE_NONE)
    return [
        field[1:-1] if len(field) > 1 and field[0] == field[-1] == '"' else field.strip('"')
        for field in fields
    ]


def csv_rows(
    lines: list[str], separator: str, width: int, source: str, first_line: int, result: Read
) -> Iterator[tuple[int, list[str]]]:
    """(line where it starts, fields) of each row after the header, read by the csv module.

    A quoted field may span lines. A stray quote that opens a field and never closes it
    would swallow the rows after it (pandas drops such a row without a word): a row that
    spans lines and has the wrong number of fields, or whose first and second lines are
    each a whole row by themselves, is read from its first line alone, quotes taken as
    text, with a warning, and reading goes on from the next line, so every line keeps
    its number.
    """
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_FIELD_CHARS))
    position = 0
    while position < len(lines):
        rest = (lines[index] + "\n" for index in range(position, len(lines)))
        reader = csv.reader(rest, delimiter=separator, strict=False)
        consumed = 0
        restart = None
        try:
            for fields in reader:
                start, consumed = consumed, reader.line_num
                if not fields or fields == [""]:
                    continue
                spans = consumed - start > 1
                if spans and (
                    len(fields) != width
                    or (
                        len(_lenient(lines[position + start], separator)) == width
                        and len(_lenient(lines[position + start + 1], separator)) == width
                    )
                ):
                    restart = position + start
                    break
                yield first_line + position + start, fields
        except csv.Error as error:  # a field past the limit, a NUL byte: that row alone
            restart = position + consumed
            result.warnings.append(
                Issue(source, first_line + restart, f"the csv reader stopped here ({error})")
            )
        if restart is None:
            return
        fields = _lenient(lines[restart], separator)
        if len(fields) == width:
            result.warnings.append(
                Issue(
                    source,
                    first_line + restart,
                    "a quote on this line is never closed; the line was read as one row, "
                    "its quotes as text (check the row in the file)",
                    lines[restart][:80],
                )
            )
            yield first_line + restart, fields
        else:
            result.skipped.append(
                Issue(
                    source,
                    first_line + restart,
                    f"a quote on this line is never closed and the line alone has {len(fields)} "
                    f"fields, not the header's {width}; skipped: fix the quote or remove the row",
                    lines[restart][:80],
                )
            )
        position = restart + 1


def read_rows(
    names: list[str],
    rows: Iterable[tuple[int | None, list]],
    source: str,
    columns: Mapping[str, str | None],
    fmt: str,
    result: Read | None = None,
) -> Read:
    """Records from a table's header and (line, fields) rows: CSV, TSV or a spreadsheet."""
    names = _column_names([str(name) for name in names])
    layout = detect_layout(names)
    resolved = resolve(names, layout, columns)
    result = result or Read(fmt)
    result.format = fmt
    result.layout = layout.name if layout is not GENERIC else "generic"
    result.warnings += check(source, names, layout, resolved)
    width = len(names)
    for number, (line, fields) in enumerate(rows, start=1):
        if len(fields) > width and any(clean(value) for value in fields[width:]):
            result.skipped.append(
                Issue(
                    source,
                    line,
                    f"row has {len(fields)} fields but the header has {width}; skipped",
                    "",
                    number,
                )
            )
            continue
        row = dict(zip(names, fields, strict=False))
        add_row(result, source, row, resolved, line=line, record=number)
    return result


def read_table(
    lines: list[str], source: str, columns: Mapping[str, str | None], fmt: str = "csv"
) -> Read:
    skip, header = _header(lines)
    if not header.strip():
        return Read(fmt, warnings=[Issue(source, skip + 1, "no header row; nothing to read")])
    separator = "\t" if fmt == "tsv" and "\t" in header else _delimiter(header)
    result = Read(fmt)
    names = _fields(header, separator)
    body = lines[skip + 1 :]
    rows = csv_rows(body, separator, len(names), source, skip + 2, result)
    return read_rows(names, rows, source, columns, fmt, result)


def _cell(value) -> str:
    """A spreadsheet cell as the CSV export of the same sheet would write it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, source: str, columns: Mapping[str, str | None]) -> Read:
    """An Excel workbook (Web of Science, Dimensions, Lens, Scopus): its first sheet, read as
    the CSV of that sheet would be. Line numbers are the sheet's row numbers."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = (
            (number, [_cell(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        rows = ((number, fields) for number, fields in rows if any(fields))
        first = next(rows, None)
        if first is not None and first[1][0].startswith(_PREAMBLE):
            first = next(rows, None)  # Dimensions' "About the data" row
        if first is None:
            return Read("xlsx", warnings=[Issue(source, None, "the first sheet is empty")])
        names = first[1]
        while names and not names[-1]:
            names = names[:-1]
        return read_rows(names, rows, source, columns, "xlsx")
    finally:
        book.close()
