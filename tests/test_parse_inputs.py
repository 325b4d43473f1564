"""The same paper from several files and formats becomes one paper with every source and the
most complete metadata; the report says what was read, merged (and by which key) and skipped."""

import json
from pathlib import Path

import pandas as pd

from topics.parse import PAPER_COLUMNS, list_seed_files, paper_id, parse_seeds, run_parse

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
REPO = Path(__file__).resolve().parents[1]
SOIL_FAUNA = (
    "Soil fauna diversity at different stages of reed restoration in a lakeshore "
    "wetland at Lake Taihu, China"
)


def files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (FIXTURES / name).read_bytes()) for name in names]


def test_wos_scopus_bibtex_and_ris_of_the_same_papers_merge_by_doi():
    papers, reports = parse_seeds(files("scopus.bib", "scopus.ris", "wos_savedrecs.txt"))
    # bib: 3 papers; ris: the same 3; WoS: 2 of them and 2 others.
    assert len(papers) == 5
    assert [r.merged_by for r in reports] == [
        {"doi": 0, "arxiv_id": 0, "title": 0},
        {"doi": 3, "arxiv_id": 0, "title": 0},
        {"doi": 2, "arxiv_id": 0, "title": 0},
    ]
    soil = papers.set_index("doi").loc["10.1080/20964129.2020.1722034"]
    assert list(soil["sources"]) == ["scopus.bib", "scopus.ris", "wos_savedrecs.txt"]
    assert soil["title"] == SOIL_FAUNA and soil["paper_id"] == paper_id(SOIL_FAUNA)
    # The most complete value of each field, wherever it came from:
    assert list(soil["authors"])[:2] == ["Li, Wei", "Dou, Zhiguo"]  # WoS's full names
    assert soil["date"] == "2020-12-16"  # only WoS gives the day
    assert soil["year"] == 2020
    assert soil["venue"] == "Ecosystem Health and Sustainability"
    assert "Lake Taihu" in list(soil["keywords"])  # Scopus keywords; WoS has none here
    assert soil["abstract"].startswith("Introduction: Wetland soil fauna")


def test_arxiv_snapshot_and_dimensions_merge_by_doi_and_a_bibtex_preprint_by_arxiv_id():
    bib = (
        b"@misc{streinu, title = {Sparsity-Certifying Graph Decompositions (preprint)},"
        b" author = {Streinu, Ileana and Theran, Louis}, eprint = {0704.0002v1},"
        b" archivePrefix = {arXiv}, abstract = {We describe a new algorithm.}}\n"
    )
    papers, reports = parse_seeds(
        [*files("arxiv_snapshot.jsonl", "dimensions.csv"), ("preprints.bib", bib)]
    )
    assert len(papers) == 8
    assert reports[1].merged_by == {"doi": 4, "arxiv_id": 0, "title": 0}
    assert reports[2].merged_by == {"doi": 0, "arxiv_id": 1, "title": 0}
    by_arxiv = papers.set_index("arxiv_id")
    assert list(by_arxiv.loc["0704.0002", "sources"]) == ["arxiv_snapshot.jsonl", "preprints.bib"]
    # Dimensions' row without an abstract still adds its source to the arXiv paper.
    assert list(by_arxiv.loc["0704.0008", "sources"]) == ["arxiv_snapshot.jsonl", "dimensions.csv"]
    assert reports[1].skipped == []
    assert [w.reason for w in reports[1].warnings] == [
        "title without an abstract; the abstract was taken from another file"
    ]


def test_openalex_json_and_csv_of_the_same_work_merge_and_lone_titles_are_skipped():
    papers, reports = parse_seeds(files("openalex.csv", "openalex_works.json"))
    assert len(papers) == 6  # 5 CSV rows with an abstract + "The state of OA"
    # "bibliometrix: An R-tool" has no abstract in either file: reported in both.
    assert [(i.file, i.line, i.record) for r in reports for i in r.skipped][-1] == (
        "openalex_works.json",
        None,
        1,
    )
    assert sum(len(r.skipped) for r in reports) == 4


