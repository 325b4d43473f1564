"""BibTeX of the papers, for a reference manager: one .bib per topic and per theme.

The entries carry what the inputs gave (title, authors, year, venue, DOI, arXiv id, URL,
abstract, keywords) and a note naming the topic. A paper's key is the same in every file
and on every rerun of the same corpus (`citation_keys`), so re-importing a topic into
Zotero or JabRef updates entries rather than duplicating them. The map's lasso export
(static/map/selection.js) writes the same keys (they travel in the map's data) and escapes
text by the same rules (`LATEX_SPECIALS`).
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

# LaTeX's special characters and what stands for each in a BibTeX value: left as they are,
# a `%` comments out the rest of a line, `&` or `#` break LaTeX, and an unbalanced brace
# ends the entry for every reader. BibTeX counts braces whatever precedes them, so `\{`
# would not do: a brace becomes a command with balanced braces of its own. Replaced in one
# pass, so a replacement's own backslashes and braces are never escaped again.
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in LATEX_SPECIALS))
# The first word of a title that goes into its key: three letters or more.
_KEY_WORD = re.compile(r"[A-Za-z]{3,}")


def escape(text: str) -> str:
    """Text as a BibTeX value in braces: LaTeX's specials escaped, whitespace one space."""
    return _SPECIAL.sub(lambda m: LATEX_SPECIALS[m.group()], " ".join(str(text).split()))


def _plain(text: str) -> str:
    """Text in ASCII, accents dropped ("Müller" -> "Muller")."""
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")


def _ascii(text: str) -> str:
    """Letters and digits only."""
    return re.sub(r"[^A-Za-z0-9]", "", _plain(text))


def surname(author: str) -> str:
    """The family name of an author written "Family, Given" or "Given Family"."""
    if "," in author:
        return author.split(",", 1)[0]
    words = author.split()
    return words[-1] if words else ""


def key_stem(paper: Mapping[str, Any]) -> str:
    """First author's surname, year and first title word: "lovelace1843notes"."""
    authors = list(paper["authors"])
    name = _ascii(surname(authors[0])) if authors else ""
    year = "" if pd.isna(paper["year"]) else str(int(paper["year"]))
    word = (_KEY_WORD.findall(_plain(paper["title"])) or ["paper"])[0]
    return (name or "anon").lower() + year + word.lower()


def citation_keys(papers: pd.DataFrame) -> dict[str, str]:
    """Every paper's key (paper_id -> key), unique over the corpus: papers sharing a stem
    get a, b, c... in the order of their ids, which depend on the paper alone
    (topics.parse), so a key never depends on the order of the inputs or of a list."""
    rows = papers.to_dict("records")
    stems = {pid: key_stem(p) for pid, p in zip(papers["paper_id"], rows, strict=True)}
    groups: dict[str, list[str]] = {}
    for pid in sorted(stems):
        groups.setdefault(stems[pid], []).append(pid)
    keys = {}
    for stem, ids in groups.items():
        for n, pid in enumerate(ids):
            keys[pid] = stem if len(ids) == 1 else stem + _suffix(n)
    return keys


def _suffix(n: int) -> str:
    """a..z, then aa, ab...: as many as a stem needs."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(97 + rest) + letters
    return letters


def entry_fields(paper: Mapping[str, Any], note: str | None = None) -> list[tuple[str, str]]:
    """A paper's fields in BibTeX's names, those the inputs gave, unescaped. Venue goes in
    `journal`: the inputs do not say whether a venue is a journal or a conference, and
    every reference manager imports @article."""
    year = "" if pd.isna(paper["year"]) else str(int(paper["year"]))
    arxiv = paper["arxiv_id"] or ""
    fields = [
        ("title", paper["title"]),
        ("author", " and ".join(paper["authors"])),
        ("year", year),
        ("journal", paper["venue"] or ""),
        ("doi", paper["doi"] or ""),
        ("eprint", arxiv),
        ("archiveprefix", "arXiv" if arxiv else ""),
        # Where it can be read (its DOI, arXiv page, else the URL the inputs gave), as the
        # map's export has it.
        ("url", paper["link"] or ""),
        ("abstract", paper["abstract"] or ""),
        ("keywords", ", ".join(paper["keywords"])),
        ("note", note or ""),
    ]
    return [(name, str(value)) for name, value in fields if value]


def bibtex_entry(paper: Mapping[str, Any], key: str, note: str | None = None) -> str:
    """One @article entry."""
    fields = entry_fields(paper, note)
    body = ",\n".join(f"  {name} = {{{escape(value)}}}" for name, value in fields)
    return f"@article{{{key},\n{body}\n}}\n"


def bibtex_file(
    papers: Iterable[Mapping[str, Any]], keys: Mapping[str, str], notes: Iterable[str]
) -> str:
    """The entries of `papers`, in their order, each with its note."""
    return "\n".join(
        bibtex_entry(paper, keys[paper["paper_id"]], note)
        for paper, note in zip(papers, notes, strict=True)
    )


def bib_filename(markdown_name: str) -> str:
    """The .bib beside a reading list: the same stem."""
    return markdown_name.removesuffix(".md") + ".bib"
