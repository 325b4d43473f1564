"""Each reader on real exports (tests/fixtures/inputs, see SOURCES.md): how many records,
their fields by value, and the damaged or oddly encoded files users bring."""

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from topics.errors import UserError
from topics.parse import parse_seeds
from topics.readers import read_input
from topics.readers.records import iso_date, normalise_arxiv_id, normalise_doi, split_authors

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
SOIL_FAUNA = (
    "Soil fauna diversity at different stages of reed restoration in a lakeshore "
    "wetland at Lake Taihu, China"
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(name: str, data: bytes | None = None, **config):
    """The records and report details of one file, as the parser reads it."""
    return read_input(name, fixture(name) if data is None else data, **config)


@pytest.mark.parametrize(
    "name, fmt, layout, records",
    [
        ("wos_savedrecs.txt", "wos", None, 4),
        ("wos_tab.txt", "wos-tab", "wos", 4),
        ("scopus.bib", "bibtex", None, 3),
        ("scopus.ris", "ris", None, 3),
        ("ieee.ris", "ris", None, 5),
        ("pubmed_medline.txt", "medline", None, 3),
        ("scopus.csv", "csv", "scopus", 3),
        ("lens.csv", "csv", "lens", 4),
        ("openalex.csv", "csv", "openalex", 8),
        ("dimensions.csv", "csv", "dimensions", 4),
        ("openalex_works.json", "json", "openalex", 2),
        ("arxiv_snapshot.jsonl", "jsonl", "arxiv", 8),
        ("conferences_alternating.txt", "listing", None, 8),
    ],
)
def test_every_fixture_is_read_whole_by_the_reader_its_content_needs(name, fmt, layout, records):
    result, how = read(name)
    assert (how["format"], how["layout"]) == (fmt, layout)
    assert len(result.records) == records
    assert result.skipped == []


@pytest.mark.parametrize(
    "original, renamed, fmt",
    [
        ("wos_savedrecs.txt", "savedrecs", "wos"),  # no extension
        ("scopus.ris", "export.txt", "ris"),
        ("scopus.bib", "references.txt", "bibtex"),
        ("pubmed_medline.txt", "pubmed.nbib", "medline"),
        ("scopus.csv", "scopus_export.txt", "csv"),  # a known table header, whatever the name
        ("arxiv_snapshot.jsonl", "arxiv.txt", "jsonl"),
    ],
)
def test_format_is_told_by_content_not_only_by_name(original, renamed, fmt):
    result, how = read(renamed, fixture(original))
    assert how["format"] == fmt
    assert len(result.records) == len(read(original)[0].records)


def test_a_configured_format_overrides_detection():
    listing = b"SubscribeA Paper Title\n" + b"word " * 80 + b"\n"
    _, how = read("notes.txt", listing, formats={"*.txt": "listing"})
    assert how["format"] == "listing"
    result, how = read("export.dat", fixture("scopus.ris"), formats={"*.dat": "ris"})
    assert how["format"] == "ris" and len(result.records) == 3


# Web of Science -------------------------------------------------------------------------


def test_wos_plain_text_fields_by_value():
    result, _ = read("wos_savedrecs.txt")
    soil = result.records[0]
    assert soil.title == SOIL_FAUNA  # continued on a second line in the file
    assert soil.abstract.startswith("Introduction: Wetland soil fauna support material cycling")
    # Continuation lines joined with single spaces, up to the last one.
    assert soil.abstract.endswith(
        "a theoretical basis for restoring the lakeshore wetland ecosystem."
    )
    assert "  " not in soil.abstract
    assert (soil.year, soil.date) == (2020, "2020-12-16")
    assert soil.venue == "ECOSYSTEM HEALTH AND SUSTAINABILITY"
    assert soil.authors[:2] == ("Li, Wei", "Dou, Zhiguo") and len(soil.authors) == 10
    assert soil.doi == "10.1080/20964129.2020.1722034"
    assert soil.line == 3
    assert [r.title[:20] for r in result.records] == [
        "Soil fauna diversity",
        "Aesthetics and the C",
        "Application of Digit",
        "miR-324-5p inhibits ",
    ]


def test_wos_tab_delimited_gives_the_same_papers_as_plain_text():
    plain, _ = read("wos_savedrecs.txt")
    tab, _ = read("wos_tab.txt")
    fields = ("title", "abstract", "year", "date", "venue", "authors", "doi")
    assert [[getattr(r, f) for f in fields] for r in tab.records] == [
        [getattr(r, f) for f in fields] for r in plain.records
    ]
    assert [r.line for r in tab.records] == [2, 3, 4, 5]


def test_wos_record_without_er_does_not_swallow_the_next_one():
    text = fixture("wos_savedrecs.txt").decode("utf-8-sig").split("\n")
    first_er = text.index("ER")
    damaged = "\n".join(text[:first_er] + text[first_er + 1 :]).encode()
    result, _ = read("wos_savedrecs.txt", damaged)
    assert [r.title[:20] for r in result.records] == [
        "Soil fauna diversity",
        "Aesthetics and the C",
        "Application of Digit",
        "miR-324-5p inhibits ",
    ]
    assert result.records[0].abstract == read("wos_savedrecs.txt")[0].records[0].abstract
    assert [(w.line, w.reason) for w in result.warnings] == [
        (3, "Web of Science record not closed by ER; read up to the next PT")
    ]


def test_wos_record_without_abstract_is_skipped_with_its_line():
    lines = fixture("wos_savedrecs.txt").decode("utf-8-sig").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("TI Aesthetics"))
    ab = next(i for i in range(start, len(lines)) if lines[i].startswith("AB "))
    end = next(i for i in range(ab + 1, len(lines)) if not lines[i].startswith("   "))
    damaged = "\n".join(lines[:ab] + lines[end:]).encode()
    papers, reports = parse_seeds([("savedrecs.txt", damaged)])
    assert len(papers) == 3
    assert [(i.file, i.line, i.reason) for i in reports[0].skipped] == [
        ("savedrecs.txt", 56, "title without an abstract")
    ]


