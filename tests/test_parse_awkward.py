"""Files a researcher may drop in that once stopped the run or lost records without a word.

One tiny fixture per class (tests/fixtures/awkward, see its README), each read beside a good
RIS file: what the awkward file gives, the report entry that says what happened, and that
the good file's papers are all there.
"""

import gzip
import io
import json
import os
import zlib
from pathlib import Path

import pytest

from topics.errors import UserError
from topics.parse import paper_id, parse_seeds, run_parse, scan_seeds
from topics.readers import detect, read_input

AWKWARD = Path(__file__).parent / "fixtures" / "awkward"
GOOD_TITLES = {
    "Wetland soil fauna after reed restoration",
    "Grassland productivity under land conversion",
}


def with_good(name: str, data: bytes | None = None, **options):
    """parse_seeds of good.ris and one awkward file: (papers, the awkward file's report)."""
    data = (AWKWARD / name).read_bytes() if data is None else data
    papers, reports = parse_seeds(
        [("good.ris", (AWKWARD / "good.ris").read_bytes()), (name, data)], **options
    )
    assert set(papers["title"]) >= GOOD_TITLES  # one file never takes another down
    good, awkward = reports
    assert (good.records, good.kept) == (2, 2)
    for report in reports:  # nothing disappears without a line in the report
        assert report.records == report.kept + report.duplicates + report.skipped_records()
    return papers, awkward


def titles_from(papers, name: str) -> set[str]:
    return {row.title for row in papers.itertuples() if name in list(row.sources)}


# 1. One guard around every file ---------------------------------------------------------


@pytest.mark.parametrize(
    "name, reason",
    [
        ("damaged.parquet", "this parquet file could not be read (ArrowInvalid"),
        ("deep.json", "this JSON file is nested more than 64 levels deep, which no export is"),
    ],
)
def test_a_file_no_reader_can_read_is_reported_in_a_sentence_and_the_run_goes_on(name, reason):
    papers, report = with_good(name)
    assert len(papers) == 2
    assert report.skipped[0].reason.startswith(reason)


