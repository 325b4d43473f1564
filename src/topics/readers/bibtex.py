"""BibTeX (Zotero, Mendeley, JabRef, Scopus, Google Scholar exports), read with bibtexparser 2.

LaTeX in titles, abstracts, venues and names ({\\"u}, \\&, --, protective braces) becomes plain
text with pylatexenc; math ($\\alpha$) is kept as written. DOIs and URLs are left alone: a
"%" in a URL is not a LaTeX comment. An entry bibtexparser cannot parse is reported with its
line and the entries after it are still read.
"""

from __future__ import annotations

import logging
import re

from topics.readers.records import Issue, Read, clean, split_list

_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "series", "howpublished", "publisher")
_KEYWORD_FIELDS = ("keywords", "author_keywords", "keyword", "mendeley-tags")


def _latex_to_text():
    from pylatexenc.latex2text import LatexNodes2Text

    converter = LatexNodes2Text(math_mode="verbatim")

    def convert(value: str) -> str:
        text = clean(value)
        if not any(mark in text for mark in "\\{}$~"):
            return text
        try:
            return clean(converter.latex_to_text(text))
        except Exception:  # pylatexenc raises plain Exceptions on broken markup: keep the text
            return text

    return convert


# BibTeX's predefined month macros (month = jan).
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# One piece of a field value: {braced}, "quoted", a number or a macro name; "#" joins pieces.
_PIECE = re.compile(r'\s*(?:(\{)|(")|(\d+)|([^\s#{}",=]+))\s*')


def _pieces(value: str) -> list[tuple[str, str]] | None:
    """A raw field value as (kind, text) pieces joined by "#", or None when it is not one."""
    pieces = []
    position = 0
    while True:
        match = _PIECE.match(value, position)
        if not match:
            return None
        if match.group(1) or match.group(2):
            opening = match.end(1) if match.group(1) else match.end(2)
            end = _closing(value, opening - 1)
            if end is None:
                return None
            pieces.append(("text", value[opening:end]))
            position = end + 1
        else:
            word = match.group(3) or match.group(4)
            pieces.append(("number" if match.group(3) else "macro", word))
            position = match.end()
        rest = value[position:].lstrip()
        if not rest:
            return pieces
        if not rest.startswith("#"):
            return None
        position = len(value) - len(rest) + 1


def _closing(value: str, opening: int) -> int | None:
    """Index of the brace or quote closing the one at `opening` (braces nest)."""
    if value[opening] == '"':
        level = 0
        for index in range(opening + 1, len(value)):
            char = value[index]
            level += char == "{"
            level -= char == "}"
            if char == '"' and level == 0 and value[index - 1] != "\\":
                return index
        return None
    level = 0
    for index in range(opening, len(value)):
        level += value[index] == "{"
        level -= value[index] == "}"
        if level == 0:
            return index
    return None


def _string_macros():
    """The middleware that resolves @string macros and "#" concatenation, which
    bibtexparser 2 leaves as written ("dl # { for rivers}"); months are macros too."""
    from bibtexparser.middlewares.middleware import LibraryMiddleware

    class ResolveMacros(LibraryMiddleware):
        def __init__(self):
            super().__init__(allow_inplace_modification=True)

        def transform(self, library):
            macros = {month: month for month in _MONTHS}
            for string in library.strings:  # in file order: a macro may use earlier ones
                macros[string.key.lower()] = self.resolve(str(string.value), macros)
            for entry in library.entries:
                for field in entry.fields:
                    if isinstance(field.value, str):
                        resolved = self.resolve(field.value, macros)
                        if resolved is not None:
                            field.value = "{" + resolved + "}"
            return library

        @staticmethod
        def resolve(value: str, macros: dict[str, str]) -> str | None:
            pieces = _pieces(value)
            if pieces is None:
                return None
            return "".join(
                macros.get(text.lower(), text) if kind == "macro" else text for kind, text in pieces
            )

    return ResolveMacros()