# BibTeX ---------------------------------------------------------------------------------


def test_scopus_bibtex_fields_by_value_and_the_repeated_field_entry_kept():
    result, _ = read("scopus.bib")
    soil, impacts, relic = result.records
    assert soil.title == SOIL_FAUNA
    assert soil.abstract.startswith("Introduction: Wetland soil fauna support material cycling")
    assert soil.authors[:3] == ("Li, W.", "Dou, Z.", "Cui, L.") and len(soil.authors) == 10
    assert (soil.year, soil.venue, soil.doi) == (
        2020,
        "Ecosystem Health and Sustainability",
        "10.1080/20964129.2020.1722034",
    )
    assert "Lake Taihu" in soil.keywords
    # A "%2f" in a URL is not a LaTeX comment: the URL survives whole.
    assert soil.url.endswith("md5=a4a9d08e21dbf151663a0e842336c225")
    assert relic.title == "Application of Digital Processing in Relic Image Restoration Design"
    assert impacts.line == 28
    assert [(w.line, w.reason) for w in result.warnings] == [
        (2, "Duplicate field keys on entry: 'funding_details'; the entry was kept")
    ]


def test_bibtex_latex_becomes_plain_text_but_math_and_urls_stay():
    bib = rb"""@inproceedings{m2020,
  title = {{\"U}ber {B}ayesian Networks -- a {C}af{\'e} Study of $\alpha$-Divergences},
  author = {M{\"u}ller, J{\"o}rg and Garc{\'\i}a, Ana and {Barnes and Noble}},
  booktitle = {Proceedings of the 37th {I}nternational {C}onference on {M}achine {L}earning},
  year = 2020, month = jul,
  abstract = {We show that 50\% of {N}etworks \& graphs are small.},
  url = {https://example.org/a%2fb},
  eprint = {2001.01234v3}, archivePrefix = {arXiv},
}"""
    (paper,) = read("refs.bib", bib)[0].records
    # "--" is an en dash in LaTeX.
    assert paper.title == "Über Bayesian Networks \u2013 a Café Study of $\\alpha$-Divergences"
    assert paper.authors == ("Müller, Jörg", "García, Ana", "Barnes and Noble")
    assert paper.abstract == "We show that 50% of Networks & graphs are small."
    assert paper.venue == "Proceedings of the 37th International Conference on Machine Learning"
    assert (paper.year, paper.date, paper.arxiv_id) == (2020, "2020-07", "2001.01234")
    assert paper.url == "https://example.org/a%2fb"


def test_bibtex_entries_sharing_a_key_are_both_read():
    bib = (
        b"@article{smith2020, title={First Paper}, abstract={One.}}\n"
        b"@article{smith2020, title={Second Paper}, abstract={Two.}}\n"
    )
    assert [r.title for r in read("refs.bib", bib)[0].records] == ["First Paper", "Second Paper"]


