"""PubMed's MEDLINE format (.nbib from "Send to: Citation manager", or .txt from "Save:
PubMed format"): records start at "PMID-", tags are padded to four letters before "- ",
and lines starting with six spaces continue the tag above them."""

from __future__ import annotations

import re

from topics.readers.records import Issue, Read, clean, split_list

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")
_DOI_ID = re.compile(r"^(\S+)\s*\[doi\]", re.IGNORECASE)


def read_medline(lines: list[str], source: str) -> Read:
    result = Read("medline")
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if raw.startswith(" ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _TAG_LINE.match(line)
        if not match:
            result.warnings.append(
                Issue(source, number, "line outside any MEDLINE tag; ignored", line.strip()[:80])
            )
            continue
        tag, value = match.group(1), match.group(2).strip()
        if tag == "PMID":
            current = []
            records.append((number, current))
        elif current is None:
            result.warnings.append(
                Issue(
                    source,
                    number,
                    f"tag {tag} before the first PMID line; ignored",
                    line.strip()[:80],
                )
            )
            continue
        current.append((tag, value))

    for position, (start, tags) in enumerate(records, start=1):

        def values(tag: str, tags=tags) -> list[str]:
            return [value for name, value in tags if name == tag]

        def first(*names: str, values=values) -> str:
            return next((clean(value) for name in names for value in values(name) if value), "")

        dois = [
            match.group(1)
            for name in ("LID", "AID")
            for value in values(name)
            if (match := _DOI_ID.match(value))
        ]
        result.add(
            source,
            line=start,
            record=position,
            title=first("TI", "BTI"),
            abstract=" ".join(values("AB")),
            year=first("DP", "DEP"),
            date=first("DP", "DEP"),
            venue=first("JT", "TA"),
            authors=split_list(values("FAU") or values("AU")),
            doi=dois[0] if dois else None,
            keywords=split_list(values("OT")) or split_list(values("MH")),
        )
    return result
