"""Which reader a file needs: gzip unwrapped first, the text decoded, then the format told
by what the file holds (a Web of Science export named .txt is not a listing) and, where the
content says nothing, by its extension."""

from __future__ import annotations

import fnmatch
import json
import re
import zlib
from collections.abc import Iterator, Mapping

from topics.readers.records import Issue

FORMATS = (
    "listing",
    "bibtex",
    "ris",
    "wos",
    "wos-tab",
    "medline",
    "csv",
    "tsv",
    "json",
    "jsonl",
    "parquet",
    "xlsx",
)
EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".ciw": "wos",
    ".isi": "wos",
    ".nbib": "medline",
    ".medline": "medline",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}
_RIS_TAG = re.compile(r"^TY {1,2}- ?")
_MEDLINE_START = re.compile(r"^PMID- ?\d")
_BIBTEX_ENTRY = re.compile(r"^@\s*[A-Za-z]+\s*[{(]")
_WOS_TAG = re.compile(r"^[A-Z][A-Z0-9]$")
_JSON_ARRAY = re.compile(r'^\[\s*(?:[{\["]|$)')
_JSON_OBJECT = re.compile(r'^\{\s*(?:"|$)')


class TooLarge(ValueError):
    """A file larger than inputs.max_file_mb once unpacked: reported, never read whole."""


# Longest line a reader is given: far beyond any title, abstract or JSON record, short enough
# that a file of one endless line never reaches the csv or json parsers.
MAX_LINE_CHARS = 4_000_000
_CHUNK = 1 << 20


def _inflate(data: bytes) -> Iterator[bytes]:
    """The unpacked bytes of gzip data, a megabyte at a time, member after member (as
    `cat a.gz b.gz` writes them)."""
    rest = data
    while rest[:2] == b"\x1f\x8b":
        unpacker = zlib.decompressobj(wbits=31)
        pending = rest
        while pending and not unpacker.eof:
            yield unpacker.decompress(pending, _CHUNK)
            pending = unpacker.unconsumed_tail
        if not unpacker.eof:
            raise EOFError("the compressed data ends before its end marker")
        rest = unpacker.unused_data.lstrip(b"\x00")


def unwrap(name: str, data: bytes, max_bytes: int | None = None) -> tuple[str, bytes, str | None]:
    """The file's name and bytes with any gzip layer removed, and "gzip" when there was one.

    With max_bytes, the data is first unpacked and counted a megabyte at a time, nothing
    kept, so a small .gz that expands to gigabytes is given up at the cap at the cost of
    one megabyte of memory; only a file under the cap is unpacked whole. Raises TooLarge
    past the cap and ValueError when the gzip data is damaged.
    """
    if data[:2] != b"\x1f\x8b":
        return name, data, None
    try:
        if max_bytes is not None:
            size = 0
            for part in _inflate(data):
                size += len(part)
                if size > max_bytes:
                    raise TooLarge(f"unpacks to more than {max_bytes / 2**20:,.0f} MB")
        inner = b"".join(_inflate(data))
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"damaged gzip data ({error})") from None
    return (name[:-3] if name.lower().endswith(".gz") else name), inner, "gzip"


def is_binary(data: bytes) -> bool:
    """True when the bytes are not text at all (NUL bytes or mostly control characters)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v\x1a")
    return bool(head) and control / len(head) > 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"-be" when NUL bytes sit in every other position, as in UTF-16 text."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def split_lines(data: bytes) -> list[bytes]:
    """Lines ending in LF, CRLF or a lone CR (classic Mac OS, Excel's "CSV (Macintosh)"),
    mixed as they may be: every line ending reads the same."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")


def decode(data: bytes, source: str) -> tuple[list[str], str, list[Issue]] | None:
    """The file's lines (split at LF, CRLF or CR, as an editor numbers them), the encoding
    read, and a warning per line or file read in another encoding than UTF-8.

    UTF-16 (with a byte-order mark, or as NUL bytes in every other position) is decoded
    whole; otherwise each line is UTF-8, or Windows-1252 (a superset of Latin-1's letters)
    where it is not valid UTF-8, so one bad byte never costs the rest of the file.
    Returns None for bytes that are not text.
    """
    warnings: list[Issue] = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_bom(data):
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _utf16_without_bom(data)
        text = data.decode(encoding, errors="replace").lstrip("\ufeff")
        warnings.append(Issue(source, None, "encoded as UTF-16; read as UTF-16"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.split("\n"), "utf-16", warnings
    if is_binary(data):
        return None
    encoding = "utf-8"
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
        encoding = "utf-8 with byte-order mark"
    lines = []
    fallback = 0
    for number, raw in enumerate(split_lines(data), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            fallback += 1
            warnings.append(
                Issue(source, number, "not valid UTF-8; read as Windows-1252", text[:80])
            )
        lines.append(text)
    if fallback:
        encoding = (
            "windows-1252"
            if fallback == _non_ascii_lines(data)
            else f"{encoding}, {fallback} line(s) windows-1252"
        )
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return lines, encoding, warnings


def _non_ascii_lines(data: bytes) -> int:
    return sum(1 for raw in split_lines(data) if any(byte > 127 for byte in raw))


def configured_format(name: str, formats: Mapping[str, str] | None) -> str | None:
    """The format config's inputs.formats gives a file name, first matching pattern first."""
    for pattern, fmt in (formats or {}).items():
        if fnmatch.fnmatch(name.lower(), pattern.lower()):
            return fmt
    return None


def sniff(lines: list[str]) -> str | None:
    """The format the text announces by itself, or None when it could be anything."""
    content = [line.strip() for line in lines[:200] if line.strip()]
    if not content:
        return None
    first = content[0]
    if (first.startswith("FN ") and len(content) > 1 and content[1].startswith("VR ")) or (
        first.startswith("PT ")
        and any(line.startswith("TI ") for line in content[1:50])
        and any(line == "ER" for line in content)
    ):
        return "wos"
    fields = lines[0].lstrip("\ufeff").rstrip().split("\t")
    if (
        len(fields) >= 5
        and {"TI", "PT"} <= set(fields)
        and all(_WOS_TAG.match(name) for name in fields if name)
    ):
        return "wos-tab"
    if _MEDLINE_START.match(first):
        return "medline"
    if any(_RIS_TAG.match(line) for line in content[:5]):
        return "ris"
    code = [line for line in content if not line.startswith("%")]
    if code and _BIBTEX_ENTRY.match(code[0]):
        return "bibtex"
    # "[Re] Reproducing..." or "{CLIP}-based..." are titles, not JSON.
    if _JSON_ARRAY.match(first):
        return "json"
    if first.startswith("{"):
        for line in content[:5]:
            try:
                if isinstance(json.loads(line), dict):
                    return "jsonl"
            except (ValueError, RecursionError):
                continue
        if _JSON_OBJECT.match(first):
            return "json"
    return None


def detect_format(
    name: str, lines: list[str], formats: Mapping[str, str] | None, looks_tabular
) -> str:
    """The reader for a decoded file: config first, then content, then extension, then a
    table whose columns are recognised, else a listing. looks_tabular(lines) says whether
    the first line is the header of a table the tabular reader knows."""
    chosen = configured_format(name, formats)
    if chosen:
        return chosen
    found = sniff(lines)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if found in ("json", "jsonl") and EXTENSIONS.get(suffix) in ("json", "jsonl"):
        return EXTENSIONS[suffix]  # one JSON object on one line is both; the name decides
    if found:
        return found
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    table = looks_tabular(lines)
    return table or "listing"