def test_malformed_bibtex_entry_is_reported_and_the_entries_after_it_kept():
    text = fixture("scopus.bib").decode("utf-8")
    second = text.index("@ARTICLE{Cao2020")
    broken = "@ARTICLE{Broken2020,\ntitle={An entry whose brace never closes,\nyear={2020},\n\n"
    damaged = (text[:second] + broken + text[second:]).encode()
    result, _ = read("scopus.bib", damaged)
    assert [r.title[:20] for r in result.records] == [
        "Soil fauna diversity",
        "Impacts of land conv",
        "Application of Digit",
    ]
    broken_line = text[:second].count("\n") + 1
    assert [(i.line, i.reason.split(" (")[0]) for i in result.skipped] == [
        (broken_line, "damaged BibTeX entry, not read")
    ]
    # The reason says what the parser met and what is wrong, not just "malformed":
    assert "its braces do not balance (3 opened, 1 closed)" in result.skipped[0].reason


# RIS ------------------------------------------------------------------------------------


def test_scopus_ris_fields_by_value():
    result, _ = read("scopus.ris")
    soil = result.records[0]
    assert soil.title == SOIL_FAUNA
    assert (soil.year, soil.venue, soil.doi) == (
        2020,
        "Ecosystem Health and Sustainability",
        "10.1080/20964129.2020.1722034",
    )
    assert soil.authors[0] == "Li, W." and len(soil.authors) == 10
    assert "Lake Taihu" in soil.keywords
    assert [r.line for r in result.records] == [1, 43, 77]


def test_ieee_ris_with_crlf_and_stray_carriage_returns_keeps_every_record():
    result, _ = read("ieee.ris")
    titles = [r.title for r in result.records]
    assert titles[1] == "Reference Exascale Architecture"
    conference = result.records[1]
    assert conference.venue == "2019 15th International Conference on eScience (eScience)"
    assert conference.authors[:2] == ("M. Bobák", "L. Hluchy")
    assert result.records[0].doi == "10.1109/mcse.2018.2884139"
    assert result.records[0].keywords[:2] == ("Exascale computing", "Industries")


def test_ris_record_missing_its_end_tag_does_not_swallow_the_next():
    lines = fixture("scopus.ris").decode("utf-8").split("\n")
    first_end = next(i for i, line in enumerate(lines) if line.startswith("ER  -"))
    damaged = "\n".join(lines[:first_end] + lines[first_end + 1 :]).encode()
    result, _ = read("scopus.ris", damaged)
    assert [r.title[:20] for r in result.records] == [
        "Soil fauna diversity",
        "Impacts of land conv",
        "Application of Digit",
    ]
    assert [(w.line, w.reason.split(";")[0]) for w in result.warnings] == [
        (1, "RIS record not closed by an ER line")
    ]


# MEDLINE --------------------------------------------------------------------------------


def test_pubmed_medline_fields_by_value():
    result, _ = read("pubmed.nbib", fixture("pubmed_medline.txt"))
    first = result.records[0]
    assert first.title == (
        "Differences in nitrate and phosphorus export between wooded and "
        "grassed riparian zones from farmland to receiving waterways under "
        "varying rainfall conditions."
    )
    assert first.abstract.startswith("Agricultural activities in catchments can cause excessive")
    assert (first.year, first.date) == (2017, "2017-11-15")
    assert first.doi == "10.1016/j.scitotenv.2017.04.075"
    assert first.venue == "The Science of the total environment"
    assert first.authors[0] == "Neilen, Amanda D"
    assert [r.line for r in result.records] == [1, 92, 190]
    assert result.records[1].date == "2019-05"


# Tables ---------------------------------------------------------------------------------


def test_scopus_csv_fields_by_value():
    result, _ = read("scopus.csv")
    first = result.records[0]
    assert first.title == (
        "Quantitative analysis of studies that use artificial intelligence "
        "on spinal diseases: A bibliometric analysis"
    )
    assert first.authors[:2] == ("Liu, Fengyuan", "Li, Chunyun")  # Scopus author ids dropped
    assert (first.year, first.venue, first.doi) == (
        2026,
        "Digital Health",
        "10.1177/20552076261415846",
    )
    assert first.keywords == (
        "Artificial intelligence",
        "bibliometrics",
        "citeSpace",
        "spinal diseases",
        "VOSviewer",
    )
    assert [r.line for r in result.records] == [2, 3, 4]