def test_a_truncated_api_page_costs_its_damaged_pieces_not_the_run():
    """Cut short, an OpenAlex page's scan finds loose pieces of works (authorships) beside
    whole works: the pieces are reported one by one, not taken for an unknown table."""
    page = (Path(__file__).parent / "fixtures" / "inputs" / "openalex_works.json").read_bytes()
    papers, report = with_good("page.json", page[: len(page) * 2 // 3])
    assert len(papers) >= 2
    assert any("no paper record" in issue.reason for issue in report.skipped)


def test_empty_tables_are_read_as_empty_files(tmp_path):
    for name in ("empty.csv", "empty.parquet"):
        papers, report = with_good(name)
        assert len(papers) == 2 and report.records == 0
        assert [w.reason for w in report.warnings] == ["the file is empty; nothing to read"]


def test_a_reader_that_raises_costs_its_file_only_and_says_what_to_do(monkeypatch):
    def broken(*args):
        raise KeyError("surprise")

    monkeypatch.setattr("topics.readers.read_ris", broken)
    papers, reports = parse_seeds(
        [
            ("a.ris", (AWKWARD / "good.ris").read_bytes()),
            ("b.csv", (AWKWARD / "mac_cr.csv").read_bytes()),
        ]
    )
    assert titles_from(papers, "b.csv") == {"Kelp forest decline", "Mangrove dieback"}
    (issue,) = reports[0].skipped
    assert issue.scope == "file"
    assert issue.reason == (
        "this ris file could not be read (KeyError: 'surprise'); nothing of it was used: "
        "export it again from the database, or remove it from the seeds folder"
    )


def test_unrecognised_table_columns_still_stop_the_run_with_their_sentence():
    table = b"Headline,Summary,When\nA,B,2020\nC,D,2021\n"
    with pytest.raises(UserError, match=r"odd\.csv: cannot tell which column holds"):
        parse_seeds([("good.ris", (AWKWARD / "good.ris").read_bytes()), ("odd.csv", table)])


# 2. Every line ending -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, titles",
    [
        (
            "mac_cr.ris",
            {"Coral bleaching under marine heatwaves", "Seagrass carbon burial in temperate bays"},
        ),
        ("mac_cr.csv", {"Kelp forest decline", "Mangrove dieback"}),
        ("mixed_endings.tsv", {"River plume fronts", "Estuary mixing", "Lagoon salinity"}),
    ],
)
def test_cr_only_and_mixed_line_endings_read_every_record(name, titles):
    papers, report = with_good(name)
    assert titles_from(papers, name) == titles
    assert report.skipped == [] and report.kept == len(titles)


def test_cr_only_lines_keep_their_numbers():
    result, _ = read_input("mac_cr.ris", (AWKWARD / "mac_cr.ris").read_bytes())
    assert [r.line for r in result.records] == [1, 7]


# 3. Limits ------------------------------------------------------------------------------


def test_a_gzip_that_unpacks_past_the_cap_is_reported_without_unpacking_it():
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(packer.compress(b"\0" * 2**20) for _ in range(8)) + packer.flush()
    assert len(bomb) < 20_000  # 8 MB of zeros
    papers, report = with_good("bomb.jsonl.gz", bomb, max_bytes=2**20)
    assert len(papers) == 2 and report.records == 0
    assert report.skipped[0].scope == "file"
    assert report.skipped[0].reason.startswith(
        "not read: it unpacks to more than 1 MB, more than inputs.max_file_mb in config.yaml "
        "allows; split it"
    )


def test_a_file_over_the_cap_is_not_read_and_the_others_are(tmp_path):
    for name in ("good.ris", "mac_cr.ris"):
        (tmp_path / name).write_bytes((AWKWARD / name).read_bytes())
    (tmp_path / "big.jsonl").write_bytes(b"{}\n" * 400_000)  # 1.2 MB
    papers = run_parse(
        sorted(tmp_path.iterdir()), tmp_path / "p.parquet", tmp_path / "r.json", max_file_mb=1
    )
    assert len(papers) == 4
    report = json.loads((tmp_path / "r.json").read_text())
    big = next(entry for entry in report["per_file"] if entry["file"] == "big.jsonl")
    assert big["skipped"][0]["reason"].startswith("not read: it is 1 MB, more than")
    assert report["files_not_read"] == 1


def test_deep_json_lines_and_overlong_lines_cost_only_themselves(monkeypatch):
    monkeypatch.setattr(detect, "MAX_LINE_CHARS", 15_000)
    good = json.dumps({"title": "Fjord circulation", "abstract": "We model a fjord's flow."})
    lines = [good, "[" * 5000 + "]" * 5000, json.dumps({"title": "x" * 20_000}), good]
    papers, report = with_good("odd.jsonl", "\n".join(lines).encode())
    assert titles_from(papers, "odd.jsonl") == {"Fjord circulation"}
    assert [(i.line, i.reason.split(",")[0]) for i in report.skipped] == [
        (3, "line of 20"),  # "line of 20,013 characters, longer than any record (15,000)"
        (2, "nested more than 64 levels deep"),
    ]
    assert (report.records, report.kept, report.duplicates) == (4, 1, 1)


def test_a_long_first_line_without_separators_is_no_table_and_no_crash():
    data = b"x" * 300_000 + b"\nA title of a paper\n" + b"An abstract of it, long enough. " * 8
    _, report = with_good("notes.txt", data)
    assert report.format == "listing"


# 4. Recovery, one record at a time ------------------------------------------------------


def test_pretty_printed_json_missing_a_comma_loses_nothing():
    papers, report = with_good("missing_comma.json")
    assert titles_from(papers, "missing_comma.json") == {
        "Glacier retreat in the Andes",
        "Permafrost thaw and methane",
        "Sea ice and polar bears",
    }
    assert [(w.line, w.reason) for w in report.warnings] == [
        (7, "a comma is missing before this object; read anyway")
    ]


def test_a_broken_object_in_a_pretty_printed_api_page_costs_only_itself():
    works = [
        {"title": f"Paper {n}", "abstract": f"Abstract of paper {n}.", "authors": [{"n": n}]}
        for n in range(3)
    ]
    text = json.dumps({"meta": {"count": 3}, "results": works}, indent=2)
    broken = text.replace('"Abstract of paper 1."', '"Abstract of paper 1.', 1)
    papers, report = with_good("page.json", broken.encode())
    assert titles_from(papers, "page.json") == {"Paper 0", "Paper 2"}
    (issue,) = report.skipped
    assert issue.line == 15 and issue.reason.startswith("not valid JSON (")


def test_a_stray_quote_in_a_csv_row_is_read_leniently_and_lines_keep_their_numbers():
    papers, report = with_good("stray_quote.csv")
    assert titles_from(papers, "stray_quote.csv") == {
        "Drought and tree mortality",
        "Unclosed quote in a title",
        'The "so-called" recovery',
        "Fire return intervals",
    }
    assert [(w.line, w.reason.split(";")[0]) for w in report.warnings] == [
        (3, "a quote on this line is never closed")
    ]
    result, _ = read_input("stray_quote.csv", (AWKWARD / "stray_quote.csv").read_bytes())
    assert [r.line for r in result.records] == [2, 3, 4, 5]


def test_a_quoted_field_over_several_lines_is_still_one_row():
    table = b'title,abstract,year\nA title,"First paragraph.\nSecond, with a comma.",2020\n'
    result, _ = read_input("t.csv", table)
    assert [(r.title, r.abstract, r.line) for r in result.records] == [
        ("A title", "First paragraph. Second, with a comma.", 2)
    ]


def test_a_damaged_bibtex_entry_costs_itself_and_says_what_the_parser_found():
    papers, report = with_good("macros.bib")
    assert titles_from(papers, "macros.bib") == {
        "Deep learning for river discharge forecasts",
        "Snowpack melt timing from radar",
    }
    (issue,) = report.skipped
    assert issue.line == 11
    assert issue.reason == (
        "damaged BibTeX entry, not read (the parser says: Unexpected block start: `@article`. "
        "Was still looking for field-value closing `,` or `}`); its braces do not balance "
        "(3 opened, 2 closed); fix the entry or remove it"
    )


# 5. Identity ----------------------------------------------------------------------------


def test_same_title_different_dois_are_two_papers_with_a_warning():
    papers, report = with_good("same_title.ris")
    editorials = papers[papers["title"] == "Editorial"]
    assert sorted(editorials["doi"]) == ["10.1000/journal-a.ed", "10.1000/journal-b.ed"]
    assert editorials["paper_id"].is_unique
    assert editorials["abstract"].str.contains("coastal erosion").sum() == 1
    assert [(w.line, w.reason) for w in report.warnings] == [
        (
            1,
            "another paper has the same title but another DOI or arXiv id "
            "(10.1000/journal-b.ed); kept as different papers",
        ),
        (
            8,
            "another paper has the same title but another DOI or arXiv id "
            "(10.1000/journal-a.ed); kept as different papers",
        ),
    ]


def ris(title: str, abstract: str, doi: str | None = None, arxiv: str | None = None, **more) -> str:
    lines = ["TY  - JOUR", f"TI  - {title}", f"AB  - {abstract}"]
    lines += [f"DO  - {doi}"] if doi else []
    lines += [f"UR  - https://arxiv.org/abs/{arxiv}"] if arxiv else []
    lines += [f"PY  - {more['year']}"] if more.get("year") else []
    return "\n".join([*lines, "ER  - ", ""])


def test_title_fallback_merges_when_at_most_one_record_has_a_doi():
    a = ris("Deep learning", "Short.", doi="10.1000/a")
    b = ris("Deep Learning", "A longer abstract of the same paper.")
    papers, reports = parse_seeds([("a.ris", a.encode()), ("b.ris", b.encode())])
    assert len(papers) == 1
    assert papers["doi"].tolist() == ["10.1000/a"]
    assert reports[1].merged_by["title"] == 1


def test_different_arxiv_ids_are_different_papers_and_a_doi_less_title_stays_apart():
    a = ris("Introduction", "One.", arxiv="2101.00001")
    b = ris("Introduction", "Two.", arxiv="2101.00002")
    # Two papers already share the title: a third record without identifiers could be
    # either, so it is neither.
    c = ris("Introduction", "Three.")
    papers, _ = parse_seeds([("a.ris", (a + b).encode()), ("c.ris", c.encode())])
    assert len(papers) == 3 and papers["paper_id"].is_unique
    assert sorted(papers["arxiv_id"].dropna()) == ["2101.00001", "2101.00002"]


# 6. BibTeX macros -----------------------------------------------------------------------


def test_bibtex_string_macros_and_concatenation_are_resolved():
    result, _ = read_input("macros.bib", (AWKWARD / "macros.bib").read_bytes())
    first = result.records[0]
    assert (first.title, first.venue) == (
        "Deep learning for river discharge forecasts",
        "Journal of Machine Learning Research",
    )
    bib = b"@article{m, title = {Tides}, abstract = {Tidal records.}, month = mar, year = 2020}"
    (record,) = read_input("m.bib", bib)[0].records
    assert record.date == "2020-03"


# 7. Text as a reader sees it ------------------------------------------------------------


def test_html_entities_and_jats_tags_leave_titles_and_abstracts():
    papers, _ = with_good("acm_entities.bib")
    acm = papers[papers["title"].str.startswith("Responsible")].iloc[0]
    assert acm["title"] == "Responsible & Inclusive Cards: Designing for Fairness"
    assert acm["abstract"] == (
        "We design cards that help teams discuss fairness & inclusion <early> in design."
    )
    assert acm["venue"] == "CHI '23"
    papers, _ = with_good("jats.jsonl")
    jats = papers.set_index("doi").loc["10.1000/jats.1"]
    assert jats["title"] == "Soil Bacillus strains & wheat yield"
    assert jats["abstract"] == (
        "We inoculate wheat with Bacillus strains and measure yield in 2 seasons."
    )


# 8. Files -------------------------------------------------------------------------------


def workbook(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("Notes").append(["not read"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_excel_workbook_reads_its_first_sheet_like_the_csv_of_it():
    data = workbook(
        [
            ["About the data: Exported on Dec 02, 2026"],
            ["Publication ID", "DOI", "Title", "Abstract", "PubYear", "Dimensions URL"],
            ["pub.1", "10.1000/x.1", "Tundra greening", "We map tundra greening.", 2019, "u"],
            ["pub.2", None, "Snow algae", "We sample snow algae blooms.", 2020.0, "u"],
        ]
    )
    papers, report = with_good("dimensions.xlsx", data)
    assert (report.format, report.layout) == ("xlsx", "dimensions")
    assert titles_from(papers, "dimensions.xlsx") == {"Tundra greening", "Snow algae"}
    tundra = papers.set_index("title").loc["Tundra greening"]
    assert (tundra["year"], tundra["doi"]) == (2019, "10.1000/x.1")
    assert [r.line for r in read_input("d.xlsx", data)[0].records] == [3, 4]


def test_old_excel_files_are_reported_with_what_to_do():
    _, report = with_good("wos.xls", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    assert report.skipped[0].reason.endswith("save it as .xlsx or CSV UTF-8")


def test_subfolders_are_read_hidden_files_and_outside_links_listed_never_opened(tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "Export Files").mkdir(parents=True)
    (seeds / ".git").mkdir()
    (seeds / ".git" / "x.ris").write_bytes((AWKWARD / "mac_cr.ris").read_bytes())
    (seeds / "good.ris").write_bytes((AWKWARD / "good.ris").read_bytes())
    (seeds / "Export Files" / "more.csv").write_bytes((AWKWARD / "mac_cr.csv").read_bytes())
    (seeds / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (seeds / "~$library.xlsx").write_bytes(b"lock")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:PRIVATE LINE\nAnother private line of text here.\n")
    os.symlink(secret, seeds / "passwd.txt")
    os.symlink(seeds / "good.ris", seeds / "again.ris")  # inside: read
    files, ignored = scan_seeds(seeds)
    assert [p.relative_to(seeds).as_posix() for p in files] == [
        "Export Files/more.csv",
        "again.ris",
        "good.ris",
    ]
    assert [(i.file, i.reason) for i in ignored] == [
        (".git", "hidden folder; not read"),
        (".DS_Store", "hidden file; not read"),
        ("passwd.txt", "link to a file outside the seeds folder; not opened"),
        ("~$library.xlsx", "an Office lock file (the workbook is open); not read"),
    ]
    papers = run_parse(files, tmp_path / "p.parquet", tmp_path / "r.json", seeds_dir=seeds)
    assert len(papers) == 4
    assert {s for sources in papers["sources"] for s in sources} == {
        "Export Files/more.csv",
        "again.ris",
        "good.ris",
    }
    report = (tmp_path / "r.json").read_text()
    assert "PRIVATE" not in report
    assert [entry["file"] for entry in json.loads(report)["ignored"]] == [
        ".git",
        ".DS_Store",
        "passwd.txt",
        "~$library.xlsx",
    ]


# 9. The same papers, the same table -----------------------------------------------------


def corpus_files(order: int) -> list[tuple[str, bytes]]:
    """The 8 papers of the arXiv fixture, split, ordered and formatted in one of two ways."""
    import csv

    rows = [
        json.loads(line)
        for line in (AWKWARD.parent / "inputs" / "arxiv_snapshot.jsonl").read_text().splitlines()
    ]
    records = [
        {
            "title": " ".join(row["title"].split()),
            "abstract": " ".join(row["abstract"].split()),
            "doi": row.get("doi") or "",
            "year": row["update_date"][:4],
            "arxiv_id": row["id"],
            "url": f"https://arxiv.org/abs/{row['id']}",
        }
        for row in rows
    ]
    if order == 0:
        return [("all.jsonl", "\n".join(json.dumps(r) for r in records).encode())]
    records = records[::-1]
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records[:3])
    text = "".join(
        ris(r["title"], r["abstract"], r["doi"], r["arxiv_id"], year=r["year"]) + "\n"
        for r in records[3:6]
    )
    lines = "\n".join(json.dumps(r) for r in records[6:] + records[:1])  # one paper twice
    return [
        ("z.csv", table.getvalue().encode()),
        ("a.ris", text.replace("\n", "\r\n").encode()),
        ("m.jsonl.gz", gzip.compress(lines.encode())),
    ]


def test_the_same_papers_in_other_files_formats_and_order_give_the_same_table():
    one, _ = parse_seeds(corpus_files(0))
    other, reports = parse_seeds(corpus_files(1))
    assert len(one) == 8 and sum(r.duplicates for r in reports) == 1
    assert list(one["paper_id"]) == sorted(one["paper_id"])
    columns = [name for name in one.columns if name != "sources"]
    assert one[columns].to_dict("records") == other[columns].to_dict("records")
    shuffled, _ = parse_seeds(corpus_files(1)[::-1])
    assert shuffled.drop(columns="sources").equals(other.drop(columns="sources"))


def test_paper_id_depends_on_the_paper_only():
    papers, _ = parse_seeds(corpus_files(1))
    assert (papers["paper_id"] == papers["title"].map(paper_id)).all()


def test_pretty_printed_objects_one_after_another_need_no_commas():
    works = [
        {"title": f"Paper {n}", "abstract": f"Abstract {n}.", "data": [1, 2]} for n in range(3)
    ]
    text = "\n".join(json.dumps(work, indent=1) for work in works)
    result, how = read_input("works.json", text.encode())
    assert how["format"] == "json"
    assert [(r.title, r.line) for r in result.records] == [
        ("Paper 0", 1),
        ("Paper 1", 9),
        ("Paper 2", 17),
    ]
    assert result.warnings == [] and result.skipped == []


def test_every_real_export_and_every_awkward_file_together_lose_nothing_unreported():
    files = [
        (f"{folder}/{path.name}", path.read_bytes())
        for folder in ("inputs", "awkward")
        for path in sorted((AWKWARD.parent / folder).iterdir())
        if path.suffix != ".md"
    ]
    papers, reports = parse_seeds(files)
    for report in reports:
        assert report.records == report.kept + report.duplicates + report.skipped_records()
    assert sum(report.kept for report in reports) == len(papers) == 64
    assert sum(report.records for report in reports) == 82
    # Each real export alone gives the papers it gives beside all the others.
    for name, data in files[:13]:
        alone, _ = parse_seeds([(name, data)])
        assert set(alone["title"]) <= set(papers["title"]), name
