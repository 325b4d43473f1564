"""Embedding in shards: a stable split, a gather in the papers' order, the same vectors as
one job, and a run killed during embedding resuming from the shards it finished."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from defaults import EMBEDDING
from test_workflow import make_project
from vectors import assert_same_vectors

from topics.embed import embed_texts, paper_texts, text_key
from topics.files import read_shard_texts, write_shard_vectors
from topics.shards import (
    fingerprint,
    gather,
    run_embed_shard,
    run_split,
    shard_count,
    shard_of,
    split_texts,
    texts_in_shard,
)

TEXTS = [f"Paper {i}. An abstract about topic {i % 3} with some words." for i in range(20)]
PARAMS = {**EMBEDDING, "cache_dir": None}


def papers_table(texts):
    titles, abstracts = zip(*(text.split(". ", 1) for text in texts), strict=True)
    return pd.DataFrame({"title": titles, "abstract": abstracts})


def test_shards_are_a_power_of_two_holding_at_most_shard_size_on_average():
    assert [shard_count(n, 10) for n in [0, 1, 10, 11, 20, 21, 40, 41]] == [1, 1, 1, 2, 2, 4, 4, 8]


def test_adding_texts_moves_no_text_to_another_shard_until_the_shards_double():
    texts = [f"Paper {i}. About {i % 7}." for i in range(300)]
    before = split_texts(texts, 100)
    after = split_texts([*texts, *(f"New {i}. Added later." for i in range(50))], 100)
    assert len(before) == len(after) == 4
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    for old, new in zip(before, after, strict=True):
        assert old.items() <= new.items()  # every text stays in its shard
    assert len(changed) <= 4
    # Doubling splits each shard in two: shard i of 4 becomes shards 2i and 2i + 1 of 8.
    for key in before[1]:
        assert shard_of(key, 8) in (2, 3)


def test_a_text_given_twice_is_embedded_once():
    shards = split_texts(["A. b", "A. b", "C. d"], 10)
    assert sum(len(shard) for shard in shards) == 2


def test_sharded_vectors_gathered_equal_one_job_in_the_papers_order(tmp_path, counting_model):
    texts = [*TEXTS, TEXTS[3]]  # one text twice: both papers get its vector
    papers = papers_table(texts)
    papers.to_parquet(tmp_path / "papers.parquet")
    shards = run_split(tmp_path / "papers.parquet", tmp_path / "shards", shard_size=3)
    assert shards == 8
    names = sorted(path.stem for path in (tmp_path / "shards").glob("*.parquet"))
    assert len(names) == 8
    vector_paths = []
    for name in names:
        keys, _ = read_shard_texts(tmp_path / "shards" / f"{name}.parquet")
        assert texts_in_shard(tmp_path / "shards" / f"{name}.sha1") == len(keys)
        assert (tmp_path / "shards" / f"{name}.sha1").read_text() == fingerprint(keys)
        run_embed_shard(
            tmp_path / "shards" / f"{name}.parquet",
            tmp_path / f"{name}.npz",
            threads=None,
            **PARAMS,
        )
        vector_paths.append(tmp_path / f"{name}.npz")
    gathered = gather(tmp_path / "papers.parquet", vector_paths[::-1])  # any order of shards
    whole = embed_texts(paper_texts(papers), threads=None, **PARAMS)
    np.testing.assert_array_equal(gathered, whole)
    assert len(counting_model) == 2 * len(TEXTS)  # each distinct text once per way


def test_a_paper_without_a_vector_is_a_bug_that_says_so(tmp_path, counting_model):
    papers_table(TEXTS[:4]).to_parquet(tmp_path / "papers.parquet")
    run_split(tmp_path / "papers.parquet", tmp_path / "shards", shard_size=100)
    papers_table(TEXTS[:5]).to_parquet(tmp_path / "papers.parquet")
    run_embed_shard(
        tmp_path / "shards" / "shard-0000.parquet", tmp_path / "0.npz", threads=None, **PARAMS
    )
    with pytest.raises(ValueError, match="1 papers have no vector"):
        gather(tmp_path / "papers.parquet", [tmp_path / "0.npz"])


@pytest.mark.slow
def test_real_model_sharded_vectors_are_bit_identical_to_one_job(tmp_path):
    texts = [
        "Masked image modeling. Vision transformers learn by predicting hidden image patches.",
        "Protein structure prediction. Deep networks predict how amino acid chains fold.",
        "Graph neural networks. " + "Message passing on graphs of molecules. " * 12,
        "Diffusion models. Denoising generates images step by step.",
        "Speech recognition. Transformers transcribe audio into text in many languages.",
    ]
    papers = papers_table(texts)
    papers.to_parquet(tmp_path / "papers.parquet")
    params = {**PARAMS, "device": "cpu", "precision": "bfloat16"}
    run_split(tmp_path / "papers.parquet", tmp_path / "shards", shard_size=2)
    paths = []
    for part in sorted((tmp_path / "shards").glob("*.parquet")):
        run_embed_shard(part, tmp_path / f"{part.stem}.npz", threads=1, **params)
        paths.append(tmp_path / f"{part.stem}.npz")
    assert len(paths) == 4
    sharded = gather(tmp_path / "papers.parquet", paths)
    # A shard embedded again gives the same bytes.
    again = []
    for part in sorted((tmp_path / "shards").glob("*.parquet")):
        again.append(tmp_path / f"again-{part.stem}.npz")
        run_embed_shard(part, again[-1], threads=1, **params)
    np.testing.assert_array_equal(gather(tmp_path / "papers.parquet", again), sharded)
    assert_same_vectors(sharded, embed_texts(paper_texts(papers), threads=2, **params))


def embed_log_counts(root: Path) -> dict[str, tuple[int, int, int]]:
    """Shard -> (texts, from the cache, embedded) from each shard's embed log."""
    counts = {}
    for log in sorted((root / "results" / "logs" / "embed_papers").glob("*.log")):
        found = re.search(
            r"(\d+) texts: (\d+) from the cache, (\d+) to embed", log.read_text(encoding="utf-8")
        )
        if found:
            counts[log.stem] = tuple(map(int, found.groups()))
    return counts


