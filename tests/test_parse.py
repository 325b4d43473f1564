"""The parser on every listing layout the seeds show, and on the bad inputs users bring."""

import json
from pathlib import Path

import pandas as pd
import pytest

from topics.errors import UserError
from topics.parse import (
    decode_lines,
    list_seed_files,
    normalise_title,
    paper_id,
    parse_listing,
    parse_seeds,
    run_parse,
)

REPO = Path(__file__).resolve().parents[1]

ABSTRACT_A = (
    "We study masked image modeling for vision transformers. Random patches are "
    "hidden and the network learns to predict their pixels, which yields strong "
    "representations for classification and detection."
)
ABSTRACT_B = (
    "Diffusion models generate images by reversing a noising process. We show that "
    "their intermediate features are useful representations for segmentation and "
    "classification without any fine-tuning."
)
ABSTRACT_C = (
    "Contrastive learning pulls augmented views of an image together and pushes "
    "other images apart. We analyse how the batch size and temperature shape the "
    "learned representation."
)


def lines_of(text: str) -> list[tuple[int, str]]:
    return decode_lines(text.encode("utf-8"), "f.txt")[0]


def titles_and_abstracts(text: str) -> list[tuple[str, str]]:
    records, _ = parse_listing(lines_of(text), "f.txt")
    return [(r.title, r.abstract) for r in records]


COMPACT = f"""Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeSimMIM: A Simple Framework for Masked Image Modeling
{ABSTRACT_A}
Diffusion Features for Free
{ABSTRACT_B}
"""

SPACED = f"""new

Get trending papers in your email inbox!

Subscribe

byAK and the research community

Mar 11

SimMIM: A Simple Framework for Masked Image Modeling

{ABSTRACT_A}

Diffusion Features for Free

{ABSTRACT_B}
"""


def test_compact_and_spaced_layouts_give_the_same_papers():
    expected = [
        ("SimMIM: A Simple Framework for Masked Image Modeling", ABSTRACT_A),
        ("Diffusion Features for Free", ABSTRACT_B),
    ]
    assert titles_and_abstracts(COMPACT) == expected
    assert titles_and_abstracts(SPACED) == expected


def test_page_chrome_never_becomes_a_paper():
    papers = titles_and_abstracts(SPACED)
    titles = " ".join(title for title, _ in papers)
    for chrome in ["Subscribe", "byAK", "Mar 11", "trending", "new"]:
        assert chrome not in titles.replace("Framework", "")


def test_subscribe_glued_to_the_first_title_is_removed_but_real_words_survive():
    text = (
        f"SubscribeCutPaste: Self-Supervised Learning\n{ABSTRACT_A}\n"
        f"Subscribers Prefer Short Titles\n{ABSTRACT_B}\n"
    )
    assert [t for t, _ in titles_and_abstracts(text)] == [
        "CutPaste: Self-Supervised Learning",
        "Subscribers Prefer Short Titles",
    ]


def test_abstract_starting_with_colon_space_is_an_abstract_without_the_colon():
    text = f"Deepfake Detection in the Wild\n: {ABSTRACT_C}\n"
    assert titles_and_abstracts(text) == [("Deepfake Detection in the Wild", ABSTRACT_C)]


def test_a_missing_abstract_does_not_shift_later_pairs():
    text = (
        f"Paper One\n{ABSTRACT_A}\nPaper Two Without Abstract\n"
        f"Paper Three\n{ABSTRACT_B}\nPaper Four\n{ABSTRACT_C}\n"
    )
    records, _ = parse_listing(lines_of(text), "f.txt")
    pairs = {r.title: r.abstract for r in records}
    assert pairs["Paper One"] == ABSTRACT_A
    assert pairs["Paper Three"] == ABSTRACT_B
    assert pairs["Paper Four"] == ABSTRACT_C
    assert pairs["Paper Two Without Abstract"] == ""


def test_title_without_abstract_is_reported_with_its_line_and_the_rest_kept():
    text = f"Paper One\n{ABSTRACT_A}\nLonely Title\nPaper Three\n{ABSTRACT_B}\n"
    papers, reports = parse_seeds([("a.txt", text.encode())])
    assert sorted(papers["title"]) == ["Paper One", "Paper Three"]
    assert [(i.file, i.line, i.reason) for i in reports[0].skipped] == [
        ("a.txt", 3, "title without an abstract")
    ]


def test_abstract_without_a_title_is_reported_not_paired():
    text = f"{ABSTRACT_C}\nPaper One\n{ABSTRACT_A}\n"
    papers, reports = parse_seeds([("a.txt", text.encode())])
    assert list(papers["title"]) == ["Paper One"]
    assert [(i.line, i.reason) for i in reports[0].skipped] == [(1, "abstract without a title")]


