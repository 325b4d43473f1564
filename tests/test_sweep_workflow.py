"""End to end: Snakemake on a tiny corpus in a copy of the repository (slow)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = "002_278965dfa2f33ff2.txt"  # one listing file: about 120 papers


def make_copy(where: Path, overrides: dict) -> Path:
    """The workflow, one seed file and the embedding cache (no model load) in `where`."""
    for name in ["Snakefile", "config.yaml"]:
        shutil.copy(ROOT / name, where / name)
    for name in ["workflow", "profiles"]:
        shutil.copytree(ROOT / name, where / name)
    (where / "seeds").mkdir()
    shutil.copy(ROOT / "seeds" / SEEDS, where / "seeds" / SEEDS)
    if (ROOT / ".cache" / "embeddings").is_dir():
        shutil.copytree(ROOT / ".cache" / "embeddings", where / ".cache" / "embeddings")
    (where / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    return where


def snakemake(where: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])
        ),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--quiet",
            "--configfile",
            "overrides.yaml",
        ],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def sweep_run(tmp_path_factory) -> Path:
    where = make_copy(
        tmp_path_factory.mktemp("sweep"),
        {
            "hdbscan": {"min_cluster_size": 5},
            "consensus": {"throws": 2},
            "sweep": {"hdbscan.min_cluster_size": [5, 8]},
        },
    )
    snakemake(where)
    return where


@pytest.mark.slow
def test_two_value_sweep_gives_two_folders_and_a_two_row_summary(sweep_run):
    sweep = sweep_run / "results" / "sweep"
    for name in ["hdbscan.min_cluster_size=5", "hdbscan.min_cluster_size=8"]:
        metrics = json.loads((sweep / name / "metrics.json").read_text())
        assert metrics["papers"] > 100
    summary = pd.read_csv(sweep / "summary.csv")
    assert summary["hdbscan.min_cluster_size"].tolist() == [5, 8]
    assert summary["balanced"].any()
    assert "Parameter sweep" in (sweep / "index.html").read_text()


@pytest.mark.slow
def test_every_run_writes_metrics_stability_and_reassignment(sweep_run):
    results = sweep_run / "results"
    metrics = json.loads((results / "metrics.json").read_text())
    for key in [
        "topics",
        "outlier_share_before",
        "outlier_share",
        "largest_topic_share",
        "npmi",
        "c_v",
        "diversity",
        "silhouette",
        "label_uniqueness",
        "stability_ari",
    ]:
        assert key in metrics
    assert metrics["outlier_share"] <= metrics["outlier_share_before"]
    # Topics of two throws: the papers they disagree on are the outliers before reassignment.
    assert metrics["throws"] == 2 and metrics["stability_seeds"] == [42, 1_000_042]
    assert metrics["consensus_outliers"] == round(
        metrics["outlier_share_before"] * metrics["papers"]
    )
    # The sweep's min_cluster_size=5 combination is the main run's own settings, its topics
    # agreed by the same throws.
    same = json.loads(
        (results / "sweep" / "hdbscan.min_cluster_size=5" / "metrics.json").read_text()
    )
    assert same["npmi"] == metrics["npmi"] and same["topics"] == metrics["topics"]
    topics = pd.read_csv(results / "topics.csv")
    assert topics.loc[topics["topic_id"] != -1, "stability"].between(0, 1).all()
    papers = pd.read_csv(results / "papers.csv")
    assert papers["reassigned"].sum() == metrics["reassigned"]
    # Each paper's agreement: a share of the two throws, empty for those they left out.
    agreement = papers["agreement"]
    assert agreement.dropna().isin([0.5, 1.0]).all()
    assert agreement.isna().sum() == metrics["consensus_outliers"]
    assert agreement[papers["reassigned"]].isna().all()
    assert "Quality" in (results / "index.html").read_text()


@pytest.mark.slow
def test_same_seed_twice_gives_identical_papers_csv(sweep_run, tmp_path):
    again = make_copy(tmp_path, {"hdbscan": {"min_cluster_size": 5}, "consensus": {"throws": 2}})
    snakemake(again)
    first = (sweep_run / "results" / "papers.csv").read_bytes()
    assert (again / "results" / "papers.csv").read_bytes() == first
