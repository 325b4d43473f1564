"""Readers of the files researchers bring: one module per format family, each a function
from a file's decoded lines (or bytes) to records and issues. read_input picks the reader."""

from __future__ import annotations

from collections.abc import Mapping

from topics.readers import detect
from topics.readers.bibtex import read_bibtex
from topics.readers.jsonl import read_json, read_jsonl, read_parquet
from topics.readers.listing import read_listing
from topics.readers.medline import read_medline
from topics.readers.records import Issue, Read, Record
from topics.readers.ris import read_ris
from topics.readers.tabular import looks_tabular, read_table
from topics.readers.wos import read_wos, read_wos_tab

__all__ = ["Issue", "Read", "Record", "read_input"]

FORMATS = detect.FORMATS


def read_input(
    name: str,
    data: bytes,
    *,
    formats: Mapping[str, str] | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[Read, dict]:
    """Read one file: gzip unwrapped, text decoded, format chosen by config, content and
    extension. Returns what was read and how: {"format", "layout", "encoding",
    "compression"}. Raises UserError for a table whose columns cannot be told apart."""
    how = {"format": None, "layout": None, "encoding": None, "compression": None}
    try:
        inner_name, data, how["compression"] = detect.unwrap(name, data)
    except ValueError as error:
        return Read("unknown", skipped=[Issue(name, None, f"not readable: {error}")]), how
    chosen = detect.configured_format(name, formats) or detect.configured_format(
        inner_name, formats
    )
    if chosen == "parquet" or (chosen is None and data[:4] == b"PAR1"):
        how["format"] = "parquet"
        read = read_parquet(data, name, columns or {})
        how["layout"] = read.layout
        return read, how
    decoded = detect.decode(data, name)
    if decoded is None:
        how["format"] = "binary"
        return Read("binary", skipped=[Issue(name, None, "not a text file (binary content)")]), how
    lines, how["encoding"], warnings = decoded
    fmt = chosen or detect.detect_format(inner_name, lines, None, looks_tabular)
    columns = columns or {}
    if fmt == "listing":
        read = read_listing(lines, name)
    elif fmt == "bibtex":
        read = read_bibtex(lines, name)
    elif fmt == "ris":
        read = read_ris(lines, name)
    elif fmt == "wos":
        read = read_wos(lines, name)
    elif fmt == "wos-tab":
        read = read_wos_tab(lines, name)
    elif fmt == "medline":
        read = read_medline(lines, name)
    elif fmt in ("csv", "tsv"):
        read = read_table(lines, name, columns, fmt)
    elif fmt == "jsonl":
        read = read_jsonl(lines, name, columns)
    elif fmt == "json":
        read = read_json(lines, name, columns)
    else:  # the schema allows only known formats; a direct caller may not
        raise ValueError(f"unknown input format {fmt!r}; known: {', '.join(FORMATS)}")
    read.warnings = warnings + read.warnings
    how["format"], how["layout"] = read.format, read.layout
    return read, how