def read_bibtex(lines: list[str], source: str) -> Read:
    import bibtexparser
    from bibtexparser import middlewares, model

    # Its parser logs each damaged block; the report names them, with what to do.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    text = "\n".join(lines)
    library = bibtexparser.parse_string(
        text,
        parse_stack=[
            _string_macros(),
            middlewares.RemoveEnclosingMiddleware(),
            middlewares.SeparateCoAuthors(),
        ],
    )
    entries = [(block.start_line, block) for block in library.entries]
    result = Read("bibtex")
    for block in library.failed_blocks:
        entry = getattr(block, "ignore_error_block", None)
        if isinstance(entry, model.Entry):
            # A key used twice, or a field given twice (Scopus repeats funding_details):
            # still a paper. Finish the entry as the parse stack would have.
            single = bibtexparser.Library([entry])
            for middleware in (
                middlewares.RemoveEnclosingMiddleware(),
                middlewares.SeparateCoAuthors(),
            ):
                single = middleware.transform(single)
            entries += [(block.start_line, kept) for kept in single.entries]
            result.warnings.append(
                Issue(
                    source,
                    _line(block.start_line),
                    f"{_first_sentence(block.error)}; the entry was kept",
                    clean(block.raw)[:80],
                )
            )
            continue
        result.skipped.append(
            Issue(source, _line(block.start_line), _damage(block), clean(block.raw)[:80])
        )
    latex = _latex_to_text()
    entries.sort(key=lambda pair: pair[0] or 0)
    for number, (start, entry) in enumerate(entries, start=1):
        fields = {key.lower(): value.value for key, value in entry.fields_dict.items()}

        def get(*names: str, fields=fields) -> str:
            return next((fields[name] for name in names if fields.get(name)), "")

        authors = fields.get("author") or []
        if isinstance(authors, str):
            authors = [authors]
        eprint_type = get("archiveprefix", "eprinttype").lower()
        year = get("year")
        month = get("month")
        date = get("date") or (f"{year} {month}" if year and month else "")
        keywords = [
            word
            for name in _KEYWORD_FIELDS
            for word in split_list(latex(fields.get(name, "")), ";,")
        ]
        result.add(
            source,
            line=_line(start),
            record=number,
            title=latex(get("title")),
            abstract=latex(get("abstract")),
            year=year or get("date"),
            date=_month_names(date),
            venue=latex(get(*_VENUE_FIELDS)),
            authors=tuple(name for name in (latex(name) for name in authors) if name),
            doi=get("doi"),
            arxiv_id=get("eprint") if eprint_type == "arxiv" else _arxiv_in(get("journal")),
            url=get("url"),
            keywords=tuple(keywords),
        )
    result.records.sort(key=lambda record: record.record or 0)
    return result


def _damage(block) -> str:
    """Why an entry was not read, in words: what the parser met, and what to check."""
    error = getattr(block, "error", None)
    found = clean(getattr(error, "abort_reason", "") or _first_sentence(error or ""))
    raw = str(getattr(block, "raw", ""))
    opened, closed = raw.count("{"), raw.count("}")
    if opened != closed:
        balance = f"; its braces do not balance ({opened} opened, {closed} closed)"
    elif raw.count('"') % 2:
        balance = "; it has an odd number of quotes"
    else:
        balance = ""
    said = f" (the parser says: {found})" if found else ""
    return f"damaged BibTeX entry, not read{said}{balance}; fix the entry or remove it"


def _first_sentence(error) -> str:
    """bibtexparser's message up to its advice on its own API."""
    text = clean(str(error))
    for cut in (". Note:", " Was still"):
        text = text.split(cut)[0]
    return text


def _line(start: int | None) -> int | None:
    return None if start is None else start + 1


def _arxiv_in(journal: str) -> str | None:
    """Google Scholar writes preprints as journal = {arXiv preprint arXiv:2101.11408}."""
    return journal if "arxiv" in journal.lower() else None


def _month_names(date: str) -> str:
    """BibTeX months may be numbers ("3"); iso_date reads "2020 mar" and "2020-03" alike."""
    parts = date.split()
    if len(parts) == 2 and parts[1].isdigit():
        return f"{parts[0]}-{int(parts[1]):02d}"
    return date
