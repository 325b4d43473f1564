"""JSON Lines and JSON: OpenAlex works (one per line as in its snapshot, or a saved API
page {"results": [...]}), the arXiv metadata snapshot, or any objects whose keys name the
fields (through inputs.columns when they are not the usual names).

OpenAlex keeps abstracts as an inverted index; it is put back into text. A line that is not
valid JSON is reported with its number and the lines after it are still read.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping

from topics.errors import UserError
from topics.readers import tabular
from topics.readers.records import Issue, Read, clean, rebuild_abstract, split_list

_ARXIV_KEYS = {"submitter", "authors_parsed", "journal-ref", "versions"}


def _path(obj: Mapping, dotted: str):
    """obj["a"]["b"] for "a.b"; a key that itself contains dots is found too."""
    if dotted in obj:
        return obj[dotted]
    value = obj
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _kind(obj: Mapping) -> str:
    identifier = str(obj.get("id") or "")
    if "abstract_inverted_index" in obj or identifier.startswith("https://openalex.org/W"):
        return "openalex"
    if len(_ARXIV_KEYS & set(obj)) >= 2:
        return "arxiv"
    return "generic"


def _override(obj: Mapping, columns: Mapping[str, str | None], name: str, default):
    mapped = (columns or {}).get(name)
    if mapped:
        value = _path(obj, mapped)
        if value not in (None, "", []):
            return value
    return default


def _openalex(result: Read, source: str, obj: Mapping, columns, line, number) -> None:
    primary = obj.get("primary_location") or {}
    locations = [primary, *(obj.get("locations") or [])]
    landing = [
        clean(place.get("landing_page_url")) for place in locations if isinstance(place, Mapping)
    ]
    fields = {
        "title": obj.get("display_name") or obj.get("title"),
        "abstract": rebuild_abstract(obj.get("abstract_inverted_index")) or obj.get("abstract"),
        "year": obj.get("publication_year"),
        "date": obj.get("publication_date"),
        "venue": _path(primary, "source.display_name") or _path(obj, "host_venue.display_name"),
        "authors": tuple(
            clean(_path(author, "author.display_name"))
            for author in obj.get("authorships") or []
            if isinstance(author, Mapping) and clean(_path(author, "author.display_name"))
        ),
        "doi": obj.get("doi") or _path(obj, "ids.doi"),
        "arxiv_id": next((url for url in landing if "arxiv.org" in url.lower()), None),
        "url": next((url for url in landing if url), None) or obj.get("id"),
        "keywords": split_list(
            [
                _path(word, "display_name")
                for word in obj.get("keywords") or []
                if isinstance(word, Mapping)
            ]
        ),
    }
    _add(result, source, obj, columns, fields, line, number)


def _arxiv(result: Read, source: str, obj: Mapping, columns, line, number) -> None:
    parsed = obj.get("authors_parsed") or []
    authors = tuple(
        clean(", ".join(part for part in (name[0], " ".join(name[1:]).strip()) if part))
        for name in parsed
        if name
    )
    versions = obj.get("versions") or []
    first = versions[0].get("created") if versions and isinstance(versions[0], Mapping) else None
    fields = {
        "title": obj.get("title"),
        "abstract": obj.get("abstract"),
        "year": first or obj.get("update_date"),
        "date": first or obj.get("update_date"),
        "venue": obj.get("journal-ref"),
        "authors": authors or obj.get("authors"),
        "doi": obj.get("doi"),
        "arxiv_id": obj.get("id"),
        "url": None,
        "keywords": split_list(clean(obj.get("categories")).split()),
    }
    _add(result, source, obj, columns, fields, line, number)


def _add(result: Read, source: str, obj: Mapping, columns, fields: dict, line, number) -> None:
    for name in list(fields):
        fields[name] = _override(obj, columns, name, fields[name])
    if isinstance(fields["abstract"], Mapping):
        fields["abstract"] = rebuild_abstract(fields["abstract"])
    if not isinstance(fields["authors"], tuple):
        fields["authors"] = tabular.split_authors(fields["authors"])
    if not isinstance(fields["keywords"], tuple):
        fields["keywords"] = split_list(fields["keywords"], ";|,")
    result.add(source, line=line, record=number, **fields)


def _flatten(obj: Mapping, prefix: str = "") -> dict:
    flat = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and key != "abstract_inverted_index":
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def read_objects(
    items: list[tuple[int | None, object]],
    source: str,
    columns: Mapping[str, str | None],
    fmt: str,
    recovered: bool = False,
) -> Read:
    """Records from (line, object) pairs: OpenAlex and arXiv objects by their own rules,
    the rest through the table layouts (a config mapping, or common key names).

    `recovered`: the objects were scanned out of a damaged file, where pieces of a record
    (an OpenAlex work's authorships) can stand alone; objects whose keys name no title
    are then reported one by one rather than stopping the run as an unknown table."""
    result = Read(fmt)
    kinds: dict[str, int] = {}
    generic: list[tuple[int, int | None, dict]] = []
    for number, (line, obj) in enumerate(items, start=1):
        if not isinstance(obj, Mapping):
            result.skipped.append(
                Issue(source, line, "not a JSON object", clean(json.dumps(obj))[:80], number)
            )
            continue
        kind = _kind(obj)
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "openalex":
            _openalex(result, source, obj, columns, line, number)
        elif kind == "arxiv":
            _arxiv(result, source, obj, columns, line, number)
        else:
            generic.append((number, line, _flatten(obj)))
    if generic:
        names = list(dict.fromkeys(key for _, _, row in generic[:1000] for key in row))
        layout = tabular.detect_layout(names)
        resolved = tabular.resolve(names, layout, columns)
        try:
            result.warnings += tabular.check(source, names, layout, resolved)
        except UserError:
            if not recovered:
                raise
            for number, line, row in generic:
                result.skipped.append(
                    Issue(
                        source,
                        line,
                        "a piece of a damaged JSON file that is no paper record (no title); "
                        "fix or export the file again to read it",
                        clean(", ".join(row))[:80],
                        number,
                    )
                )
            generic = []
        for number, line, row in generic:
            tabular.add_row(result, source, row, resolved, line=line, record=number)
    if kinds:
        result.layout = max(kinds, key=kinds.get)
    result.records.sort(key=lambda record: record.record or 0)
    return result


def _unpack(value) -> list:
    """A saved API page {"results": [...]} or {"meta":..., "works": [...]} holds its objects
    in a list; anything else is one object."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        lists = [
            item
            for item in value.values()
            if isinstance(item, list) and item and isinstance(item[0], Mapping)
        ]
        if "results" in value and isinstance(value["results"], list):
            return value["results"]
        if len(lists) == 1 and "title" not in value and "display_name" not in value:
            return lists[0]
    return [value]