def test_scopus_no_abstract_placeholder_counts_as_no_abstract():
    text = fixture("scopus.csv").decode("utf-8")
    abstract = read("scopus.csv")[0].records[1].abstract
    damaged = text.replace(abstract[:200], "[No abstract available]", 1)
    damaged = damaged.replace(abstract[200:], "", 1).encode()
    papers, reports = parse_seeds([("scopus.csv", damaged)])
    assert len(papers) == 2
    assert [(i.line, i.reason) for i in reports[0].skipped] == [(3, "title without an abstract")]


def test_lens_dimensions_and_openalex_csv_fields_by_value():
    lens = read("lens.csv")[0].records[0]
    assert lens.title.startswith("Dynamic real-time risk analytics of uncontrollable states")
    assert (lens.date, lens.year, lens.doi) == ("2020-11-22", 2020, "10.1007/s10669-020-09792-x")
    assert lens.authors[:2] == ("Petar Radanliev", "David De Roure") and len(lens.authors) == 10
    assert lens.venue == "Environment systems & decisions"
    dims = read("dimensions.csv")[0].records
    assert [r.line for r in dims] == [3, 4, 5, 6]  # the "About the data" line comes first
    assert (dims[0].date, dims[0].doi, dims[0].authors[0]) == (
        "2007-07-13",
        "10.1103/physrevd.76.013009",
        "Balázs, C.",
    )
    assert dims[3].abstract == ""
    alex = read("openalex.csv")[0].records[1]
    assert alex.title == "Bibliometric Analysis using Bibliometrix an R Package"
    assert (alex.doi, alex.date, alex.venue) == (
        "10.5530/jscires.8.3.32",
        "2020-01-06",
        "Journal of Scientometric Research",
    )
    assert alex.authors == ("Hamid Derviş",)


def test_openalex_csv_rows_without_abstract_are_reported_with_their_lines():
    papers, reports = parse_seeds([("openalex.csv", fixture("openalex.csv"))])
    assert len(papers) == 5
    assert [(i.line, i.reason) for i in reports[0].skipped] == [
        (2, "title without an abstract"),
        (4, "title without an abstract"),
        (5, "title without an abstract"),
    ]


def test_unknown_table_layout_stops_with_one_sentence_naming_file_columns_and_keys():
    table = b"Headline,Summary text,Yr\nA paper,What it does,2020\n"
    with pytest.raises(UserError) as raised:
        read("mine.csv", table)
    message = str(raised.value)
    assert message == (
        "mine.csv: cannot tell which column holds each paper's title and abstract (columns "
        "found: Headline, Summary text, Yr); set inputs.columns.title and "
        "inputs.columns.abstract in config.yaml to the column names."
    )


def test_column_mapping_reads_any_table_and_picks_the_date_column():
    table = (
        b"Headline;Summary text;Yr;Printed;Online\n"
        b"A paper;What it does, at length;2020;2020-03-01;2019-11-30\n"
    )
    columns = {"title": "Headline", "abstract": "Summary text", "year": "Yr", "date": "Online"}
    (paper,) = read("mine.csv", table, columns=columns)[0].records
    assert (paper.title, paper.abstract, paper.year, paper.date) == (
        "A paper",
        "What it does, at length",
        2020,
        "2019-11-30",
    )
    plain = b"title,abstract,date,online_date\nA paper,It does,2020-03-01,2019-11-30\n"
    assert read("t.csv", plain)[0].records[0].date == "2020-03-01"
    assert read("t.csv", plain, columns={"date": "online_date"})[0].records[0].date == "2019-11-30"


def test_a_row_with_too_many_fields_is_reported_and_the_rest_kept():
    table = (
        b"title,abstract,year\nFirst paper,Its abstract,2020\n"
        b"Broken,row,2021,extra,fields\nThird paper,Its abstract,2022\n"
    )
    result, _ = read("t.csv", table)
    assert [r.title for r in result.records] == ["First paper", "Third paper"]
    assert [(i.line, i.reason) for i in result.skipped] == [
        (3, "row has 5 fields but the header has 3; skipped")
    ]


