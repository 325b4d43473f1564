"""Every job imports only what it needs: light jobs never load torch, BERTopic or UMAP."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from defaults import DEFAULTS
from synthetic import write_intermediates

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("torch", "transformers", "sentence_transformers", "bertopic", "umap", "numba")


def modules_after(code: str) -> set[str]:
    """Top-level packages loaded by a fresh interpreter running `code`."""
    script = textwrap.dedent(code) + textwrap.dedent("""
        import json, sys
        print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
    """)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    [
        "topics.parse",
        "topics.cluster",
        "topics.report.tables",
        "topics.report.reading_lists",
        "topics.report.pages",
        "topics.centroids",
        "topics.logs",
        "topics.embed",
        "topics.label",
        "topics.reduce",
        "topics.metrics",
        "topics.themes",
        "topics.coherence",
        "topics.sweep",
        "topics.report.views",
    ],
)
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
        run_cluster([{str(tmp_path / "r.npy")!r}], {str(tmp_path / "c.npz")!r},
                    seeds=[42], need=None, **{DEFAULTS["hdbscan"]!r})
    """)
    assert loaded.isdisjoint({"torch", "transformers", "sentence_transformers", "bertopic"})


def test_page_job_loads_no_heavy_library(tmp_path):
    paths = write_intermediates(tmp_path)
    loaded = modules_after(f"""
        from topics.report.data import ReportPaths
        from topics.report.pages import run_pages
        from topics.report.views import FIGURE_VIEWS, PAGE_FILES
        d = {str(tmp_path)!r}
        run_pages(ReportPaths(*{[str(p) for p in paths]!r}),
                  [d + "/" + view.file for view in FIGURE_VIEWS],
                  [d + "/" + name for name in PAGE_FILES], d + "/plotly.min.js",
                  options={DEFAULTS["report"]!r})
    """)
    assert (tmp_path / "topic_similarity.html").exists()
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_snakemake_reads_the_workflow_without_plotly_pandas_or_jinja2():
    """What the Snakefile and its rules import while Snakemake parses them (every
    "from topics..." line of theirs) loads no figure, table or template library."""
    root = SRC.parent
    files = [root / "Snakefile", *sorted((root / "workflow" / "rules").glob("*.smk"))]
    imports = sorted({line.strip() for path in files for line in path.read_text().splitlines()
                      if line.strip().startswith(("from topics", "import topics"))})  # fmt: skip
    assert any("topics.sweep" in line for line in imports)
    loaded = modules_after("\n".join(imports))
    assert loaded.isdisjoint({*HEAVY, "plotly", "pandas", "matplotlib", "jinja2"}), loaded


def test_embedding_and_gathering_load_neither_pandas_nor_scikit_learn(tmp_path):
    """The embedding job reads its shard and gather_embeddings the papers' texts with
    pyarrow alone, and sentence-transformers comes without scikit-learn: none of these
    jobs uses pandas or scikit-learn, whose imports took longer than gathering itself."""
    import numpy as np
    import pandas as pd

    from topics.shards import run_split

    pd.DataFrame({"title": ["A", "B"], "abstract": ["x", "y"]}).to_parquet(tmp_path / "p.parquet")
    run_split(tmp_path / "p.parquet", tmp_path / "shards", shard_size=10)
    loaded = modules_after(f"""
        import numpy as np
        from topics.files import read_shard_texts, write_shard_vectors
        from topics.shards import run_gather
        from topics.startup import import_sentence_transformers
        import_sentence_transformers()
        d = {str(tmp_path)!r}
        keys, texts = read_shard_texts(d + "/shards/shard-0000.parquet")
        write_shard_vectors(keys, np.eye(2, dtype=np.float32), d + "/v.npz")
        run_gather(d + "/p.parquet", [d + "/v.npz"], d + "/e.npy")
    """)
    np.testing.assert_array_equal(np.load(tmp_path / "e.npy"), np.eye(2, dtype=np.float32))
    assert "sentence_transformers" in loaded
    assert loaded.isdisjoint({"pandas", "sklearn"}), sorted(loaded & {"pandas", "sklearn"})