# Deepest nesting a record may have: OpenAlex works nest 5 levels; anything deeper is not
# a bibliographic record and would only exhaust Python's stack further down.
MAX_DEPTH = 64


def depth(value) -> int:
    """How deeply a parsed JSON value nests lists and objects (counted without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack += [(child, level + 1) for child in children]
    return deepest


def _too_deep(source: str, line: int | None, text: str = "") -> Issue:
    return Issue(
        source,
        line,
        f"nested more than {MAX_DEPTH} levels deep, which no bibliographic record is; skipped",
        text[:80],
    )


def _too_deep_file(source: str) -> Issue:
    return Issue(
        source,
        None,
        f"this JSON file is nested more than {MAX_DEPTH} levels deep, which no export is; "
        "nothing of it was used: export it again, or remove it from the seeds folder",
        scope="file",
    )


def read_jsonl(lines: list[str], source: str, columns: Mapping[str, str | None]) -> Read:
    items: list[tuple[int | None, object]] = []
    malformed: list[Issue] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except RecursionError:
            malformed.append(_too_deep(source, number, line.strip()))
            continue
        except ValueError as error:
            malformed.append(
                Issue(source, number, f"not valid JSON ({error.msg}); skipped", line.strip()[:80])
            )
            continue
        if depth(value) > MAX_DEPTH:
            malformed.append(_too_deep(source, number, line.strip()))
            continue
        items += [(number, obj) for obj in _unpack(value)]
    result = read_objects(items, source, columns, "jsonl")
    result.skipped = malformed + result.skipped
    return result


# Where the list of records starts inside a saved API page ({"meta": ..., "results": [...]}).
_RECORD_LIST = re.compile(r'"(?:results|works|items|records|data)"\s*:\s*\[(?=\s*\{)')
_SPACE = " \t\n\r"


def _line_of(text: str, position: int, cache: list[int]) -> int:
    """Line number (from 1) of a character position; cache = [last position, its line]."""
    last, line = cache
    line += (
        text.count("\n", last, position) if position >= last else -text.count("\n", position, last)
    )
    cache[:] = [position, line]
    return line


_OBJECT_LINE = re.compile(r"\n([ \t]*)\{")
_NEXT_IN_LINE = re.compile(r"\}\s*,\s*\{")


def _next_start(text: str, after: int, indent: str | None) -> int:
    """Where the next record begins after a damaged one: the next line opening an object at
    the damaged record's indentation (or less), else the next "}," followed by "{"."""
    if indent is not None:
        for match in _OBJECT_LINE.finditer(text, after):
            if len(match.group(1)) <= len(indent):
                return match.end() - 1
    match = _NEXT_IN_LINE.search(text, after)
    return match.end() - 1 if match else len(text)