@pytest.mark.slow
def test_a_run_killed_during_embedding_resumes_from_the_finished_shards(tmp_path):
    """kill -9 of Snakemake and its jobs after some shards finished, --unlock, rerun: the
    finished shards are not embedded again, and the embeddings equal one uninterrupted job."""
    make_project(tmp_path)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    config["embedding"]["shard_size"] = 12  # 79 papers: 8 shards
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    target = "results/intermediate/embeddings.npy"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "snakemake", "--cores", "2", target]
    shards = tmp_path / "results" / "intermediate" / "embeddings"
    with open(tmp_path / "killed.log", "w") as out:
        run = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while len(list(shards.glob("*.npz"))) < 3 and run.poll() is None:
            assert time.monotonic() < deadline, "no shard finished in 5 minutes"
            time.sleep(0.2)
        os.killpg(run.pid, signal.SIGKILL)  # Snakemake and the embedding job in flight
        run.wait()
    finished = {path.stem: path.stat().st_mtime_ns for path in shards.glob("*.npz")}
    assert 3 <= len(finished) < 8, finished
    assert not (tmp_path / target).exists()
    before = embed_log_counts(tmp_path)

    unlock = subprocess.run([*command, "--unlock"], cwd=tmp_path, env=env, capture_output=True)
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    rerun = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-3000:]

    after = embed_log_counts(tmp_path)
    assert len(after) == 8
    for shard, mtime in finished.items():
        assert (shards / f"{shard}.npz").stat().st_mtime_ns == mtime, shard
        assert after[shard] == before[shard], shard  # its log was not written again
    rerun_shards = set(after) - set(finished)
    assert rerun_shards and f"shard={min(rerun_shards).removeprefix('shard-')}" in rerun.stderr
    for shard in set(finished):
        assert f"shard={shard.removeprefix('shard-')}" not in rerun.stderr
    # Every text was embedded once: the finished shards' in the first run only.
    assert all(after[shard][1] == 0 for shard in finished)
    papers = pd.read_parquet(tmp_path / "results" / "intermediate" / "papers.parquet")
    params = {**config["embedding"], "cache_dir": None}
    del params["shard_size"]
    # The shards embedded uninterrupted give the same bytes.
    reference = []
    for part in sorted((tmp_path / "results" / "intermediate" / "shards").glob("*.parquet")):
        keys, texts = read_shard_texts(part)
        reference.append(tmp_path / f"reference-{part.stem}.npz")
        write_shard_vectors(keys, embed_texts(texts, threads=2, **params), reference[-1])
    papers_path = tmp_path / "results" / "intermediate" / "papers.parquet"
    np.testing.assert_array_equal(np.load(tmp_path / target), gather(papers_path, reference))
    whole = embed_texts(paper_texts(papers), threads=2, **params)
    assert_same_vectors(np.load(tmp_path / target), whole)
    distinct = len({text_key(text) for text in paper_texts(papers)})
    assert sum(texts for texts, _, _ in after.values()) == distinct
    assert sum(cached + embedded for _, cached, embedded in after.values()) == distinct
