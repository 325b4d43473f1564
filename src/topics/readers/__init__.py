"""Readers of the files researchers bring: one module per format family, each a function
from a file's decoded lines (or bytes) to records and issues. read_input picks the reader,
and guards it: whatever goes wrong inside one file is reported and costs only that file."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping

from topics.errors import UserError
from topics.readers import detect
from topics.readers.bibtex import read_bibtex
from topics.readers.jsonl import read_json, read_jsonl, read_parquet
from topics.readers.listing import read_listing
from topics.readers.medline import read_medline
from topics.readers.records import Issue, Read, Record
from topics.readers.ris import read_ris
from topics.readers.tabular import looks_tabular, read_table, read_xlsx
from topics.readers.wos import read_wos, read_wos_tab

__all__ = ["Issue", "Read", "Record", "read_input"]

FORMATS = detect.FORMATS
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # Excel 97-2003 (.xls), old Word and others
_ZIP = b"PK\x03\x04"

# What to do about a file that cannot be read, by the reader it went to.
_ADVICE = {
    "csv": "export it again as CSV UTF-8, or remove it from the seeds folder",
    "tsv": "export it again as tab-delimited UTF-8 text, or remove it from the seeds folder",
    "xlsx": "save it again from Excel as .xlsx or as CSV UTF-8, or remove it",
    "parquet": "write it again (pandas: DataFrame.to_parquet), or export the table as CSV",
    "json": "export it again, or remove it from the seeds folder",
    "jsonl": "export it again, or remove it from the seeds folder",
}
_DEFAULT_ADVICE = "export it again from the database, or remove it from the seeds folder"


def _problem(name: str, reason: str) -> Issue:
    return Issue(name, None, reason, scope="file")


def _failure(name: str, fmt: str | None, error: BaseException) -> Issue:
    """One sentence for an error a reader raised on a damaged or unusual file."""
    what = {
        RecursionError: "is nested too deeply to read",
        MemoryError: "needs more memory than this machine has",
        UnicodeError: "has text in an encoding that cannot be read",
        csv.Error: "has a table the csv reader cannot read",
        zipfile.BadZipFile: "is a damaged zip archive",
    }
    found = next((words for kind, words in what.items() if isinstance(error, kind)), None)
    if found is None:
        found = "could not be read"
    detail = " ".join(str(error).split())[:200]
    kind = f"{fmt} file" if fmt else "file"
    return _problem(
        name,
        f"this {kind} {found} ({type(error).__name__}: {detail}); nothing of it was used: "
        f"{_ADVICE.get(fmt or '', _DEFAULT_ADVICE)}",
    )


def read_input(
    name: str,
    data: bytes,
    *,
    formats: Mapping[str, str] | None = None,
    columns: Mapping[str, str | None] | None = None,
    max_bytes: int | None = None,
) -> tuple[Read, dict]:
    """Read one file: gzip unwrapped, text decoded, format chosen by config, content and
    extension. Returns what was read and how: {"format", "layout", "encoding",
    "compression"}. Whatever goes wrong in the file is reported in the Read, never raised,
    except the one documented stop: a table whose columns cannot be told apart (UserError).
    max_bytes: the largest a file may be once unpacked (inputs.max_file_mb)."""
    how = {"format": None, "layout": None, "encoding": None, "compression": None}
    try:
        read = _read(name, data, formats, columns or {}, max_bytes, how)
    except UserError:
        raise
    except Exception as error:  # a bug or a reader's surprise: this file only, said in words
        read = Read(how["format"] or "unknown", skipped=[_failure(name, how["format"], error)])
    how["format"] = how["format"] or read.format
    how["layout"] = read.layout
    return read, how


def _read(
    name: str,
    data: bytes,
    formats: Mapping[str, str] | None,
    columns: Mapping[str, str | None],
    max_bytes: int | None,
    how: dict,
) -> Read:
    try:
        inner_name, data, how["compression"] = detect.unwrap(name, data, max_bytes)
    except detect.TooLarge as error:
        return Read("unknown", skipped=[_too_large(name, str(error))])
    except ValueError as error:
        return Read(
            "unknown", skipped=[_problem(name, f"not readable: {error}; download or copy it again")]
        )
    if max_bytes is not None and len(data) > max_bytes:
        return Read("unknown", skipped=[_too_large(name, f"is {len(data) / 2**20:,.0f} MB")])
    if not data.strip():
        return Read("empty", warnings=[_problem(name, "the file is empty; nothing to read")])
    chosen = detect.configured_format(name, formats) or detect.configured_format(
        inner_name, formats
    )
    if chosen == "parquet" or (chosen is None and data[:4] == b"PAR1"):
        how["format"] = "parquet"
        return read_parquet(data, name, columns)
    if data[:8] == _OLE2:
        how["format"] = "xls"
        return Read(
            "xls",
            skipped=[
                _problem(
                    name,
                    "an Excel 97-2003 workbook (.xls), which is not read: open it in Excel "
                    "or LibreOffice and save it as .xlsx or CSV UTF-8",
                )
            ],
        )
    if data[:4] == _ZIP or chosen == "xlsx":
        return _read_zip(name, data, columns, max_bytes, how)
    decoded = detect.decode(data, name)
    if decoded is None:
        how["format"] = "binary"
        return Read(
            "binary",
            skipped=[
                _problem(
                    name,
                    "not a text file (binary content); remove it, or export the papers as "
                    "BibTeX, RIS, CSV or JSON",
                )
            ],
        )
    lines, how["encoding"], warnings = decoded
    fmt = chosen or detect.detect_format(inner_name, lines, None, looks_tabular)
    how["format"] = fmt
    # A JSON document may well be one long line (an API page saved as it came); in every
    # other format a line is at most a record.
    lines, too_long = _limit_lines(lines, name) if fmt != "json" else (lines, [])
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
    elif fmt in ("parquet", "xlsx"):
        read = Read(
            fmt,
            skipped=[
                _problem(
                    name,
                    f"named or configured as {fmt} but it holds text; rename it with its "
                    "format's extension (.csv, .ris, .bib, ...) or remove it",
                )
            ],
        )
    else:  # the schema allows only known formats; a direct caller may not
        raise ValueError(f"unknown input format {fmt!r}; known: {', '.join(FORMATS)}")
    read.warnings = warnings + read.warnings
    read.skipped = too_long + read.skipped
    return read


def _too_large(name: str, size: str) -> Issue:
    return _problem(
        name,
        f"not read: it {size}, more than inputs.max_file_mb in config.yaml allows; "
        "split it into smaller files, or raise inputs.max_file_mb if the machine has the "
        "memory (about three times the file's size)",
    )


def _limit_lines(lines: list[str], name: str) -> tuple[list[str], list[Issue]]:
    """Lines no reader should be given whole: blanked (so the numbers of the others stay)
    and reported, each one costing only itself."""
    limit = detect.MAX_LINE_CHARS
    if not any(len(line) > limit for line in lines):
        return lines, []
    issues = [
        Issue(
            name,
            number,
            f"line of {len(line):,} characters, longer than any record ({limit:,}); skipped",
            line[:80],
        )
        for number, line in enumerate(lines, start=1)
        if len(line) > limit
    ]
    return [line if len(line) <= limit else "" for line in lines], issues


def _read_zip(
    name: str,
    data: bytes,
    columns: Mapping[str, str | None],
    max_bytes: int | None,
    how: dict,
) -> Read:
    """An Excel workbook (.xlsx is a zip of XML), or a zip archive to unpack first."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        is_workbook = any(member.filename == "xl/workbook.xml" for member in members)
        unpacked = sum(member.file_size for member in members)
    if not is_workbook:
        how["format"] = "zip"
        return Read(
            "zip",
            skipped=[
                _problem(
                    name,
                    "a zip archive, which is not read: unpack it into the seeds folder "
                    "(its files, in subfolders too, are then read)",
                )
            ],
        )
    how["format"] = "xlsx"
    if max_bytes is not None and unpacked > max_bytes:
        return Read("xlsx", skipped=[_too_large(name, f"unpacks to {unpacked / 2**20:,.0f} MB")])
    return read_xlsx(data, name, columns)
