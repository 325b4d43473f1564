"""RIS (Zotero, Mendeley, EndNote, Scopus, IEEE, PubMed and Web of Science exports), with rispy.

The file is cut into records at each "TY  -" line before rispy reads them, so every record
keeps its line number and a record missing its "ER  -" end tag does not swallow the next.
"""

from __future__ import annotations

import re

from topics.readers.records import Issue, Read, clean, split_list

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,3}-(?: |$)")
_START = re.compile(r"^TY {1,3}-")
_END = re.compile(r"^ER {1,3}-")


def _standard(line: str) -> str:
    """ "TY - JOUR" or "TY   - JOUR" as rispy expects them: two spaces, a dash, a space."""
    match = _TAG.match(line)
    if not match:
        return line
    return f"{match.group(1)}  - {line[match.end() :].strip()}"


def _first(entry: dict, *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if clean(value):
            return clean(value)
    return ""


def read_ris(lines: list[str], source: str) -> Read:
    import rispy

    result = Read("ris")
    starts = [index for index, line in enumerate(lines) if _START.match(line)]
    for number, start in enumerate(starts, start=1):
        end = starts[number] if number < len(starts) else len(lines)
        chunk = [_standard(line) for line in lines[start:end]]
        closed = any(_END.match(line) for line in chunk)
        if not closed:
            result.warnings.append(
                Issue(
                    source,
                    start + 1,
                    "RIS record not closed by an ER line; read up to the next TY line",
                    record=number,
                )
            )
            chunk.append("ER  - ")
        try:
            entries = rispy.loads("\n".join(chunk))
        except Exception as error:  # rispy raises what its parser meets: report, go on
            result.skipped.append(
                Issue(
                    source,
                    start + 1,
                    f"malformed RIS record: {error}",
                    clean(" ".join(chunk))[:80],
                    number,
                )
            )
            continue
        for entry in entries[:1]:
            urls = entry.get("urls") or []
            result.add(
                source,
                line=start + 1,
                record=number,
                title=_first(entry, "title", "primary_title", "short_title"),
                abstract=_first(entry, "abstract", "notes_abstract"),
                year=_first(entry, "year", "publication_year", "date"),
                date=_first(entry, "date", "publication_year", "year"),
                venue=_first(
                    entry,
                    "secondary_title",
                    "alternate_title3",
                    "journal_name",
                    "alternate_title2",
                    "alternate_title1",
                ),
                authors=split_list(
                    (entry.get("authors") or []) + (entry.get("first_authors") or [])
                ),
                doi=_first(entry, "doi"),
                arxiv_id=next((url for url in urls if "arxiv" in url.lower()), None),
                url=urls[0] if urls else None,
                keywords=split_list(entry.get("keywords") or []),
            )
    return result