def test_doi_spelled_as_a_link_and_title_with_other_case_are_the_same_paper():
    listing = (
        "SOIL FAUNA DIVERSITY AT DIFFERENT STAGES OF REED RESTORATION IN A LAKESHORE "
        "WETLAND AT LAKE TAIHU, CHINA\n" + "A listing abstract of the paper. " * 10
    )
    table = (
        "title,abstract,doi\nSoil fauna diversity (a re-export),Text of it.,"
        "https://doi.org/10.1080/20964129.2020.1722034\n"
    )
    papers, reports = parse_seeds(
        [*files("scopus.ris"), ("listing.txt", listing.encode()), ("mine.csv", table.encode())]
    )
    assert len(papers) == 3
    assert reports[1].merged_by["title"] == 1 and reports[2].merged_by["doi"] == 1
    soil = papers.set_index("doi").loc["10.1080/20964129.2020.1722034"]
    assert list(soil["sources"]) == ["scopus.ris", "listing.txt", "mine.csv"]
    # The title most records give, in mixed case rather than the listing's capitals:
    assert soil["title"].startswith("Soil fauna diversity at different stages")


def test_run_parse_writes_every_metadata_column_and_the_report_keys(tmp_path):
    paths = []
    for name in ("wos_savedrecs.txt", "scopus.ris", "conferences_alternating.txt"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
        paths.append(tmp_path / name)
    run_parse(paths, tmp_path / "papers.parquet", tmp_path / "report.json", {}, {})
    papers = pd.read_parquet(tmp_path / "papers.parquet")
    assert (
        list(papers.columns)
        == PAPER_COLUMNS
        == [
            "paper_id",
            "title",
            "abstract",
            "sources",
            "year",
            "date",
            "venue",
            "authors",
            "doi",
            "arxiv_id",
            "url",
            "keywords",
        ]
    )
    assert len(papers) == 5 + 8
    listing = papers[papers["sources"].map(lambda s: list(s) == ["conferences_alternating.txt"])]
    # A listing gives no metadata: empty, never invented.
    assert len(listing) == 8
    assert listing["year"].isna().all() and listing["doi"].isna().all()
    assert listing["authors"].map(len).eq(0).all() and listing["keywords"].map(len).eq(0).all()
    soil = papers[papers["title"] == SOIL_FAUNA].iloc[0]
    assert soil["year"] == 2020 and len(soil["authors"]) == 10
    report = json.loads((tmp_path / "report.json").read_text())
    assert {
        "files",
        "records",
        "unique_papers",
        "duplicates",
        "skipped",
        "warnings",
        "per_file",
        "merged_by",
    } <= set(report)
    assert report["merged_by"] == {"doi": 2, "arxiv_id": 0, "title": 0}
    assert report["duplicates"] == 2 and report["unique_papers"] == 13
    assert [(f["file"], f["format"], f["encoding"]) for f in report["per_file"]] == [
        ("wos_savedrecs.txt", "wos", "utf-8"),
        ("scopus.ris", "ris", "utf-8"),
        ("conferences_alternating.txt", "listing", "utf-8"),
    ]


def test_skipped_records_in_the_report_carry_file_line_reason_and_text(tmp_path):
    (tmp_path / "openalex.csv").write_bytes((FIXTURES / "openalex.csv").read_bytes())
    run_parse([tmp_path / "openalex.csv"], tmp_path / "p.parquet", tmp_path / "r.json", {}, {})
    skipped = json.loads((tmp_path / "r.json").read_text())["per_file"][0]["skipped"]
    assert skipped[0] == {
        "file": "openalex.csv",
        "line": 2,
        "reason": "title without an abstract",
        "text": "bibliometrix : An R-tool for comprehensive science mapping analysis",
        "record": 1,
        "scope": "record",
    }


def test_seed_paper_ids_are_still_the_sha1_of_their_titles():
    papers, _ = parse_seeds([(p.name, p.read_bytes()) for p in list_seed_files(REPO / "seeds")])
    assert (papers["paper_id"] == papers["title"].map(paper_id)).all()
    assert papers["paper_id"].iloc[0] == paper_id(papers["title"].iloc[0])
