"""BibTeX per topic and theme: what a reference manager imports."""

import bibtexparser
import pandas as pd
import pybtex.database
import pytest
from defaults import DEFAULTS
from pylatexenc.latex2text import LatexNodes2Text
from test_outputs import EVIL_TITLE, inputs, write_inputs  # noqa: F401 (inputs: its fixture)

from topics.report.bibtex import bibtex_entry, citation_keys, escape
from topics.report.tables import run_tables

# Every LaTeX special, a lone brace of each kind, accents and markup a title may carry.
AWKWARD = r"50% of R&D: #1 at $5, a_b ^ ~ back\slash, {x} } { Müller <i>"


def paper(**fields):
    return {"paper_id": "p", "title": "A Study", "authors": [], "year": None, "venue": None,
            "doi": None, "arxiv_id": None, "url": None, "link": None, "abstract": "",
            "keywords": [], **fields}  # fmt: skip


def parse_both(text: str):
    """The entries as bibtexparser and pybtex read them; both must read every entry."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    independent = pybtex.database.parse_string(text, "bibtex")
    assert list(independent.entries) == [entry.key for entry in library.entries]
    return library, independent


@pytest.fixture
def written(tmp_path, inputs):  # noqa: F811
    run_tables(write_inputs(tmp_path, inputs), tmp_path / "papers.csv", tmp_path / "topics.csv",
               tmp_path / "themes.csv", tmp_path / "topic_trends.csv",
               tmp_path / "paper_neighbours.csv", tmp_path / "topics",
               tmp_path / "themes", options=DEFAULTS["report"])  # fmt: skip
    return tmp_path


def test_each_topic_and_theme_has_a_bib_of_its_papers_in_its_lists_order(written):
    topic, independent = parse_both((written / "topics" / "0-masked-image-mim.bib").read_text())
    # The reading list's order (most central first) and every paper of the topic, no more.
    assert [e.key for e in topic.entries] == ["hopper2019script", "lovelace2021masked"]
    masked = independent.entries["lovelace2021masked"]
    assert [str(person) for person in masked.persons["author"]] == ["Lovelace, Ada", "Turing, Alan"]
    assert masked.fields["year"] == "2021" and masked.fields["journal"] == "CVPR"
    assert masked.fields["doi"] == "10.1109/cvpr.2021.1"
    assert masked.fields["keywords"] == "masking"
    assert masked.fields["note"] == "Topic 0: masked image, mim (theme: images and proteins)"
    bold = independent.entries["hopper2019script"]
    assert bold.fields["eprint"] == "1905.00001" and bold.fields["archiveprefix"] == "arXiv"
    assert bold.fields["url"] == "https://arxiv.org/abs/1905.00001"
    assert LatexNodes2Text().latex_to_text(bold.fields["title"]) == EVIL_TITLE
    # A theme's file holds all its papers: its topics largest first, each in list order.
    theme, _ = parse_both((written / "themes" / "0-images-and-proteins.bib").read_text())
    assert [e.key for e in theme.entries] == ["hopper2019script", "lovelace2021masked",
                                              "anonprotein"]  # fmt: skip
    assert theme.entries[2]["note"] == "Topic 1: protein (theme: images and proteins)"
    # Each reading list links to its .bib, as does the index's table.
    assert (
        "[0-masked-image-mim.bib](0-masked-image-mim.bib)"
        in (written / "topics" / "0-masked-image-mim.md").read_text()
    )
    theme_list = (written / "themes" / "0-images-and-proteins.md").read_text()
    assert "[0-images-and-proteins.bib](0-images-and-proteins.bib)" in theme_list
    assert "[BibTeX](../topics/1-protein.bib)" in theme_list


def test_latex_specials_are_escaped_so_every_reader_gets_the_text_back():
    entry = bibtex_entry(paper(title=AWKWARD, abstract="100% {unbalanced"), "k", "note")
    _, independent = parse_both(entry + "\n" + entry.replace("{k,", "{k2,"))
    decoded = LatexNodes2Text().latex_to_text(independent.entries["k"].fields["title"])
    # pylatexenc writes ^ as its modifier letter and drops the braces LaTeX prints.
    decoded = decoded.replace("\N{MODIFIER LETTER CIRCUMFLEX ACCENT}", "^")
    assert decoded == AWKWARD.replace("{", "").replace("}", "")
    assert "%" not in escape("100%").replace(r"\%", "")


def test_keys_are_unique_and_do_not_depend_on_the_order_of_the_papers():
    papers = pd.DataFrame(
        [
            paper(paper_id=pid, title=title, authors=authors, year=year)
            for pid, title, authors, year in [
                ("b2", "Deep Nets", ["Ada Lovelace"], 2020),
                ("a1", "Deep nets again", ["Lovelace, Ada"], 2020),
                ("c3", "Deep Nets", ["Ádá Lövelace"], 2020),
                ("d4", "The of it", [], None),
            ]
        ]
    )
    keys = citation_keys(papers)
    assert keys == {"a1": "lovelace2020deepa", "b2": "lovelace2020deepb",
                    "c3": "lovelace2020deepc", "d4": "anonthe"}  # fmt: skip
    assert citation_keys(papers.iloc[::-1]) == keys