def test_parquet_of_arxiv_metadata_and_of_a_mapped_table():
    rows = [json.loads(line) for line in fixture("arxiv_snapshot.jsonl").splitlines()]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    result, how = read("arxiv.parquet", buffer.getvalue())
    assert (how["format"], how["layout"], len(result.records)) == ("parquet", "arxiv", 8)
    assert [r.arxiv_id for r in result.records] == [f"0704.{n:04d}" for n in range(1, 9)]
    table = pa.table({"name": ["A paper"], "text": ["What it does"], "when": [2021]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    (paper,) = read(
        "mine.pq", buffer.getvalue(), columns={"title": "name", "abstract": "text", "year": "when"}
    )[0].records
    assert (paper.title, paper.abstract, paper.year) == ("A paper", "What it does", 2021)


# JSON and JSON Lines ---------------------------------------------------------------------


def test_openalex_api_page_rebuilds_the_abstract_from_its_inverted_index():
    result, _ = read("openalex_works.json")
    bibliometrix, state_of_oa = result.records
    assert bibliometrix.abstract == ""  # OpenAlex has none for it
    assert state_of_oa.title.startswith("The state of OA: a large-scale analysis")
    assert state_of_oa.abstract.startswith(
        "Despite growing interest in Open Access (OA) to scholarly literature, there is an "
        "unmet need for large-scale, up-to-date"
    )
    assert (state_of_oa.doi, state_of_oa.date, state_of_oa.venue) == (
        "10.7717/peerj.4375",
        "2018-02-13",
        "PeerJ",
    )
    assert state_of_oa.authors[:3] == ("Heather Piwowar", "Jason Priem", "Vincent Larivière")
    assert "Open Science" in state_of_oa.keywords


def test_openalex_works_one_per_line_read_like_the_api_page():
    works = json.loads(fixture("openalex_works.json"))["results"]
    lines = "\n".join(json.dumps(work) for work in works).encode()
    result, how = read("works.jsonl", lines)
    assert how["layout"] == "openalex"
    assert result.records[1].abstract == read("openalex_works.json")[0].records[1].abstract


def test_arxiv_snapshot_fields_by_value():
    result, _ = read("arxiv_snapshot.jsonl")
    first = result.records[0]
    assert first.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert first.abstract.startswith("A fully differential calculation in perturbative")
    assert first.authors == ("Balázs, C.", "Berger, E. L.", "Nadolsky, P. M.", "Yuan, C. -P.")
    assert (first.arxiv_id, first.doi, first.date, first.year) == (
        "0704.0001",
        "10.1103/physrevd.76.013009",
        "2007-04-02",
        2007,
    )
    assert first.venue == "Phys.Rev.D76:013009,2007"
    assert result.records[1].doi is None and result.records[1].venue is None


def test_malformed_json_line_is_reported_and_the_lines_after_it_kept():
    lines = fixture("arxiv_snapshot.jsonl").decode().split("\n")
    lines[2] = lines[2][: len(lines[2]) // 2]  # a line cut in half
    result, _ = read("arxiv.jsonl", "\n".join(lines).encode())
    assert len(result.records) == 7
    assert [r.arxiv_id for r in result.records][2:4] == ["0704.0004", "0704.0005"]
    assert [(i.line, i.reason.split(" (")[0]) for i in result.skipped] == [(3, "not valid JSON")]


def test_json_array_with_a_broken_object_keeps_the_others():
    works = (
        json.loads(fixture("arxiv_snapshot.jsonl").split(b"\n")[0]),
        json.loads(fixture("arxiv_snapshot.jsonl").split(b"\n")[1]),
    )
    lines = [
        "[",
        json.dumps(works[0]) + ",",
        '{"id": "broken", "title": ',
        json.dumps(works[1]),
        "]",
    ]
    result, how = read("works.json", "\n".join(lines).encode())
    assert how["format"] == "json"
    assert [r.arxiv_id for r in result.records] == ["0704.0001", "0704.0002"]
    assert [(i.line, i.reason.split(" (")[0]) for i in result.skipped] == [(3, "not valid JSON")]


# Compression and encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["arxiv_snapshot.jsonl", "scopus.ris", "wos_savedrecs.txt", "scopus.csv"]
)
def test_gzip_compressed_files_read_like_the_originals(name):
    result, how = read(name + ".gz", gzip.compress(fixture(name)))
    assert how["compression"] == "gzip"
    assert [r.title for r in result.records] == [r.title for r in read(name)[0].records]


def test_damaged_gzip_is_reported_not_fatal():
    result, _ = read("x.jsonl.gz", gzip.compress(fixture("arxiv_snapshot.jsonl"))[:200])
    assert result.records == []
    assert result.skipped[0].reason.startswith("not readable: damaged gzip data")


@pytest.mark.parametrize(
    "name, encoding, reported",
    [
        ("ieee.ris", "latin-1", "windows-1252"),
        ("pubmed_medline.txt", "latin-1", "windows-1252"),
        ("lens.csv", "cp1252", "windows-1252"),
        ("wos_tab.txt", "utf-16", "utf-16"),  # WoS "Tab-delimited (Win, UTF-16)", with BOM
        ("scopus.csv", "utf-8-sig", "utf-8 with byte-order mark"),
    ],
)
def test_other_encodings_are_read_and_reported(name, encoding, reported):
    original = read(name)[0]
    data = fixture(name).decode("utf-8").encode(encoding)
    result, how = read(name, data)
    assert how["encoding"] == reported
    fields = [(r.title, r.abstract, r.authors, r.venue) for r in result.records]
    assert fields == [(r.title, r.abstract, r.authors, r.venue) for r in original.records]
    if reported == "windows-1252":
        assert result.warnings and all(
            w.reason == "not valid UTF-8; read as Windows-1252" for w in result.warnings
        )
    if reported == "utf-16":
        assert [w.reason for w in result.warnings] == ["encoded as UTF-16; read as UTF-16"]


def test_utf16_without_byte_order_mark_is_recognised():
    data = fixture("scopus.ris").decode("utf-8").encode("utf-16-le")
    result, how = read("scopus.ris", data)
    assert how["encoding"] == "utf-16" and len(result.records) == 3


# Listing files ---------------------------------------------------------------------------


def test_alternating_listing_pairs_every_line_whatever_it_looks_like():
    lines = fixture("conferences_alternating.txt").decode("utf-8").splitlines()
    result, _ = read("conferences_alternating.txt")
    assert [(r.title, r.abstract) for r in result.records] == list(
        zip(lines[::2], lines[1::2], strict=True)
    )


def test_a_file_of_bare_titles_gives_no_papers():
    titles = b"Attention Is All You Need\nDeep Residual Learning\nAdam: A Method\nBERT\n"
    papers, reports = parse_seeds([("titles.txt", titles)])
    assert papers.empty
    assert [i.line for i in reports[0].skipped] == [1, 2, 3, 4]


# Field helpers ---------------------------------------------------------------------------


def test_identifiers_dates_and_names_in_their_many_spellings():
    assert (
        normalise_doi("https://doi.org/10.1016/S0021-9258(19)52451-6")
        == "10.1016/s0021-9258(19)52451-6"
    )
    assert normalise_doi("DOI: 10.1080/20964129.2020.1722034.") == "10.1080/20964129.2020.1722034"
    assert normalise_doi("not a doi") is None
    assert normalise_arxiv_id("arXiv:2101.11408v2 [cs.DS]") == "2101.11408"
    assert normalise_arxiv_id("https://arxiv.org/abs/hep-ph/0701001v1") == "hep-ph/0701001"
    assert normalise_arxiv_id("10.48550/arXiv.2310.06770", needs_mention=True) == "2310.06770"
    assert normalise_arxiv_id("10.1000/1234.56789", needs_mention=True) is None
    assert [
        iso_date(d)
        for d in [
            "2016 Jan 15",
            "DEC 2020",
            "2019/03/05/",
            "2014//",
            "2020",
            "Mon, 2 Apr 2007 19:18:42 GMT",
        ]
    ] == ["2016-01-15", "2020-12", "2019-03-05", None, None, "2007-04-02"]
    assert split_authors("Li, Wei") == ("Li, Wei",)
    assert split_authors("Yagai T., Kimura Y.") == ("Yagai T.", "Kimura Y.")
    assert split_authors("Ileana Streinu and Louis Theran") == ("Ileana Streinu", "Louis Theran")


def test_wos_tab_row_broken_by_a_stray_carriage_return_is_joined_again():
    data = fixture("wos_tab.txt")
    at = data.index(b"Wetland soil fauna support") + len(b"Wetland soil fauna support")
    result, how = read("wos_tab.txt", data[:at] + b"\r" + data[at:])
    assert how["format"] == "wos-tab" and result.skipped == []
    assert [r.title for r in result.records] == [r.title for r in read("wos_tab.txt")[0].records]
    assert result.records[0].abstract.startswith(
        "Introduction: Wetland soil fauna support material"
    )
    assert [r.line for r in result.records] == [2, 4, 5, 6]  # the break is a line in editors too
