"""Listing files: text scraped from paper-listing pages, a title line then its abstract line.

Page chrome ("Subscribe", "new", date lines) and blank lines are dropped first. Each
remaining line is then given a role, title or abstract, by the cheapest reading of the whole
file: a line costs something when its shape disagrees with its role (a long sentence read
as a title, a short line read as an abstract) and a title or abstract left without its
partner costs more. So a file that alternates title and abstract lines pairs every line
whatever the lines look like (a long title that reads like an abstract stays a title),
while a title whose abstract is missing is left alone instead of shifting every later pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from topics.readers.records import Issue, Read, Record, plain_text

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

# Costs of a reading of the file. An unpaired line costs more than one line of the wrong
# shape and less than two, so alternating files pair up and a real gap stays a gap; a
# short line is never worth reading as an abstract, so a file of bare titles gives none.
_UNPAIRED = 1.5
_LONG_LINE_AS_ABSTRACT = 1.0
_SHORT_LINE_AS_ABSTRACT = 4.0
_PROSE_AS_TITLE = 1.0
_MARKED_ABSTRACT_AS_TITLE = 4.0


def is_chrome(line: str) -> bool:
    """True for page furniture such as "Subscribe", "new" or a date line like "Mar 11"."""
    return bool(_CHROME.match(line))


def looks_like_abstract(line: str) -> bool:
    """An abstract is long prose: many characters, or several sentences ending in a full stop."""
    if len(line) > _MAX_TITLE_CHARS:
        return True
    words = len(line.split())
    return line.endswith(".") and words >= 12 and len(_SENTENCE_END.findall(line)) >= 1


def _title_cost(text: str, marked: bool) -> float:
    if marked:
        return _MARKED_ABSTRACT_AS_TITLE
    return _PROSE_AS_TITLE if looks_like_abstract(text) else 0.0


def _abstract_cost(text: str, marked: bool) -> float:
    if marked or looks_like_abstract(text):
        return 0.0
    if len(text) >= 150 or len(text.split()) >= 25:
        return _LONG_LINE_AS_ABSTRACT
    return _SHORT_LINE_AS_ABSTRACT


def _roles(lines: list[tuple[int, str, bool]]) -> list[bool]:
    """For each content line, True when the cheapest reading makes it a title."""
    infinity = float("inf")
    # cost[s] after each line: s=1 when that line is a title still waiting for its abstract.
    cost = [0.0, infinity]
    back: list[tuple[int, int]] = []  # per line: (previous state for s=0, for s=1)
    for _, text, marked in lines:
        as_title, as_abstract = _title_cost(text, marked), _abstract_cost(text, marked)
        # s=1: this line is a title; a title before it is left without an abstract.
        title_from = 0 if cost[0] <= cost[1] + _UNPAIRED else 1
        title = min(cost[0], cost[1] + _UNPAIRED) + as_title
        # s=0: this line is an abstract, paired with the title before it or unpaired.
        abstract_from = 1 if cost[1] <= cost[0] + _UNPAIRED else 0
        abstract = min(cost[1], cost[0] + _UNPAIRED) + as_abstract
        cost = [abstract, title]
        back.append((abstract_from, title_from))
    state = 0 if cost[0] <= cost[1] + _UNPAIRED else 1
    roles = [False] * len(lines)
    for index in range(len(lines) - 1, -1, -1):
        roles[index] = state == 1
        state = back[index][state]
    return roles


def content_lines(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str, bool]]:
    """(line number, text, marked as abstract) for every line that is not chrome or blank."""
    kept = []
    for number, text in lines:
        if not text or is_chrome(text):
            continue
        text = _SUBSCRIBE_PREFIX.sub("", text)
        marked = False
        if text.startswith(":"):  # an abstract that lost its title's colon: ": Deep learning..."
            text = text[1:].strip()
            marked = True
            if not text:
                continue
        kept.append((number, text, marked))
    return kept


def parse_listing(
    lines: Iterable[tuple[int, str]], source: str
) -> tuple[list[Record], list[Issue]]:
    """Pair titles with abstracts in one file's (line number, stripped text) pairs.

    Returns the records and the lines that were skipped, each with its line number and why.
    A title with no abstract is returned as a record with an empty abstract; the caller
    decides whether another file supplies it.
    """
    content = content_lines(lines)
    roles = _roles(content)
    records: list[Record] = []
    skipped: list[Issue] = []
    pending: tuple[int, str] | None = None  # a title waiting for its abstract
    for (number, text, _), is_title in zip(content, roles, strict=True):
        if is_title:
            if pending is not None:
                records.append(Record(plain_text(pending[1]), "", source, pending[0]))
            pending = (number, text)
        elif pending is None:
            skipped.append(Issue(source, number, "abstract without a title", text[:80]))
        else:
            records.append(Record(plain_text(pending[1]), plain_text(text), source, pending[0]))
            pending = None
    if pending is not None:
        records.append(Record(plain_text(pending[1]), "", source, pending[0]))
    return records, skipped


def read_listing(lines: list[str], source: str) -> Read:
    """The listing reader: decoded lines in, titles with their abstracts out."""
    records, skipped = parse_listing(
        ((number, text.strip()) for number, text in enumerate(lines, start=1)), source
    )
    return Read("listing", records=records, skipped=skipped)
