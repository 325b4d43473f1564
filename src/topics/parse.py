"""Parse the seeds folder into one table of unique papers, and say what was read and how.

Each file goes to the reader its format needs (topics.readers): listing text, BibTeX, RIS,
Web of Science, MEDLINE, CSV/TSV exports, JSON Lines, JSON or Parquet, gzip'd or not. The
same paper from several files or formats is matched by DOI, then arXiv id, then normalised
title, and merged: it keeps every source and the most complete value of each field.
"""

from __future__ import annotations

import hashlib
import logging
import os
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
    "scan_seeds",
]

log = logging.getLogger("topics")

PAPER_COLUMNS = ["paper_id", "title", "abstract", "sources", *METADATA]
MATCH_KEYS = ("doi", "arxiv_id", "title")
_KEY_NAMES = {"doi": "DOI", "arxiv_id": "arXiv id", "title": "title"}


@dataclass
class FileReport:
    """What the parser did with one input file.

    records: the entries read (records, rows, objects, or entries the reader could not
    use); each is kept (it started a paper), a duplicate (merged into a paper) or skipped
    (a record-scope issue), so records == kept + duplicates + skipped records, per file.
    """

    file: str
    format: str | None = None
    layout: str | None = None
    encoding: str | None = None
    compression: str | None = None
    records: int = 0
    kept: int = 0
    duplicates: int = 0
    merged_by: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MATCH_KEYS, 0))
    skipped: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def skipped_records(self) -> int:
        return sum(issue.scope == "record" for issue in self.skipped)


def normalise_title(title: str) -> str:
    """Lower-case, accent-free, punctuation-free form used to spot the same paper twice."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def paper_id(title: str, identifier: str | None = None) -> str:
    """Stable id of a paper: the same title gives the same id in every run and corpus.
    identifier (a DOI or arXiv id) tells apart different papers sharing one title."""
    key = normalise_title(title) + (f"\n{identifier}" if identifier else "")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def decode_lines(data: bytes, source: str) -> tuple[list[tuple[int, str]], list[Issue]]:
    """Split a file's bytes into (line number, stripped text) pairs, with a warning for each
    line read as Windows-1252 because it is not valid UTF-8."""
    decoded = decode(data, source)
    if decoded is None:
        return [], []
    lines, _, warnings = decoded
    return [(number, line.strip()) for number, line in enumerate(lines, start=1)], warnings


def _content_key(record: Record) -> tuple:
    """Order of records that depends on what they say, never on the file or place they
    come from: the same records in any files and order are matched and merged alike."""
    return (
        normalise_title(record.title),
        record.doi or "",
        record.arxiv_id or "",
        record.title,
        record.abstract,
        record.year or 0,
        record.date or "",
        record.venue or "",
        record.authors,
        record.url or "",
        record.keywords,
    )


@dataclass
class _Paper:
    """Records found to be one paper, with the identifiers they carry."""

    members: list[tuple[int, int, Record]] = field(default_factory=list)  # (file, order, rec)
    dois: set[str] = field(default_factory=set)
    arxiv_ids: set[str] = field(default_factory=set)

    def accepts(self, record: Record) -> bool:
        """False when the record names another DOI or arXiv id than the paper's: records
        whose DOIs differ are different papers, whatever their titles."""
        return not (
            (record.doi and self.dois and record.doi not in self.dois)
            or (record.arxiv_id and self.arxiv_ids and record.arxiv_id not in self.arxiv_ids)
        )


class _Corpus:
    """Papers with an index from every DOI, arXiv id and title seen to the papers."""

    def __init__(self) -> None:
        self.papers: list[_Paper] = []
        self.by_doi: dict[str, _Paper] = {}
        self.by_arxiv: dict[str, _Paper] = {}
        self.by_title: dict[str, list[_Paper]] = {}

    def find(self, record: Record) -> _Paper | None:
        """The paper this record is: same DOI; else same arXiv id, or else same title, where
        at most one of the two carries a DOI (or arXiv id) and no other paper has the title."""
        if record.doi and record.doi in self.by_doi:
            return self.by_doi[record.doi]
        paper = self.by_arxiv.get(record.arxiv_id or "")
        if paper is not None and paper.accepts(record):
            return paper
        title = normalise_title(record.title)
        candidates = [p for p in self.by_title.get(title, []) if p.accepts(record)]
        # A title two papers share ("Editorial") cannot say which one a record is.
        return candidates[0] if len(candidates) == 1 else None

    def add(self, paper: _Paper | None, member: tuple[int, int, Record]) -> None:
        if paper is None:
            paper = _Paper()
            self.papers.append(paper)
        record = member[2]
        paper.members.append(member)
        if record.doi:
            paper.dois.add(record.doi)
            self.by_doi.setdefault(record.doi, paper)
        if record.arxiv_id:
            paper.arxiv_ids.add(record.arxiv_id)
            self.by_arxiv.setdefault(record.arxiv_id, paper)
        title = normalise_title(record.title)
        if title and paper not in self.by_title.setdefault(title, []):
            self.by_title[title].append(paper)


def _fold(records: Sequence[Record], sources: list[str]) -> dict:
    """One paper's row from its records, taken in content order: the most complete value of
    each field (the longest abstract, full author names over initials, a day over a month,
    mixed case over capitals), every source."""
    first, *rest = records
    titles = [record.title for record in records]
    paper = {
        # The title most records give; then one not in capitals, the longest, the first.
        "title": min(titles, key=lambda t: (-titles.count(t), t.isupper(), -len(t), t)),
        "abstract": first.abstract,
        "sources": sources,
        "year": first.year,
        "date": first.date,
        "venue": first.venue,
        "authors": list(first.authors),
        "doi": first.doi,
        "arxiv_id": first.arxiv_id,
        "url": first.url,
        "keywords": list(first.keywords),
    }
    for record in rest:
        if len(record.abstract) > len(paper["abstract"]):
            paper["abstract"] = record.abstract
        for name in ("year", "doi", "arxiv_id", "url"):
            if paper[name] is None:
                paper[name] = getattr(record, name)
        for name in ("date", "venue"):  # a full date beats a month; a full name an abbreviation
            value = getattr(record, name)
            if value and _fuller(value, paper[name] or ""):
                paper[name] = value
        authors = list(record.authors)
        if (len(authors), len("".join(authors))) > (
            len(paper["authors"]),
            len("".join(paper["authors"])),
        ):
            paper["authors"] = authors  # more names, or full names rather than initials
        known = {word.casefold() for word in paper["keywords"]}
        paper["keywords"] += [word for word in record.keywords if word.casefold() not in known]
    return paper


def _fuller(value: str, than: str) -> bool:
    """Longer, or as long and in mixed case where the other is in capitals."""
    return (len(value), not value.isupper()) > (len(than), not than.isupper())


def _matched_by(record: Record, others: Sequence[Record]) -> str:
    """The strongest key a merged record shares with the paper's records before it."""
    if record.doi and any(other.doi == record.doi for other in others):
        return "doi"
    if record.arxiv_id and any(other.arxiv_id == record.arxiv_id for other in others):
        return "arxiv_id"
    return "title"


