"""BibTeX (Zotero, Mendeley, JabRef, Scopus, Google Scholar exports), read with bibtexparser 2.

LaTeX in titles, abstracts, venues and names ({\\"u}, \\&, --, protective braces) becomes plain
text with pylatexenc; math ($\\alpha$) is kept as written. DOIs and URLs are left alone: a
"%" in a URL is not a LaTeX comment. An entry bibtexparser cannot parse is reported with its
line and the entries after it are still read.
"""

from __future__ import annotations

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


def read_bibtex(lines: list[str], source: str) -> Read:
    import bibtexparser
    from bibtexparser import middlewares, model

    text = "\n".join(lines)
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
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
        reason = "malformed BibTeX entry"
        if getattr(block, "error", None):
            reason += f": {_first_sentence(block.error)}"
        result.skipped.append(Issue(source, _line(block.start_line), reason, clean(block.raw)[:80]))
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