def test_duplicates_across_files_are_merged_with_all_sources_in_order():
    one = f"SimMIM: A Simple Framework\n{ABSTRACT_A}\nOther Paper\n{ABSTRACT_B}\n"
    two = f"simmim - a simple framework\n{ABSTRACT_A}\n"
    papers, reports = parse_seeds([("one.txt", one.encode()), ("two.txt", two.encode())])
    assert len(papers) == 2
    simmim = papers.iloc[0]
    assert list(simmim["sources"]) == ["one.txt", "two.txt"]
    assert reports[1].records == 1 and reports[1].duplicates == 1


def test_title_only_in_one_file_takes_its_abstract_from_another():
    one = f"Shared Paper\n{ABSTRACT_A}\n"
    two = f"Shared Paper\nAnother Paper\n{ABSTRACT_B}\n"
    papers, reports = parse_seeds([("one.txt", one.encode()), ("two.txt", two.encode())])
    shared = papers.set_index("title").loc["Shared Paper"]
    assert list(shared["sources"]) == ["one.txt", "two.txt"]
    assert reports[1].skipped == []


def test_paper_id_is_stable_and_ignores_case_punctuation_and_accents():
    assert paper_id("SimMIM: A Simple Framework") == paper_id("simmim - a simple framework")
    assert paper_id("Café Networks") == paper_id("cafe networks")
    assert paper_id("Paper A") != paper_id("Paper B")
    assert normalise_title("  Deep  Learning! ") == "deep learning"
    assert len(paper_id("x")) == 12


def test_invalid_utf8_line_is_read_and_reported_and_other_papers_kept():
    data = (
        b"Caf\xe9 Networks for Vision\n"
        + ABSTRACT_A.encode()
        + b"\n"
        + b"Clean Paper\n"
        + ABSTRACT_B.encode()
        + b"\n"
    )
    papers, reports = parse_seeds([("latin.txt", data)])
    assert sorted(papers["title"]) == ["Café Networks for Vision", "Clean Paper"]
    assert [(w.line, w.reason) for w in reports[0].warnings] == [
        (1, "not valid UTF-8; read as Windows-1252")
    ]


def test_binary_file_is_skipped_with_a_reason_and_other_files_still_parsed():
    papers, reports = parse_seeds(
        [("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ("ok.txt", COMPACT.encode())]
    )
    assert len(papers) == 2
    assert reports[0].skipped[0].reason.startswith("not a text file (binary content); remove it")


def test_empty_file_gives_no_papers_and_no_error():
    papers, reports = parse_seeds([("empty.txt", b""), ("ok.txt", COMPACT.encode())])
    assert len(papers) == 2 and reports[0].records == 0


def test_run_parse_writes_papers_and_report(tmp_path):
    (tmp_path / "a.txt").write_text(COMPACT + "Lonely Title\n", encoding="utf-8")
    papers = run_parse([tmp_path / "a.txt"], tmp_path / "papers.parquet", tmp_path / "r.json")
    assert len(pd.read_parquet(tmp_path / "papers.parquet")) == len(papers) == 2
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["unique_papers"] == 2 and report["skipped"] == 1
    assert report["per_file"][0]["skipped"][0]["line"] == 7


def test_run_parse_with_nothing_usable_stops_with_one_sentence_naming_the_files(tmp_path):
    (tmp_path / "chrome.txt").write_text("Subscribe\nnew\nMar 11\n", encoding="utf-8")
    expected = r"no papers found in the 1 input file\(s\) \(chrome.txt\)"
    with pytest.raises(UserError, match=expected):
        run_parse([tmp_path / "chrome.txt"], tmp_path / "p.parquet", tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["unique_papers"] == 0


def test_empty_or_missing_seeds_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="has no input files"):
        list_seed_files(tmp_path)
    with pytest.raises(UserError, match="does not exist"):
        list_seed_files(tmp_path / "nope")
    (tmp_path / ".hidden").write_text("x")
    with pytest.raises(UserError, match="has no input files"):
        list_seed_files(tmp_path)


def test_bundled_seed_corpus_parses_to_737_unique_papers():
    files = [(p.name, p.read_bytes()) for p in list_seed_files(REPO / "seeds")]
    papers, reports = parse_seeds(files)
    assert sum(r.records for r in reports) == 840
    assert len(papers) == 737
    assert papers["paper_id"].is_unique
    assert not papers["title"].str.startswith("Subscribe").any()
    assert (papers["abstract"].str.len() > 100).all()
    assert all(not r.skipped for r in reports)
