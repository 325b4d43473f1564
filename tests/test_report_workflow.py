"""The report rules of the Snakemake workflow, run on synthetic intermediate files.

Upstream outputs (parse, embed, UMAP, HDBSCAN, labels) are written here with increasing
modification times, so Snakemake runs only the report stage: this checks the rules and
their thin scripts wire every view into results/ without running the models.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from synthetic import synthetic_report, write_intermediates

from topics.files import write_neighbours
from topics.report.views import VIEWS

REPO = Path(__file__).resolve().parents[1]
OUTPUTS = [view.file for view in VIEWS] + [
    "topic_map.png",
    "plotly.min.js",
    "papers.csv",
    "topics.csv",
]


def stamp(path: Path, when: float) -> None:
    os.utime(path, (when, when))


@pytest.mark.slow
def test_report_rules_write_every_view_from_intermediate_files(tmp_path):
    for name in ["Snakefile", "config.yaml"]:
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "workflow", tmp_path / "workflow")
    clock = 1_700_000_000.0
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ["a.txt", "b.txt"]:
        (seeds / name).write_text("A title\nAn abstract that says something.\n")
        stamp(seeds / name, clock)
    inter = tmp_path / "results" / "intermediate"
    inter.mkdir(parents=True)
    report, embeddings = synthetic_report()
    papers, topics = report.papers, report.topics
    paths = write_intermediates(inter, report)
    written = [
        (
            tmp_path / "results" / "parse_report.json",
            lambda p: p.write_text(
                json.dumps(
                    {
                        "files": 2,
                        "records": len(papers),
                        "unique_papers": len(papers),
                        "duplicates": 0,
                        "skipped": 0,
                        "warnings": 0,
                        "per_file": [
                            {
                                "file": n,
                                "records": 1,
                                "duplicates": 0,
                                "skipped": [],
                                "warnings": [],
                            }
                            for n in ["a.txt", "b.txt"]
                        ],
                    }
                )
            ),
        ),
        (paths.papers, None),
        (inter / "embeddings.npy", lambda p: np.save(p, embeddings.astype(np.float32))),
        (inter / "umap_cluster.npy", lambda p: np.save(p, papers[["x", "y"]].to_numpy())),
        (inter / "umap_neighbours.npz", lambda p: write_neighbours(None, p)),
        *(
            (path, None)
            for path in [
                paths.clusters,
                paths.topics,
                paths.assignments,
                paths.coords,
                paths.themes,
                paths.theme_tree,
                paths.trend_counts,
                paths.trends,
                paths.stability,
                paths.neighbours,
            ]
        ),
    ]
    # The fitted models a full run keeps beside its intermediates (stand-ins: only
    # save_model, which reads none of them, runs after them).
    for name in ["umap_cluster.pkl", "hdbscan.pkl", "umap_map.pkl"]:
        written.append((tmp_path / "results" / "model" / name, lambda p: p.write_bytes(b"")))
    for step, (path, write) in enumerate(written, start=1):
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path)
        stamp(path, clock + 10 * step)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--rerun-triggers",
            "mtime",
            "--config",
            "seeds_dir=seeds",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    ran = {
        line.split()[-1].rstrip(":")
        for line in run.stderr.splitlines()
        if line.startswith(("rule ", "localrule "))
    }
    assert {"write_tables", "plot_topic_pages", "plot_static_map", "write_index"} <= ran, ran
    assert not ran & {
        "parse_seeds",
        "embed_papers",
        "reduce_umap",
        "reduce_umap_throws",
        "cluster_hdbscan",
        "label_topics",
        "derive_themes",
        "reduce_umap_map",
        "measure_trends",
        "find_neighbours",
    }, ran
    results = tmp_path / "results"
    for name in OUTPUTS:
        assert (results / name).stat().st_size > 0, name
    index = (results / "index.html").read_text(encoding="utf-8")
    for view in VIEWS:
        assert f'href="{view.file}"' in index, view.file
    assert 'href="topic_map.html#topic=2"' in index
    assert (results / "topic_map.png").read_bytes()[:4] == b"\x89PNG"
    assert len(list((results / "topics").glob("*.md"))) == len(topics)
    assert len(list((results / "topics").glob("*.bib"))) == len(topics)
    assert (results / "paper_neighbours.csv").stat().st_size > 0