def _whole_first_object(decoder: json.JSONDecoder, text: str) -> bool:
    """True when the text opens with a whole object: objects one after another, not an API
    page ({"meta": ..., "results": [...]}) damaged somewhere inside."""
    try:
        decoder.raw_decode(text, text.index("{"))
    except (ValueError, RecursionError):
        return False
    return True


def _depth_at(text: str, end: int) -> int:
    """How many objects and arrays are open at a position (strings skipped)."""
    depth = 0
    inside = False
    escaped = False
    for char in text[:end]:
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return depth


def scan_objects(
    text: str, source: str
) -> tuple[list[tuple[int | None, object]], list[Issue], list[Issue]]:
    """(line, object) for each record of a JSON array (or API page, or objects one after
    another) that json.loads cannot read whole: each object is decoded on its own, a missing
    comma between two costs nothing (with a warning), and a damaged one costs only itself:
    the scan goes on at the next object's start. Returns the objects, the damaged ones and
    the warnings."""
    decoder = json.JSONDecoder()
    items: list[tuple[int | None, object]] = []
    skipped: list[Issue] = []
    warnings: list[Issue] = []
    cache = [0, 1]
    position = 0
    stripped = text.lstrip(_SPACE)
    in_array = False  # objects one after another need no commas; items of an array do
    if stripped.startswith("{") and not _whole_first_object(decoder, text):
        found = next(
            (m for m in _RECORD_LIST.finditer(text) if _depth_at(text, m.start()) == 1), None
        )
        if found:
            position, in_array = found.end(), True
    elif stripped.startswith("["):
        position, in_array = text.index("[") + 1, True
    expect_comma = False
    while position < len(text):
        char = text[position]
        if char in _SPACE:
            position += 1
            continue
        if char == ",":
            expect_comma = False
            position += 1
            continue
        if char in "]}":
            break  # the end of the records' list
        line = _line_of(text, position, cache)
        line_start = text.rfind("\n", 0, position) + 1
        indent = text[line_start:position] if not text[line_start:position].strip() else None
        if char != "{":
            end = _next_start(text, position, indent)
            skipped.append(
                Issue(source, line, "not a JSON object; skipped", text[position : position + 80])
            )
            position = end
            continue
        if expect_comma and in_array:
            warnings.append(
                Issue(source, line, "a comma is missing before this object; read anyway")
            )
        try:
            obj, end = decoder.raw_decode(text, position)
        except RecursionError:
            skipped.append(_too_deep(source, line, text[position : position + 80]))
            position = _next_start(text, position + 1, indent)
            expect_comma = False
            continue
        except ValueError as error:
            skipped.append(
                Issue(
                    source,
                    line,
                    f"not valid JSON ({error}); this object skipped, the objects after it read",
                    clean(text[position : position + 80]),
                )
            )
            position = _next_start(text, position + 1, indent)
            expect_comma = False
            continue
        if depth(obj) > MAX_DEPTH:
            skipped.append(_too_deep(source, line, text[position : position + 80]))
        else:
            items.append((line, obj))
        position = end
        expect_comma = True
    return items, skipped, warnings


def read_json(lines: list[str], source: str, columns: Mapping[str, str | None]) -> Read:
    text = "\n".join(lines)
    try:
        value = json.loads(text)
    except RecursionError:
        return Read("json", skipped=[_too_deep_file(source)])
    except ValueError:
        items, skipped, warnings = scan_objects(text, source)
        result = read_objects(items, source, columns, "json", recovered=True)
        result.skipped = skipped + result.skipped
        result.warnings = warnings + result.warnings
        return result
    if depth(value) > MAX_DEPTH:
        return Read("json", skipped=[_too_deep_file(source)])
    return read_objects([(None, obj) for obj in _unpack(value)], source, columns, "json")


def read_parquet(data: bytes, source: str, columns: Mapping[str, str | None]) -> Read:
    """Parquet: rows as objects, so arXiv and OpenAlex tables read like their JSON."""
    import pyarrow.parquet as pq

    rows = pq.read_table(io.BytesIO(data)).to_pylist()
    return read_objects([(None, row) for row in rows], source, columns, "parquet")
