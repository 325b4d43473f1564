"""Parse paper-listing files into one table of unique papers.

Listing files are text scraped from paper-listing pages: titles and abstracts on their
own lines, with page chrome between them, sometimes with a blank line after every line.
Lines are classified by what they are (chrome, title, abstract), not by position, so a
title whose abstract is missing does not shift every later pair.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from topics.errors import UserError
from topics.files import write_json, write_table

if TYPE_CHECKING:  # pandas loads only in the jobs that build tables, not in Snakemake's DAG
    import pandas as pd

log = logging.getLogger("topics")

PAPER_COLUMNS = ["paper_id", "title", "abstract", "sources"]

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_CHROME = re.compile(
    r"^(?:get trending papers in your email inbox.*"
    r"|new|subscribe|by ?ak and the research community"
    rf"|(?:{_MONTHS})[a-z]*\.? \d{{1,2}}(?:,? \d{{4}})?)$",
    re.IGNORECASE,
)
# "Subscribe" glued to the first title: "SubscribeCutPaste: ..." (never "Subscribers ...").
_SUBSCRIBE_PREFIX = re.compile(r"^Subscribe(?=[^a-z\s])")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_MAX_TITLE_CHARS = 300


@dataclass(frozen=True)
class Record:
    """One title with its abstract, as read from one line pair of one file."""

    title: str
    abstract: str
    source: str
    line: int


@dataclass(frozen=True)
class Issue:
    """A line or file the parser could not use, or read with a caveat."""

    file: str
    line: int | None
    reason: str
    text: str = ""


@dataclass
class FileReport:
    """What the parser did with one listing file."""

    file: str
    records: int = 0
    duplicates: int = 0
    skipped: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def normalise_title(title: str) -> str:
    """Lower-case, accent-free, punctuation-free form used to spot the same paper twice."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def paper_id(title: str) -> str:
    """Stable id of a paper: the same title gives the same id in every run and corpus."""
    return hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]


def is_chrome(line: str) -> bool:
    """True for page furniture such as "Subscribe", "new" or a date line like "Mar 11"."""
    return bool(_CHROME.match(line))


def looks_like_abstract(line: str) -> bool:
    """An abstract is long prose: many characters, or several sentences ending in a full stop."""
    if len(line) > _MAX_TITLE_CHARS:
        return True
    words = len(line.split())
    return line.endswith(".") and words >= 12 and len(_SENTENCE_END.findall(line)) >= 1


def decode_lines(data: bytes, source: str) -> tuple[list[tuple[int, str]], list[Issue]]:
    """Split a file's bytes into (line number, text) pairs.

    A line that is not valid UTF-8 is read as Windows-1252 (the usual culprit) and
    reported, so one bad byte never costs the rest of the file.
    """
    warnings = []
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            warnings.append(
                Issue(source, number, "not valid UTF-8; read as Windows-1252", text[:80])
            )
        lines.append((number, text.lstrip("\ufeff").strip()))
    return lines, warnings


