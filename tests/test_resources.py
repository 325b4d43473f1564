"""What jobs ask a scheduler for: enough memory for the measured peaks, never wildly more."""

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topics.resources import (
    ALIKE,
    MIN_RUNTIME_MIN,
    PER_1000_PAPERS,
    embed_resources,
    job_resources,
    papers_in,
    stage_cost,
)

ROOT = Path(__file__).resolve().parents[1]
SCALE = ROOT / "benchmarks" / "SCALE.md"
RULES = ROOT / "workflow" / "rules"
# Rules whose inputs the workflow names by a function (of the throws' seeds, of the
# wildcards), not a path: the reductions that reduce_umap(_seed, _sweep) write, .npy arrays.
INPUTS_BY_FUNCTION = {"cluster_hdbscan", "cluster_hdbscan_sweep"}
# Rules whose work does not grow with the corpus: one metrics.json per combination.
NOT_CORPUS_SIZED = {"summarize_sweep"}


def measured_peaks() -> list[tuple[str, int, float, float]]:
    """(stage, papers, seconds, peak MB) of every cell of benchmarks/SCALE.md's table."""
    lines = SCALE.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| stage |"))
    sizes = [int(cell.replace(",", "").split()[0]) for cell in header.split("|")[2:-2]]
    peaks = []
    for line in lines[lines.index(header) + 2 :]:
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if not line.startswith("| ") or cells[0] not in PER_1000_PAPERS:
            continue
        for size, cell in zip(sizes, cells[1:], strict=False):
            seconds, mb = re.match(r"([\d.]+) s / (\d+) MB", cell).groups()
            peaks.append((cells[0], size, float(seconds), float(mb)))
    return peaks


def write_embeddings(path: Path, papers: int) -> None:
    np.save(path, np.zeros((papers, 4), dtype=np.float32))


def test_every_measured_stage_gets_its_peak_with_room_and_at_most_three_times_it(tmp_path):
    peaks = measured_peaks()
    assert {stage for stage, *_ in peaks} == set(PER_1000_PAPERS)
    for stage, papers, seconds, peak_mb in peaks:
        write_embeddings(tmp_path / "e.npy", papers)
        mem_mb, minutes = job_resources(stage, [tmp_path / "papers.parquet", tmp_path / "e.npy"])
        assert 1.2 * peak_mb <= mem_mb <= 3 * peak_mb, (stage, papers, peak_mb, mem_mb)
        assert 2 * seconds <= 60 * minutes, (stage, papers, seconds, minutes)


def test_memory_grows_with_the_corpus_and_time_never_drops_below_the_floor(tmp_path):
    write_embeddings(tmp_path / "small.npy", 737)
    write_embeddings(tmp_path / "large.npy", 1_000_000)
    small = job_resources("label_topics", [tmp_path / "small.npy"])
    large = job_resources("label_topics", [tmp_path / "large.npy"])
    assert small[0] < 1000 and small[1] == MIN_RUNTIME_MIN
    # A million papers: more than 100k's 2 GB ten times over, and within a 64 GB node.
    assert 20_000 < large[0] < 64_000 and large[1] > 60


@pytest.mark.parametrize("stage", sorted(ALIKE))
def test_every_stage_without_figures_borrows_a_measured_one(stage):
    assert ALIKE[stage] in PER_1000_PAPERS


def test_the_corpus_size_is_read_from_the_papers_table_or_the_first_array(tmp_path):
    write_embeddings(tmp_path / "e.npy", 123)
    write_embeddings(tmp_path / "tree.npy", 7)
    assert papers_in([tmp_path / "p.parquet", tmp_path / "e.npy", tmp_path / "tree.npy"]) == 123
    write_table(tmp_path / "papers.parquet", 456)
    assert papers_in([tmp_path / "tree.npy", tmp_path / "papers.parquet"]) == 456
    assert papers_in([tmp_path / "missing.npy", tmp_path / "missing" / "papers.parquet"]) == 0


def write_table(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"paper_id": np.arange(rows)}).to_parquet(path)


def declared_inputs() -> dict[str, list[str]]:
    """Rule -> the input paths it declares, for every rule whose resources scale with the
    corpus (scaled_mem_mb, or naming_mem_mb, which adds a language model's ask to it), read
    from workflow/rules/*.smk; REPORT_INPUTS and MODEL_FIT (common.smk) spelt out, wildcards
    filled with "x"."""
    common = (RULES / "common.smk").read_text(encoding="utf-8")
    shared = {
        name: ast.literal_eval(re.search(rf"^{name} = (\{{.*?^\}})", common, re.S | re.M)[1])
        for name in ["REPORT_INPUTS", "MODEL_FIT"]
    }
    rules = {}
    for path in sorted(RULES.glob("*.smk")):
        text = path.read_text(encoding="utf-8")
        for name, body in re.findall(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", text, re.S | re.M):
            if "scaled_mem_mb" not in body and "naming_mem_mb" not in body:
                continue
            block = re.search(r"^    input:\n(.*?)^    \w+:", body, re.S | re.M)[1]
            paths = re.findall(r'"(results/[^"]+)"', block)
            for key, files in shared.items():
                if key in block:
                    paths += files.values()
            rules[name] = [re.sub(r"\{+\w+\}+", "x", p) for p in paths]
    return rules


def test_every_rule_asks_for_what_its_declared_inputs_hold(tmp_path):
    """Every rule as the workflow declares it: with its inputs holding 100,000 papers, its
    ask is the one for 100,000 papers, whichever kinds of file those inputs are."""
    papers = 100_000
    write_embeddings(tmp_path / "embeddings.npy", papers)
    rules = declared_inputs()
    assert {"measure_trends", "label_topics", "plot_topic_pages"} <= set(rules)
    for rule, paths in rules.items():
        unit = stage_cost(rule)[1]
        if rule in INPUTS_BY_FUNCTION | NOT_CORPUS_SIZED or unit != "papers":
            continue
        files = [tmp_path / rule / path for path in paths]
        for file in files:
            if file.name == "papers.parquet":
                write_table(file, papers)
            elif file.suffix == ".npy":
                file.parent.mkdir(parents=True, exist_ok=True)
                # A paper per row, but for the theme tree (a row per pair of topics joined).
                rows = 99 if file.name == "theme_tree.npy" else papers
                write_embeddings(file, rows)
        expected = job_resources(rule, [tmp_path / "embeddings.npy"])
        assert job_resources(rule, files) == expected, (rule, paths)
        assert expected != job_resources(rule, []), rule


def test_stages_before_the_embeddings_scale_with_their_input_files(tmp_path):
    (tmp_path / "seeds.txt").write_bytes(b"x" * 100_000_000)
    small = job_resources("parse_seeds", [])
    large = job_resources("parse_seeds", [tmp_path / "seeds.txt"])
    assert small[0] < 1000 < large[0]


def test_embedding_memory_follows_the_model_copies_and_time_the_texts_per_core():
    # Measured: 978 MB peak for the 737 seed papers on 2 cores (benchmarks/RESULTS.md).
    assert 1.2 * 978 <= embed_resources(737, 2)[0] <= 3 * 978
    assert embed_resources(10_000, 8)[0] > embed_resources(10_000, 2)[0]
    assert embed_resources(100_000, 1)[1] > embed_resources(100_000, 8)[1]