def _ids(papers: list[dict]) -> list[str]:
    """Each paper's id: the hash of its title, and where other papers share the title, of
    its DOI (or arXiv id) too, so the id depends on the paper, never on the file order."""
    titles: dict[str, int] = {}
    for paper in papers:
        key = normalise_title(paper["title"])
        titles[key] = titles.get(key, 0) + 1
    ids = []
    for paper in papers:
        shared = titles[normalise_title(paper["title"])] > 1
        identifier = (paper["doi"] or paper["arxiv_id"]) if shared else None
        ids.append(paper_id(paper["title"], identifier))
    counts: dict[str, int] = {}
    for key in ids:
        counts[key] = counts.get(key, 0) + 1
    # Titles of no letters at all, or one title shared without identifiers: the abstract too.
    return [
        key if counts[key] == 1 else paper_id(paper["title"], f"abstract:{paper['abstract']}")
        for key, paper in zip(ids, papers, strict=True)
    ]


def parse_seeds(
    files: Sequence[tuple[str, bytes]],
    formats: Mapping[str, str] | None = None,
    columns: Mapping[str, str | None] | None = None,
    max_bytes: int | None = None,
) -> tuple[pd.DataFrame, list[FileReport]]:
    """Parse input files (name, bytes) into unique papers and a per-file report.

    formats and columns are config's inputs section (None: detection only), max_bytes the
    largest a file may be once unpacked. Each file is read under one guard: what goes wrong
    in it is in its report and the other files are read. Records are matched and merged in
    an order that depends on their content only, and the papers come out ordered by id, so
    the same papers in any files, formats or order give the same table. A record without an
    abstract adds its source and metadata to the paper another file gives an abstract for,
    and is reported as skipped otherwise.
    """
    import pandas as pd

    reports: list[FileReport] = []
    with_abstract: list[tuple[int, int, Record]] = []
    title_only: list[tuple[int, int, Record]] = []
    for position, (name, data) in enumerate(files):
        read, how = read_input(name, data, formats=formats, columns=columns, max_bytes=max_bytes)
        report = FileReport(name, **how, skipped=list(read.skipped), warnings=list(read.warnings))
        report.records = len(read.records) + report.skipped_records()
        reports.append(report)
        for order, record in enumerate(read.records):
            if not record.title:
                report.skipped.append(
                    Issue(name, record.line, "record without a title", record.abstract[:80])
                )
            elif record.abstract:
                with_abstract.append((position, order, record))
            else:
                title_only.append((position, order, record))

    def content(member: tuple[int, int, Record]) -> tuple:
        # Records with a DOI first, then with an arXiv id: papers form around identifiers
        # before titles are matched, whatever order the files give.
        record = member[2]
        rank = 0 if record.doi else 1 if record.arxiv_id else 2
        return (rank, _content_key(record), member[0], member[1])

    corpus = _Corpus()
    for member in sorted(with_abstract, key=content):
        corpus.add(corpus.find(member[2]), member)
    alone = []
    for member in sorted(title_only, key=content):
        paper = corpus.find(member[2])
        if paper is None:
            alone.append(member)
        else:
            corpus.add(paper, member)
    for position, _, record in sorted(alone, key=lambda member: member[:2]):
        reports[position].skipped.append(
            Issue(
                record.source,
                record.line,
                "title without an abstract",
                record.title[:80],
                record.record,
            )
        )

    rows = []
    for paper in corpus.papers:
        members = sorted(paper.members, key=content)
        in_file_order = sorted(paper.members, key=lambda member: member[:2])
        rows.append(
            _fold(
                [record for _, _, record in members],
                list(dict.fromkeys(files[position][0] for position, _, _ in in_file_order)),
            )
        )
        _account(paper, in_file_order, reports)
    _warn_shared_titles(corpus, reports)
    for row, key in zip(rows, _ids(rows), strict=True):
        row["paper_id"] = key
    table = pd.DataFrame(sorted(rows, key=lambda row: row["paper_id"]), columns=PAPER_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table, reports


def _account(
    paper: _Paper, in_file_order: list[tuple[int, int, Record]], reports: list[FileReport]
) -> None:
    """The first record of a paper in file order keeps it; the others count as duplicates
    in their files' reports, by the key that matched them, with a warning where they bring
    another abstract or none."""
    (_, _, first), *others = in_file_order
    kept_by = reports[in_file_order[0][0]]
    kept_by.kept += 1
    records = [record for _, _, record in in_file_order]
    for index, (position, _, record) in enumerate(others, start=1):
        report = reports[position]
        report.duplicates += 1
        matched = _matched_by(record, records[:index])  # as if the files were read in turn
        report.merged_by[matched] += 1
        if not record.abstract:
            reason = "title without an abstract; the abstract was taken from another file"
        elif first.abstract and record.abstract != first.abstract:
            reason = (
                f"same {_KEY_NAMES[matched]} as an earlier paper but another abstract; "
                "kept the longer abstract"
            )
        else:
            continue
        report.warnings.append(
            Issue(record.source, record.line, reason, record.title[:80], record.record)
        )


def _warn_shared_titles(corpus: _Corpus, reports: list[FileReport]) -> None:
    """A title shared by papers that their DOIs (or arXiv ids) tell apart ("Editorial",
    "Introduction") is said once per paper, where the paper is first read."""
    for papers in corpus.by_title.values():
        if len(papers) < 2:
            continue
        for paper in papers:
            position, _, record = min(paper.members, key=lambda member: member[:2])
            others = ", ".join(
                sorted(
                    min(other.dois or other.arxiv_ids or {"no identifier"})
                    for other in papers
                    if other is not paper
                )
            )
            reports[position].warnings.append(
                Issue(
                    record.source,
                    record.line,
                    f"another paper has the same title but another DOI or arXiv id ({others}); "
                    "kept as different papers",
                    record.title[:80],
                    record.record,
                )
            )


def report_summary(
    papers: pd.DataFrame, reports: Sequence[FileReport], ignored: Sequence[Issue] = ()
) -> dict:
    """The parse report as plain data: corpus figures plus every file's details."""
    return {
        "files": len(reports),
        "records": sum(r.records for r in reports),
        "unique_papers": len(papers),
        "duplicates": sum(r.duplicates for r in reports),
        "merged_by": {key: sum(r.merged_by[key] for r in reports) for key in MATCH_KEYS},
        "skipped": sum(r.skipped_records() for r in reports),
        "files_not_read": sum(any(issue.scope == "file" for issue in r.skipped) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "formats": {
            fmt: sum(r.format == fmt for r in reports)
            for fmt in dict.fromkeys(r.format for r in reports)
        },
        "ignored": [asdict(issue) for issue in ignored],
        "per_file": [asdict(r) for r in reports],
    }


_NO_FILES = (
    "put your papers' files in it (exports such as BibTeX, RIS, CSV, Excel, JSON Lines, or "
    "listings of titles and abstracts)"
)


def scan_seeds(seeds_dir: str | Path) -> tuple[list[Path], list[Issue]]:
    """The input files in a seeds folder and its subfolders (a Zotero "Export Files"
    folder, an unpacked archive), sorted by path, and what was left alone and why: hidden
    files and folders, Office lock files, and links that lead outside the folder (never
    opened, so a link to a system file cannot leak it into the report)."""
    folder = Path(seeds_dir)
    if not folder.is_dir():
        raise UserError(
            f"seeds folder '{folder}' does not exist (config key seeds_dir); "
            f"create it and {_NO_FILES}."
        )
    root = folder.resolve()
    files: list[Path] = []
    ignored: list[Issue] = []

    def leave(path: Path, reason: str) -> None:
        ignored.append(Issue(path.relative_to(folder).as_posix(), None, reason, scope="file"))

    for directory, subfolders, names in os.walk(folder):  # links to folders are not walked
        here = Path(directory)
        for name in sorted(subfolders):
            path = here / name
            if name.startswith("."):
                leave(path, "hidden folder; not read")
            elif path.is_symlink():
                leave(path, "link to a folder; not followed (copy the files in instead)")
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and not (here / name).is_symlink()
        )
        for name in sorted(names):
            path = here / name
            if name.startswith("."):
                leave(path, "hidden file; not read")
            elif name.startswith("~$"):
                leave(path, "an Office lock file (the workbook is open); not read")
            elif path.is_symlink() and not _inside(path, root):
                leave(path, "link to a file outside the seeds folder; not opened")
            elif not path.is_file():
                leave(path, "not a regular file (a broken link, a pipe); not read")
            else:
                files.append(path)
    files.sort(key=lambda path: path.relative_to(folder).as_posix())
    if not files:
        raise UserError(
            f"seeds folder '{folder}' has no input files (config key seeds_dir); {_NO_FILES}."
        )
    return files, ignored


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


def list_seed_files(seeds_dir: str | Path) -> list[Path]:
    """The input files in a seeds folder and its subfolders, sorted by path (scan_seeds)."""
    return scan_seeds(seeds_dir)[0]


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
    max_file_mb: float | None = None,
    seeds_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Parse the input files, write papers (Parquet) and the parse report (JSON).

    formats, columns and max_file_mb are config's inputs section, as the rule passes it;
    seeds_dir names files by their path inside it and lists what the folder held that was
    not read.
    """
    max_bytes = None if max_file_mb is None else int(max_file_mb * 2**20)
    folder = Path(seeds_dir) if seeds_dir is not None else None
    files = []
    unreadable = []
    for path in map(Path, listing_paths):
        name = _name(path, folder)
        try:
            size = path.stat().st_size
            if max_bytes is not None and size > max_bytes:
                files.append((name, b""))  # a placeholder the report below replaces
                unreadable.append((len(files) - 1, size))
                continue
            files.append((name, path.read_bytes()))
        except OSError as error:
            files.append((name, b""))
            unreadable.append((len(files) - 1, error))
    papers, reports = parse_seeds(files, formats, columns, max_bytes)
    for position, problem in unreadable:
        reason = (
            f"cannot be read: {problem.strerror}"
            if isinstance(problem, OSError)
            else f"not read: it is {problem / 2**20:,.0f} MB, more than inputs.max_file_mb "
            "in config.yaml allows; split it into smaller files, or raise inputs.max_file_mb "
            "if the machine has the memory (about three times the file's size)"
        )
        reports[position] = FileReport(
            files[position][0], skipped=[Issue(files[position][0], None, reason, scope="file")]
        )
    ignored = scan_seeds(folder)[1] if folder is not None else []
    summary = report_summary(papers, reports, ignored)
    write_json(summary, report_path)
    for issue in ignored:
        log.warning("ignored %s: %s", issue.file, issue.reason)
    for report in reports:
        log.info(
            "%s: %s%s, %d records, %d kept, %d duplicates (%s), %d skipped, %d warnings",
            report.file,
            report.format,
            f" ({report.layout})" if report.layout else "",
            report.records,
            report.kept,
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


def _name(path: Path, folder: Path | None) -> str:
    """A file's name in the report and in papers' sources: its path inside the seeds folder."""
    if folder is not None:
        try:
            return path.relative_to(folder).as_posix()
        except ValueError:
            pass
    return path.name
