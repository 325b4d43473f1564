"""What every reader returns: records with their metadata, and issues that say where they are.

The field helpers turn what exports write (DOI links, arXiv ids with versions, dates in a
dozen spellings, author lists joined by semicolons) into one form, so that records of the
same paper from different formats can be matched and merged. Nothing here invents a value:
a field an export does not give stays empty.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

# What an input may say of a paper besides its title and abstract: the papers table's
# metadata columns (a field no file gives stays None, or an empty list).
METADATA = ("year", "date", "venue", "authors", "doi", "arxiv_id", "url", "keywords")
FIELDS = ("title", "abstract", *METADATA)


@dataclass(frozen=True)
class Record:
    """One paper as one file gives it: title, abstract and whatever metadata the file has."""

    title: str
    abstract: str
    source: str
    line: int | None = None
    record: int | None = None  # position in the file (entry, row or object), from 1
    year: int | None = None
    date: str | None = None  # ISO 8601: YYYY-MM-DD or YYYY-MM
    venue: str | None = None
    authors: tuple[str, ...] = ()
    doi: str | None = None  # lower case, without a resolver prefix
    arxiv_id: str | None = None  # without a version suffix
    url: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issue:
    """A record, line or file the parser could not use, or read with a caveat.

    scope "record": one entry of the file (a record, row, object or line) that was not used,
    counted among the file's records; "file": the file as a whole (unreadable, too large).
    """

    file: str
    line: int | None
    reason: str
    text: str = ""
    record: int | None = None
    scope: str = "record"


@dataclass
class Read:
    """What a reader made of one file."""

    format: str
    records: list[Record] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    layout: str | None = None  # for tables and JSON: whose column names were recognised

    def add(
        self, source: str, *, line: int | None = None, record: int | None = None, **fields
    ) -> None:
        """Keep a record built from raw field values, or report it when it has no title."""
        built = make_record(source, line=line, record=record, **fields)
        if built.title:
            self.records.append(built)
        else:
            self.skipped.append(
                Issue(source, line, "record without a title", built.abstract[:80], record)
            )


def clean(value) -> str:
    """A field value as one line of text: whitespace runs become single spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a table
        return ""
    return " ".join(str(value).split())


# Markup that exports leave in titles and abstracts: JATS and MathML (any prefixed name,
# <jats:p>, <mml:mi>) and the HTML tags Crossref, PubMed and OpenAlex carry. Only these
# names, so that "x <y and z> w" in an abstract is left alone.
_INLINE_TAGS = "i|b|u|em|strong|sub|sup|sc|italic|bold|span|a|font|small|big|tt|code|underline"
_BLOCK_TAGS = "p|br|hr|div|li|ul|ol|h[1-6]|sec|title|abstract|list|list-item|label|break"
_PREFIX = r"(?:[A-Za-z][\w.-]*:)"
_BLOCK = re.compile(rf"</?{_PREFIX}?(?:{_BLOCK_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_INLINE = re.compile(
    rf"</?(?:{_PREFIX}?(?:{_INLINE_TAGS})|{_PREFIX}[A-Za-z][\w.-]*)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def plain_text(value) -> str:
    """clean() of a title or abstract as a reader sees it: tags stripped, then HTML entities
    ("&amp;", "&#39;") decoded, so "&lt;b&gt;" written on purpose still shows as "<b>"."""
    text = clean(value)
    if "<" in text:
        text = _INLINE.sub("", _BLOCK.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return clean(text)


_DOI = re.compile(r"10\.\d{4,9}/[^\s&?#\"<>]+", re.IGNORECASE)


def normalise_doi(value) -> str | None:
    """A DOI in lower case without "https://doi.org/" or "doi:", or None when there is none."""
    text = unquote(clean(value))
    match = _DOI.search(text)
    if not match:
        return None
    doi = match.group(0).rstrip(".,;]}>\"'")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi.lower()


_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?", re.IGNORECASE)


def normalise_arxiv_id(value, *, needs_mention: bool = False) -> str | None:
    """An arXiv identifier without its version ("2101.11408v2" -> "2101.11408").

    needs_mention: only accept text that names arXiv (a URL or a DOI such as
    10.48550/arXiv.2310.06770), for fields that may hold other identifiers.
    """
    text = clean(value)
    if not text or (needs_mention and "arxiv" not in text.lower()):
        return None
    match = _ARXIV_ID.search(text)
    return match.group(1) if match else None


_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d|21\d\d)(?!\d)")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[/T ].*)?$")
_WORDS = re.compile(r"[A-Za-z]+|\d+")


