"""Every job imports only what it needs: light jobs never load torch, BERTopic or UMAP."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from synthetic import write_page_inputs

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("torch", "transformers", "sentence_transformers", "bertopic", "umap", "numba")


def modules_after(code: str) -> set[str]:
    """Top-level packages loaded by a fresh interpreter running `code`."""
    script = textwrap.dedent(code) + textwrap.dedent("""
        import json, sys
        print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
    """)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, check=True, timeout=300)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", ["topics.parse", "topics.cluster", "topics.tables",
                                    "topics.reading_lists", "topics.pages", "topics.centroids",
                                    "topics.logs", "topics.embed", "topics.label",
                                    "topics.reduce", "topics.metrics", "topics.coherence"])
def test_importing_a_stage_loads_no_heavy_library(module):
    loaded = modules_after(f"import {module}")
    assert loaded.isdisjoint(HEAVY), f"{module} imports {sorted(loaded & set(HEAVY))}"


def test_clustering_job_loads_neither_torch_nor_bertopic(tmp_path):
    loaded = modules_after(f"""
        import numpy as np
        from topics.cluster import run_cluster
        rng = np.random.default_rng(0)
        points = np.concatenate([rng.normal(c, 0.1, size=(30, 5)) for c in (0, 3, 6)])
        np.save({str(tmp_path / "r.npy")!r}, points.astype(np.float32))
        run_cluster({str(tmp_path / "r.npy")!r}, {str(tmp_path / "c.npz")!r})
    """)
    assert loaded.isdisjoint({"torch", "transformers", "sentence_transformers", "bertopic"})


def test_page_job_loads_no_heavy_library(tmp_path):
    write_page_inputs(tmp_path)
    pages = ["topic_map", "intertopic_map", "topic_hierarchy", "topic_similarity", "top_terms",
             "topic_sources"]
    outputs = {name: str(tmp_path / f"{name}.html") for name in pages}
    loaded = modules_after(f"""
        from topics.pages import run_topic_pages
        d = {str(tmp_path)!r}
        run_topic_pages(d + "/papers.csv", d + "/topics.csv", d + "/topics.parquet",
                        d + "/embeddings.npy", plotly_js=d + "/plotly.min.js", **{outputs!r})
    """)
    assert (tmp_path / "topic_similarity.html").exists()
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_labelling_imports_bertopic_without_torch_umap_or_hdbscan():
    loaded = modules_after("""
        from topics.imports import import_bertopic
        import_bertopic()
    """)
    assert "bertopic" in loaded
    assert loaded.isdisjoint({"torch", "transformers", "sentence_transformers", "umap",
                              "hdbscan"})


def test_hidden_modules_import_again_afterwards():
    loaded = modules_after("""
        from topics.imports import without_modules
        with without_modules(["os", "colorsys"]):
            try:
                import colorsys
            except ModuleNotFoundError:
                pass
            else:
                raise SystemExit("colorsys was importable while hidden")
            import os  # already imported before: stays importable
        import colorsys
    """)
    assert "colorsys" in loaded
