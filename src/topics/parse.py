"""Parse the seeds folder into one table of unique papers, and say what was read and how.

Each file goes to the reader its format needs (topics.readers): listing text, BibTeX, RIS,
Web of Science, MEDLINE, CSV/TSV exports, JSON Lines, JSON or Parquet, gzip'd or not. The
same paper from several files or formats is matched by DOI, then arXiv id, then normalised
title, and merged: it keeps every source and the most complete value of each field.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from topics.errors import UserError
from topics.files import write_json, write_papers
from topics.readers import read_input
from topics.readers.detect import decode, is_binary
from topics.readers.listing import is_chrome, looks_like_abstract, parse_listing
from topics.readers.records import METADATA, Issue, Record

if TYPE_CHECKING:  # pandas loads only in the jobs that build tables, not in Snakemake's DAG
    import pandas as pd

__all__ = [
    "PAPER_COLUMNS",
    "FileReport",
    "Issue",
    "Record",
    "decode_lines",
    "is_binary",
    "is_chrome",
    "list_seed_files",
    "looks_like_abstract",
    "normalise_title",
    "paper_id",
    "parse_listing",
    "parse_seeds",
    "report_summary",
    "run_parse",
]

log = logging.getLogger("topics")

PAPER_COLUMNS = ["paper_id", "title", "abstract", "sources", *METADATA]
MATCH_KEYS = ("doi", "arxiv_id", "title")
_KEY_NAMES = {"doi": "DOI", "arxiv_id": "arXiv id", "title": "title"}


@dataclass
class FileReport:
    """What the parser did with one input file."""

    file: str
    format: str | None = None
    layout: str | None = None
    encoding: str | None = None
    compression: str | None = None
    records: int = 0
    duplicates: int = 0
    merged_by: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MATCH_KEYS, 0))
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


def decode_lines(data: bytes, source: str) -> tuple[list[tuple[int, str]], list[Issue]]:
    """Split a file's bytes into (line number, stripped text) pairs, with a warning for each
    line read as Windows-1252 because it is not valid UTF-8."""
    decoded = decode(data, source)
    if decoded is None:
        return [], []
    lines, _, warnings = decoded
    return [(number, line.strip()) for number, line in enumerate(lines, start=1)], warnings


class _Corpus:
    """Unique papers with an index from every DOI, arXiv id and title seen to its paper."""

    def __init__(self) -> None:
        self.papers: dict[str, dict] = {}
        self.index: dict[tuple[str, str], str] = {}

    @staticmethod
    def keys(record: Record) -> list[tuple[str, str]]:
        keys = [
            ("doi", record.doi),
            ("arxiv_id", record.arxiv_id),
            ("title", normalise_title(record.title)),
        ]
        return [(name, value) for name, value in keys if value]

    def find(self, record: Record) -> tuple[str, str] | None:
        """(paper id, the key that matched) for the paper this record is, if already seen."""
        for name, value in self.keys(record):
            if (name, value) in self.index:
                return self.index[name, value], name
        if paper_id(record.title) in self.papers:  # a title with no letters or digits at all
            return paper_id(record.title), "title"
        return None

    def add(self, record: Record) -> None:
        key = paper_id(record.title)
        self.papers[key] = {
            "paper_id": key,
            "title": record.title,
            "abstract": record.abstract,
            "sources": [record.source],
            "year": record.year,
            "date": record.date,
            "venue": record.venue,
            "authors": list(record.authors),
            "doi": record.doi,
            "arxiv_id": record.arxiv_id,
            "url": record.url,
            "keywords": list(record.keywords),
        }
        self.remember(key, record)

    def remember(self, key: str, record: Record) -> None:
        for name, value in self.keys(record):
            self.index.setdefault((name, value), key)

    def merge(self, key: str, record: Record) -> bool:
        """Fold a record into a paper: every source, the most complete value of each field.
        Returns True when both carried an abstract and they differ."""
        paper = self.papers[key]
        if record.source not in paper["sources"]:
            paper["sources"].append(record.source)
        differs = bool(
            record.abstract and paper["abstract"] and record.abstract != paper["abstract"]
        )
        if len(record.abstract) > len(paper["abstract"]):
            paper["abstract"] = record.abstract
        for name in ("year", "doi", "arxiv_id", "url"):
            if paper[name] is None:
                paper[name] = getattr(record, name)
        for name in ("date", "venue"):  # a full date beats a month; a full name an abbreviation
            value = getattr(record, name)
            if value and len(value) > len(paper[name] or ""):
                paper[name] = value
        authors = list(record.authors)
        if (len(authors), len("".join(authors))) > (
            len(paper["authors"]),
            len("".join(paper["authors"])),
        ):
            paper["authors"] = authors  # more names, or full names rather than initials
        known = {word.casefold() for word in paper["keywords"]}
        paper["keywords"] += [word for word in record.keywords if word.casefold() not in known]
        self.remember(key, record)
        return differs


def parse_seeds(
    files: Sequence[tuple[str, bytes]],
    formats: Mapping[str, str] | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[pd.DataFrame, list[FileReport]]:
    """Parse input files (name, bytes) into unique papers and a per-file report.

    formats and columns are config's inputs section (None: detection only). A record without
    an abstract is kept back until every file is read: it adds its source and metadata to
    the paper another file gives an abstract for, and is reported as skipped otherwise.
    """
    import pandas as pd

    corpus = _Corpus()
    title_only: list[Record] = []
    reports: list[FileReport] = []
    for name, data in files:
        read, how = read_input(name, data, formats=formats, columns=columns)
        report = FileReport(name, **how, skipped=list(read.skipped), warnings=list(read.warnings))
        reports.append(report)
        for record in read.records:
            if not record.abstract:
                title_only.append(record)
                continue
            report.records += 1
            found = corpus.find(record)
            if found is None:
                corpus.add(record)
                continue
            key, matched = found
            report.duplicates += 1
            report.merged_by[matched] += 1
            if corpus.merge(key, record):
                report.warnings.append(
                    Issue(
                        name,
                        record.line,
                        f"same {_KEY_NAMES[matched]} as an earlier paper but "
                        "another abstract; kept the longer abstract",
                        record.title[:80],
                        record.record,
                    )
                )
    by_name = {report.file: report for report in reports}
    for record in title_only:
        found = corpus.find(record)
        report = by_name[record.source]
        if found is None:
            report.skipped.append(
                Issue(
                    record.source,
                    record.line,
                    "title without an abstract",
                    record.title[:80],
                    record.record,
                )
            )
            continue
        key, matched = found
        report.duplicates += 1
        report.merged_by[matched] += 1
        corpus.merge(key, record)
        report.warnings.append(
            Issue(
                record.source,
                record.line,
                "title without an abstract; the abstract was taken from another file",
                record.title[:80],
                record.record,
            )
        )
    table = pd.DataFrame(list(corpus.papers.values()), columns=PAPER_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table, reports


def report_summary(papers: pd.DataFrame, reports: Sequence[FileReport]) -> dict:
    """The parse report as plain data: corpus figures plus every file's details."""
    return {
        "files": len(reports),
        "records": sum(r.records for r in reports),
        "unique_papers": len(papers),
        "duplicates": sum(r.duplicates for r in reports),
        "merged_by": {key: sum(r.merged_by[key] for r in reports) for key in MATCH_KEYS},
        "skipped": sum(len(r.skipped) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "formats": {
            fmt: sum(r.format == fmt for r in reports)
            for fmt in dict.fromkeys(r.format for r in reports)
        },
        "per_file": [asdict(r) for r in reports],
    }


def list_seed_files(seeds_dir: str | Path) -> list[Path]:
    """The input files in a seeds folder: every visible regular file, sorted by name."""
    folder = Path(seeds_dir)
    if not folder.is_dir():
        raise UserError(
            f"seeds folder '{folder}' does not exist (config key seeds_dir); "
            "create it and put your papers' files in it (exports such as BibTeX, RIS, CSV, "
            "JSON Lines, or listings of titles and abstracts)."
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise UserError(
            f"seeds folder '{folder}' has no input files (config key seeds_dir); "
            "put your papers' files in it (exports such as BibTeX, RIS, CSV, JSON Lines, or "
            "listings of titles and abstracts)."
        )
    return files


def _where(issue: Issue) -> str:
    if issue.line:
        return f":{issue.line}"
    return f" (record {issue.record})" if issue.record else ""


def run_parse(
    listing_paths: Sequence[str | Path],
    papers_path: str | Path,
    report_path: str | Path,
    formats: Mapping[str, str] | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """Parse the input files, write papers (Parquet) and the parse report (JSON).

    formats and columns are config's inputs section, as the rule passes it.
    """
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
    papers, reports = parse_seeds(files, formats, columns)
    reports = [*reports, *unreadable]
    summary = report_summary(papers, reports)
    write_json(summary, report_path)
    for report in reports:
        log.info(
            "%s: %s%s, %d records, %d duplicates (%s), %d skipped, %d warnings",
            report.file,
            report.format,
            f" ({report.layout})" if report.layout else "",
            report.records,
            report.duplicates,
            ", ".join(f"{n} by {k}" for k, n in report.merged_by.items() if n) or "none",
            len(report.skipped),
            len(report.warnings),
        )
        for issue in report.skipped:
            log.warning("skipped %s%s: %s", issue.file, _where(issue), issue.reason)
        for issue in report.warnings:
            log.warning("%s%s: %s", issue.file, _where(issue), issue.reason)
    log.info(
        "%d unique papers from %d records in %d files",
        summary["unique_papers"],
        summary["records"],
        summary["files"],
    )
    if papers.empty:
        raise UserError(
            f"no papers found in the {len(reports)} input file(s) "
            f"({', '.join(r.file for r in reports)}); each paper needs a title and an "
            f"abstract (in a listing file, a title line followed by its abstract line). "
            f"Details: {report_path}"
        )
    write_papers(papers, papers_path)
    return papers
