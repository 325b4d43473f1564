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
    """Tab-delimited export: a header row of tags, one record a row, no quoting."""
    import csv
    import io

    import pandas as pd

    # Every row ends in a tab the header does not have; drop it so columns line up.
    rows = [line[:-1] if line.endswith("\t") else line for line in lines]
    table = pd.read_csv(
        io.StringIO("\n".join(rows)),
        sep="\t",
        dtype=str,
        keep_default_na=False,
        quoting=csv.QUOTE_NONE,
        index_col=False,
    )
    result = Read("wos-tab", layout="wos")
    for index, row in enumerate(table.to_dict("records")):

        def get(tag: str, row=row) -> str:
            return row.get(tag, "")

        # No field spans lines in this format, so row i is on line i + 2.
        _add_wos(result, source, get, index + 2, index + 1)
    return result
