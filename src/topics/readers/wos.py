"""Web of Science exports: "Plain text file" (tagged lines) and "Tab delimited file".

Both carry the same two-letter tags: TI title, AB abstract, PY year, PD month and day,
SO source, AF/AU authors, DI DOI, DE/ID keywords. In plain text a record runs from "PT" to
"ER" and a line starting with three spaces continues the tag above it; a record whose "ER"
is missing ends at the next "PT", so it does not take the next paper with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from topics.readers.records import Issue, Read, clean, split_list

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
# Tags whose continuation lines are items of a list rather than more of the same text.
_LIST_TAGS = {"AU", "AF", "CR", "C1", "C3", "BE", "BF", "CA", "RP", "EM", "OI", "RI", "FU"}


def _add_wos(
    result: Read, source: str, get: Callable[[str], str | list[str]], line: int | None, number: int
) -> None:
    def text(tag: str) -> str:
        value = get(tag)
        return " ".join(value) if isinstance(value, list) else clean(value)

    authors = get("AF") or get("AU")
    year = text("PY")
    published = text("PD")
    date = f"{published} {year}" if published and year else ""
    keywords = split_list(text("DE"), ";") or split_list(text("ID"), ";")
    result.add(
        source,
        line=line,
        record=number,
        title=text("TI"),
        abstract=text("AB"),
        year=year or text("EA"),
        date=date,
        venue=text("SO"),
        authors=split_list(authors, ";"),
        doi=text("DI"),
        keywords=keywords,
    )


def read_wos(lines: list[str], source: str) -> Read:
    """Plain-text export: FN/VR header, then PT ... ER records."""
    result = Read("wos")
    records: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    last_tag = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("   ") and current is not None and last_tag:
            current[last_tag].append(line.strip())
            continue
        match = _TAG_LINE.match(line)
        if not match:
            result.warnings.append(
                Issue(
                    source,
                    number,
                    "line outside any Web of Science tag; ignored",
                    line.strip()[:80],
                )
            )
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "PT":
            if current is not None:
                result.warnings.append(
                    Issue(
                        source,
                        records[-1][0],
                        "Web of Science record not closed by ER; read up to the next PT",
                    )
                )
            current = {}
            records.append((number, current))
        elif tag in ("ER", "EF", "FN", "VR"):
            current = None if tag in ("ER", "EF") else current
            last_tag = None
            continue
        elif current is None:
            result.warnings.append(
                Issue(
                    source,
                    number,
                    f"tag {tag} outside a record (no PT line before it); ignored",
                    line.strip()[:80],
                )
            )
            continue
        current.setdefault(tag, []).append(value)
        last_tag = tag

    for position, (start, tags) in enumerate(records, start=1):

        def get(tag: str, tags=tags) -> str | list[str]:
            values = tags.get(tag, [])
            return values if tag in _LIST_TAGS else " ".join(values)

        _add_wos(result, source, get, start, position)
    return result


def read_wos_tab(lines: list[str], source: str) -> Read:
    """Tab-delimited export: a header row of tags, one record a row, no quoting.

    A row with fewer fields than the header was broken by a line break inside a field
    (a stray carriage return in an abstract): it is joined with the lines after it.
    """
    result = Read("wos-tab", layout="wos")
    header = lines[0].lstrip("\ufeff").rstrip("\t").split("\t") if lines else []
    width = len(header)
    index = 1
    number = 0
    while index < len(lines):
        start = index
        fields = lines[index].split("\t")
        index += 1
        while len(fields) < width and index < len(lines) and lines[index].strip():
            more = lines[index].split("\t")
            fields[-1] = f"{fields[-1]} {more[0]}"
            fields += more[1:]
            index += 1
        # Every row ends in a tab the header does not have.
        if len(fields) == width + 1 and not fields[-1].strip():
            fields = fields[:-1]
        if not any(field.strip() for field in fields):
            continue
        number += 1
        if len(fields) > width:
            result.skipped.append(
                Issue(
                    source,
                    start + 1,
                    f"row has {len(fields)} fields but the header has {width}; skipped",
                    record=number,
                )
            )
            continue
        row = dict(zip(header, fields, strict=False))

        def get(tag: str, row=row) -> str:
            return row.get(tag, "")

        _add_wos(result, source, get, start + 1, number)
    return result
