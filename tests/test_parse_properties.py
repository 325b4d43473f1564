"""Properties of the readers over damaged variants of the real exports (hypothesis).

Each example takes one real fixture and damages it as files get damaged: cut short, bytes
overwritten, line endings changed, quotes, braces, commas and brackets dropped in. Whatever
the damage, nothing escapes parse_seeds but the one documented stop (a table whose columns
cannot be recognised), and every record a file yields is kept, merged or reported. The
examples are derandomized, so CI runs the same ones every time.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topics.errors import UserError
from topics.parse import parse_seeds
from topics.readers import read_input

FIXTURES = Path(__file__).parent / "fixtures"
REAL = sorted(p for p in (FIXTURES / "inputs").iterdir() if p.suffix != ".md")
AWKWARD = sorted(p for p in (FIXTURES / "awkward").iterdir() if p.suffix != ".md")
SOURCES = {path.name: path.read_bytes() for path in REAL + AWKWARD}
GOOD = (FIXTURES / "awkward" / "good.ris").read_bytes()
EXAMPLES = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
INSERTS = [b'"', b"{", b"}", b",", b"[", b"]", b"\t", b"\n", b"\r", b"@", b"&amp;", b"<i>"]


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SOURCES)))
    data = SOURCES[name]
    kind = draw(st.sampled_from(["truncate", "overwrite", "endings", "inject"]))
    if kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "overwrite":
        at = draw(st.integers(0, len(data)))
        noise = draw(st.binary(min_size=1, max_size=64))
        data = data[:at] + noise + data[at + len(noise) :]
    elif kind == "endings":
        ending = draw(st.sampled_from([b"\r", b"\r\n", b"\n"]))
        data = data.replace(b"\r\n", b"\n").replace(b"\n", ending)
    else:
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from(INSERTS)) + data[at:]
    return name, data


def entries(read) -> int:
    """What a reader yields of one file: records, and entries it reported as unusable."""
    return len(read.records) + sum(issue.scope == "record" for issue in read.skipped)


@EXAMPLES
@given(damaged())
def test_no_exception_escapes_and_every_record_is_kept_merged_or_reported(example):
    name, data = example
    try:
        papers, reports = parse_seeds([("good.ris", GOOD), (name, data)])
    except UserError as error:  # the documented stop, and only for a table's header
        assert str(error).startswith(f"{name}: cannot tell which column holds each paper's")
        return
    assert papers["paper_id"].is_unique
    assert sum(report.kept for report in reports) == len(papers)
    read, _ = read_input(name, data)
    assert reports[1].records == entries(read)
    for report in reports:
        assert report.records == report.kept + report.duplicates + report.skipped_records()
        assert all(issue.reason for issue in report.skipped + report.warnings)
    assert reports[0].kept == 2  # the good file's papers are all there


@pytest.mark.parametrize("name", sorted(SOURCES))
@pytest.mark.parametrize("ending", [b"\r", b"\r\n"])
def test_every_line_ending_reads_the_same_records_in_every_format(name, ending):
    data = SOURCES[name]
    flipped = data.replace(b"\r\n", b"\n").replace(b"\n", ending)
    original, _ = read_input(name, data.replace(b"\r\n", b"\n"))
    again, _ = read_input(name, flipped)
    assert [(r.title, r.abstract, r.line) for r in again.records] == [
        (r.title, r.abstract, r.line) for r in original.records
    ]
    assert len(again.skipped) == len(original.skipped)
