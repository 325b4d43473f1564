"""The map page's data against its written contract (static/map/map_data.schema.json).

The page's side of the contract (that the script decodes what is packed as the contract
says, and refuses data that breaks it) is tested in a browser: tests/test_pages_browser.py.
"""

import base64
import gzip
import json

import jsonschema
import pytest
from synthetic import EVIL_TITLE, synthetic_report

from topics.report.bibtex import citation_keys
from topics.report.map_data import CONTRACT, abstracts_script, map_data, pack, paper_columns

SCHEMA = json.loads(CONTRACT.read_text(encoding="utf-8"))
PAPERS_SCHEMA = {**SCHEMA, "$ref": "#/$defs/papers"}
for key in ["required", "properties", "additionalProperties", "type"]:
    PAPERS_SCHEMA.pop(key)


def unpack(text: str):
    return json.loads(gzip.decompress(base64.b64decode(text)))


def validate(value, schema) -> None:
    jsonschema.Draft202012Validator(schema).validate(value)


@pytest.mark.parametrize("size", [(60, 2, 2), (400, 3, 4)])
def test_what_is_packed_is_what_the_contract_says(size):
    n_papers, n_themes, per_theme = size
    report, _ = synthetic_report(n_papers, n_themes=n_themes, topics_per_theme=per_theme)
    data = map_data(report)
    validate(data, SCHEMA)
    papers = unpack(data["papers"])
    validate(papers, PAPERS_SCHEMA)
    assert all(len(column) == data["count"] == n_papers for column in papers.values())
    # Every column the contract names is packed, and nothing else.
    assert set(papers) == set(SCHEMA["$defs"]["papers"]["properties"])


def test_the_contract_refuses_what_the_script_could_not_read():
    report, _ = synthetic_report()
    papers = paper_columns(report.papers)
    bad = [
        {k: v for k, v in papers.items() if k != "venue"},  # a column missing
        {**papers, "year": [2020.0] * len(papers["year"])},  # a year not as digits
        {**papers, "added": [True] * len(papers["added"])},  # a flag not 0 or 1
        {**papers, "doi": [None] * len(papers["doi"])},  # missing text as null
        {**papers, "neighbours": [["p1"]] * len(papers["doi"])},  # an id, not a row
        {**papers, "key": ["Lovelace 2021"] * len(papers["doi"])},  # not a BibTeX key
    ]
    for columns in bad:
        with pytest.raises(jsonschema.ValidationError):
            validate(columns, PAPERS_SCHEMA)
    data = map_data(report)
    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "papers": pack(papers), "extra": 1}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "topics": [{**data["topics"][0], "colour": "red"}]}, SCHEMA)


def test_map_data_carries_the_papers_compactly_and_text_as_data():
    report, _ = synthetic_report()
    data = map_data(report)
    papers = unpack(data["papers"])
    assert papers["title"][4] == EVIL_TITLE and len(papers["title"]) == data["count"] == 60
    assert papers["topic"] == report.papers["topic_id"].tolist()
    assert papers["link"][0] == "https://doi.org/10.1000/p0" and papers["link"][2] == ""
    assert [t["id"] for t in data["themes"]] == report.themes["theme_id"].tolist()
    assert {t["id"] for t in data["topics"]} == set(report.topics["topic_id"]) - {-1}
    theme = data["themes"][0]
    assert theme["topics"] == list(report.themes["topics"].iloc[0])
    # Each paper's nearest papers as rows, most similar first, and the .bib files' keys.
    assert papers["neighbours"] == report.papers["neighbours"].tolist()
    assert all(len(rows) == 5 and i not in rows for i, rows in enumerate(papers["neighbours"]))
    assert all(s == sorted(s, reverse=True) for s in papers["similarity"])
    assert papers["key"] == [citation_keys(report.papers)[p] for p in report.papers["paper_id"]]
    abstracts = unpack(abstracts_script(report).split('"')[1])
    assert abstracts == report.papers["abstract"].tolist()