def year_of(value) -> int | None:
    """The first plausible year in a value (2019, "2019", "2019/03/05/", "Spring 2019")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1600 <= value <= 2199 else None
    if isinstance(value, float) and value == value and value.is_integer():
        return year_of(int(value))
    match = _YEAR.search(clean(value))
    return int(match.group(1)) if match else None


def iso_date(value) -> str | None:
    """YYYY-MM-DD or YYYY-MM from the spellings exports use, None when no month is given.

    "2017-09-12", "2019/03/05/", "2016 Jan 15", "DEC 16 2020", "Mon, 2 Apr 2007 19:18:42 GMT".
    A bare year is not a date: it goes to the year field only.
    """
    text = clean(value)
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        year, month, day = match.groups()
        return _format_date(int(year), int(month), day and int(day))
    year = month = day = None
    for token in _WORDS.findall(text):
        lowered = token.lower()
        if lowered in _MONTHS and month is None:
            month = _MONTHS[lowered]
        elif token.isdigit() and len(token) == 4 and year is None:
            year = int(token)
        elif token.isdigit() and len(token) <= 2 and day is None and month is not None:
            day = int(token)
        elif token.isdigit() and len(token) <= 2 and day is None and year is None:
            day = int(token)  # "2 Apr 2007": the day comes before the month
    if year is None or month is None:
        return None
    return _format_date(year, month, day)


def _format_date(year: int, month: int | None, day: int | None) -> str | None:
    if not month or not 1 <= month <= 12:
        return None
    if day and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}"


def unique(values: Iterable) -> tuple[str, ...]:
    """Cleaned, non-empty values, each once (case-insensitively), in order."""
    seen = set()
    kept = []
    for value in values:
        text = clean(value)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            kept.append(text)
    return tuple(kept)


def split_list(value, separators: str = ";|") -> tuple[str, ...]:
    """A list field: a list as is, or text split on the first separator it contains."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return unique(value)
    if hasattr(value, "tolist"):  # numpy arrays from Parquet
        return unique(value.tolist())
    text = clean(value)
    for separator in separators:
        if separator in text:
            return unique(text.split(separator))
    return unique([text])


_AUTHOR_ID = re.compile(r"\s*\(\d+\)$")


def split_authors(value) -> tuple[str, ...]:
    """Author names from a list, or from text joined by ";", "|", " and " or ",".

    Scopus's "Author full names" carry each author's Scopus id, "Liu, Fengyuan (60410297700)":
    the id is dropped.
    """
    return unique(_AUTHOR_ID.sub("", name) for name in _split_authors(value))


def _split_authors(value) -> tuple[str, ...]:
    if value is None or isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return split_list(value)
    text = clean(value)
    for separator in (";", "|"):
        if separator in text:
            return unique(text.split(separator))
    if " and " in text:
        parts = [part for chunk in text.split(" and ") for part in chunk.split(", ")]
        return unique(parts)
    parts = [part.strip() for part in text.split(",")]
    # "Li, Wei" is one name; "Yagai T., Kimura Y." and "C. Balazs, E. L. Berger" are two.
    if len(parts) > 1 and all(len(part.split()) >= 2 for part in parts):
        return unique(parts)
    return unique([text])


def make_record(
    source: str,
    *,
    title=None,
    abstract=None,
    line: int | None = None,
    record: int | None = None,
    year=None,
    date=None,
    venue=None,
    authors=(),
    doi=None,
    arxiv_id=None,
    url=None,
    keywords=(),
) -> Record:
    """A Record from raw field values: text cleaned, identifiers normalised, the year taken
    from the date when only the date is given, an arXiv id read from an arXiv DOI or URL."""
    iso = iso_date(date)
    found_year = year_of(year) or year_of(iso or date)
    doi_value = normalise_doi(doi)
    url_value = clean(url) or None
    arxiv = (
        normalise_arxiv_id(arxiv_id)
        or normalise_arxiv_id(doi_value, needs_mention=True)
        or normalise_arxiv_id(url_value, needs_mention=True)
    )
    return Record(
        title=plain_text(title),
        abstract=plain_text(abstract),
        source=source,
        line=line,
        record=record,
        year=found_year,
        date=iso,
        venue=plain_text(venue) or None,
        authors=authors if isinstance(authors, tuple) else split_authors(authors),
        doi=doi_value,
        arxiv_id=arxiv,
        url=url_value,
        keywords=keywords if isinstance(keywords, tuple) else split_list(keywords),
    )


def rebuild_abstract(index) -> str:
    """OpenAlex stores abstracts as {word: [positions]}; put the words back in order."""
    if isinstance(index, str) and index.strip().startswith("{"):
        import json

        try:
            index = json.loads(index)
        except ValueError:
            return ""
    if not isinstance(index, dict):
        return ""
    placed = [
        (position, word)
        for word, positions in index.items()
        if isinstance(positions, list | tuple) or hasattr(positions, "tolist")
        for position in (positions.tolist() if hasattr(positions, "tolist") else positions)
        if isinstance(position, int)
    ]
    return " ".join(word for _, word in sorted(placed))