def is_binary(data: bytes) -> bool:
    """True when the bytes are not text at all (NUL bytes or mostly control characters)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v")
    return bool(head) and control / len(head) > 0.05


def parse_listing(
    lines: Iterable[tuple[int, str]], source: str
) -> tuple[list[Record], list[Issue]]:
    """Pair titles with abstracts in one file's lines.

    Returns the records and the lines that were skipped, each with its line number and why.
    A title with no abstract is returned as a record with an empty abstract; the caller
    decides whether another file supplies it.
    """
    records: list[Record] = []
    skipped: list[Issue] = []
    pending: tuple[int, str] | None = None  # a title waiting for its abstract
    for number, text in lines:
        if not text or is_chrome(text):
            continue
        text = _SUBSCRIBE_PREFIX.sub("", text)
        if text.startswith(":"):  # an abstract that lost its title's colon: ": Deep learning..."
            text = text[1:].strip()
            is_abstract = bool(text)
        else:
            is_abstract = looks_like_abstract(text)
        if is_abstract:
            if pending is None:
                skipped.append(Issue(source, number, "abstract without a title", text[:80]))
            else:
                records.append(Record(pending[1], text, source, pending[0]))
                pending = None
        else:
            if pending is not None:
                records.append(Record(pending[1], "", source, pending[0]))
            pending = (number, text)
    if pending is not None:
        records.append(Record(pending[1], "", source, pending[0]))
    return records, skipped


def parse_seeds(files: Sequence[tuple[str, bytes]]) -> tuple[pd.DataFrame, list[FileReport]]:
    """Parse listing files (name, bytes) into unique papers and a per-file report.

    Papers are deduplicated by normalised title; each keeps the names of all files it came
    from, in order of first appearance. A title without an abstract anywhere is skipped
    and reported; one whose abstract another file gives just adds that file as a source.
    """
    import pandas as pd

    papers: dict[str, dict] = {}
    title_only: list[Record] = []
    reports: list[FileReport] = []
    for name, data in files:
        report = FileReport(name)
        reports.append(report)
        if is_binary(data):
            report.skipped.append(Issue(name, None, "not a text file (binary content)"))
            continue
        lines, report.warnings = decode_lines(data, name)
        records, report.skipped = parse_listing(lines, name)
        for record in records:
            if not record.abstract:
                title_only.append(record)
                continue
            report.records += 1
            key = paper_id(record.title)
            paper = papers.get(key)
            if paper is None:
                papers[key] = {
                    "paper_id": key,
                    "title": record.title,
                    "abstract": record.abstract,
                    "sources": [name],
                }
                continue
            report.duplicates += 1
            if name not in paper["sources"]:
                paper["sources"].append(name)
            if record.abstract != paper["abstract"]:
                report.warnings.append(
                    Issue(
                        name,
                        record.line,
                        "same title as an earlier paper but another "
                        "abstract; kept the longer abstract",
                        record.title[:80],
                    )
                )
                if len(record.abstract) > len(paper["abstract"]):
                    paper["abstract"] = record.abstract
    by_name = {report.file: report for report in reports}
    for record in title_only:
        paper = papers.get(paper_id(record.title))
        report = by_name[record.source]
        if paper is None:
            report.skipped.append(
                Issue(record.source, record.line, "title without an abstract", record.title[:80])
            )
        else:
            report.duplicates += 1
            report.warnings.append(
                Issue(
                    record.source,
                    record.line,
                    "title without an abstract; the abstract was taken from another file",
                    record.title[:80],
                )
            )
            if record.source not in paper["sources"]:
                paper["sources"].append(record.source)
    table = pd.DataFrame(list(papers.values()), columns=PAPER_COLUMNS)
    return table, reports


def report_summary(papers: pd.DataFrame, reports: Sequence[FileReport]) -> dict:
    """The parse report as plain data: corpus figures plus every file's details."""
    return {
        "files": len(reports),
        "records": sum(r.records for r in reports),
        "unique_papers": len(papers),
        "duplicates": sum(r.duplicates for r in reports),
        "skipped": sum(len(r.skipped) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "per_file": [asdict(r) for r in reports],
    }


def list_seed_files(seeds_dir: str | Path) -> list[Path]:
    """The listing files in a seeds folder: every visible regular file, sorted by name."""
    folder = Path(seeds_dir)
    if not folder.is_dir():
        raise UserError(
            f"seeds folder '{folder}' does not exist (config key seeds_dir); "
            "create it and put paper-listing text files in it."
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise UserError(
            f"seeds folder '{folder}' has no listing files (config key seeds_dir); "
            "put paper-listing text files (titles and abstracts) in it."
        )
    return files


def run_parse(
    listing_paths: Sequence[str | Path], papers_path: str | Path, report_path: str | Path
) -> pd.DataFrame:
    """Parse the listing files, write papers (Parquet) and the parse report (JSON)."""
    files = []
    unreadable = []
    for path in map(Path, listing_paths):
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as error:
            unreadable.append(
                FileReport(
                    path.name, skipped=[Issue(path.name, None, f"cannot be read: {error.strerror}")]
                )
            )
    papers, reports = parse_seeds(files)
    reports = [*reports, *unreadable]
    summary = report_summary(papers, reports)
    write_json(summary, report_path)
    for report in reports:
        log.info(
            "%s: %d records, %d duplicates, %d skipped, %d warnings",
            report.file,
            report.records,
            report.duplicates,
            len(report.skipped),
            len(report.warnings),
        )
        for issue in report.skipped:
            log.warning(
                "skipped %s%s: %s", issue.file, f":{issue.line}" if issue.line else "", issue.reason
            )
        for issue in report.warnings:
            log.warning("%s:%s: %s", issue.file, issue.line, issue.reason)
    log.info(
        "%d unique papers from %d records in %d files",
        summary["unique_papers"],
        summary["records"],
        summary["files"],
    )
    if papers.empty:
        raise UserError(
            f"no papers found in the {len(reports)} listing file(s) "
            f"({', '.join(r.file for r in reports)}); each paper needs a title line "
            f"followed by its abstract line. Details: {report_path}"
        )
    write_table(papers, papers_path)
    return papers
