"""What each job asks a scheduler for: memory (MB) and time (minutes) from the corpus size.

A stage's peak memory and time grow about linearly with its papers (benchmarks/SCALE.md,
10,000 to 100,000 papers), so each stage costs a fixed part (interpreter, imports) plus a
part per paper, fitted to those measurements; a job asks for that times a headroom, enough
that a scheduler does not kill it and not so much that it waits for memory it never uses.
Stages that were not measured at scale take the figures of the measured stage whose work
is most alike. Stages before the embeddings exist (reading the inputs, splitting and
gathering the shards) scale with the size of their input files instead.
"""

import math
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np


class Cost(NamedTuple):
    """A stage's peak memory and time: base + per paper (or per MB of input files)."""

    base_mb: float
    mb_per_unit: float
    base_s: float
    s_per_unit: float


# Per 1,000 papers: lines through the 10k and 100k figures of benchmarks/SCALE.md (labelling
# and the map through their later 100k figures, benchmarks/RESULTS.md, "Labelling's memory").
PER_1000_PAPERS = {
    "reduce_umap": Cost(492, 6.48, 34, 0.74),
    "cluster_hdbscan": Cost(144, 8.96, 1, 0.17),
    "label_topics": Cost(412, 15.9, 1, 1.91),
    "score_topics": Cost(733, 15.6, 2, 0.34),
    "reduce_umap_map": Cost(493, 6.47, 31, 1.2),
    "write_tables": Cost(144, 8.96, 1, 0.11),
    "plot_topic_pages": Cost(205, 11.9, 2, 0.25),
    # A vectorizer over every paper, as labelling, after the exact neighbour search's block
    # of similarities (as find_neighbours): 1.12 GB peak at 16,937 papers (issue 26).
    "derive_themes": Cost(700, 15.9, 1, 1.91),
}
# Not measured at scale: the measured stage doing the most similar work.
ALIKE = {
    "reduce_umap_seed": "reduce_umap",
    "reduce_umap_sweep": "reduce_umap",
    "cluster_hdbscan_sweep": "cluster_hdbscan",
    "label_topics_sweep": "label_topics",
    "score_topics_sweep": "score_topics",
    # Tables of the papers, as write_tables reads them.
    "measure_trends": "write_tables",
    "write_index": "write_tables",
    "summarize_sweep": "write_tables",
    "plot_static_map": "plot_topic_pages",
    # Every paper's embedding read, tables copied.
    "save_model": "write_tables",
    # The fitted UMAPs loaded, each with every fitted paper's embedding.
    "place_added_papers": "reduce_umap",
    # Every embedding and a block of similarities (2,048 papers x all): at 17k papers 0.7 GB
    # and under a minute, within reduce_umap's figures; above neighbours.exact_max it only
    # reads UMAP's graph.
    "find_neighbours": "reduce_umap",
}
# The table of one row per paper (topics.parse), which most jobs read.
PAPERS_TABLE = "papers.parquet"
# Per MB of input files: reading text into Python objects takes several times its size
# on disk (Parquet is compressed), gathering holds every shard's vectors and the matrix.
PER_INPUT_MB = {
    "parse_seeds": Cost(300, 10, 5, 0.5),
    "split_papers": Cost(300, 10, 5, 0.2),
    "gather_embeddings": Cost(300, 4, 5, 0.1),
}
MEMORY_HEADROOM = 1.5
TIME_HEADROOM = 3
# Below this a runtime says nothing: a job's start alone (a cold file system, numba
# compiling UMAP's code the first time) can take a minute.
MIN_RUNTIME_MIN = 5

# Embedding a shard: torch and sentence-transformers, one model copy per thread (each with
# its batch's activations), and the shard's texts and vectors. Time per text and core on a
# CPU without bfloat16 (the slower case; a GPU is far faster).
EMBED_BASE_MB = 600
EMBED_MB_PER_THREAD = 250
EMBED_MB_PER_TEXT = 0.01
EMBED_BASE_S = 60
EMBED_CORE_S_PER_TEXT = 0.1


def stage_cost(stage: str) -> tuple[Cost, str]:
    """The stage's cost and its unit: "papers" (thousands) or "input_mb"."""
    stage = ALIKE.get(stage, stage)
    if stage in PER_1000_PAPERS:
        return PER_1000_PAPERS[stage], "papers"
    if stage in PER_INPUT_MB:
        return PER_INPUT_MB[stage], "input_mb"
    raise KeyError(f"no resource figures for the stage {stage!r}")


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def estimate(cost: Cost, units: float) -> tuple[int, int]:
    """(mem_mb, runtime in minutes) with their headroom, for `units` of the cost's unit."""
    mem_mb = _round_up(MEMORY_HEADROOM * (cost.base_mb + cost.mb_per_unit * units), 100)
    seconds = TIME_HEADROOM * (cost.base_s + cost.s_per_unit * units)
    return mem_mb, max(MIN_RUNTIME_MIN, math.ceil(seconds / 60))


def papers_in(paths: Iterable[str | Path]) -> int:
    """The corpus size a job works on: the rows of its papers table (PAPERS_TABLE, from the
    Parquet footer alone) where it reads one, else of its first NumPy input (every paper is
    a row of the embeddings and of each reduction, from the file's header alone); 0 while
    none exists yet (Snakemake evaluates resources again once a job's inputs exist)."""
    existing = [Path(path) for path in paths if Path(path).exists()]
    for path in existing:
        if path.name == PAPERS_TABLE:
            import pyarrow.parquet as pq

            return int(pq.read_metadata(path).num_rows)
    for path in existing:
        if path.suffix == ".npy":
            return int(np.load(path, mmap_mode="r").shape[0])
    return 0


def input_mb(paths: Iterable[str | Path]) -> float:
    """Total size of the input files that exist, in MB (folders count their files)."""
    total = 0
    for path in map(Path, paths):
        files = path.rglob("*") if path.is_dir() else [path]
        total += sum(file.stat().st_size for file in files if file.is_file())
    return total / 1e6


def job_resources(stage: str, inputs: Iterable[str | Path]) -> tuple[int, int]:
    """(mem_mb, runtime minutes) of one job of `stage`, from its input files."""
    inputs = list(inputs)
    cost, unit = stage_cost(stage)
    units = papers_in(inputs) / 1000 if unit == "papers" else input_mb(inputs)
    return estimate(cost, units)


def embed_resources(texts: int, threads: int) -> tuple[int, int]:
    """(mem_mb, runtime minutes) of embedding `texts` texts on `threads` cores."""
    mem_mb = EMBED_BASE_MB + EMBED_MB_PER_THREAD * threads + EMBED_MB_PER_TEXT * texts
    seconds = EMBED_BASE_S + EMBED_CORE_S_PER_TEXT * texts / max(1, threads)
    return (
        _round_up(MEMORY_HEADROOM * mem_mb, 100),
        max(MIN_RUNTIME_MIN, math.ceil(TIME_HEADROOM * seconds / 60)),
    )


# A local language model (config's labels.llm.model, topics.llm) in the labelling and themes
# jobs: torch and transformers besides the job's own work, and the weights in float32 (a
# GGUF file is de-quantized on loading) with the copy loading makes. Time: the job's
# budget for asking, and loading.
LLM_BASE_MB = 400
LLM_BYTES_PER_PARAMETER = 6
LLM_LOAD_S = 120


def gguf_parameters(path: str | Path) -> int:
    """Parameters of a GGUF file, from its tensor list (the gguf package's reader parses
    every metadata value in Python and takes seconds; this skips them)."""
    import struct

    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
    with open(path, "rb") as handle:

        def read(fmt: str) -> int:
            return struct.unpack("<" + fmt, handle.read(struct.calcsize(fmt)))[0]

        def skip_string() -> None:
            handle.seek(read("Q"), 1)

        def skip_value(kind: int) -> None:
            if kind == 8:
                skip_string()
            elif kind == 9:
                item, count = read("I"), read("Q")
                if item in sizes:
                    handle.seek(sizes[item] * count, 1)
                else:
                    for _ in range(count):
                        skip_value(item)
            else:
                handle.seek(sizes[kind], 1)

        if handle.read(4) != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        read("I")  # version
        tensors, values = read("Q"), read("Q")
        for _ in range(values):
            skip_string()
            skip_value(read("I"))
        total = 0
        for _ in range(tensors):
            skip_string()
            dims = [read("Q") for _ in range(read("I"))]
            read("I"), read("Q")  # type, offset
            total += math.prod(dims)
    return total


def model_parameters(path: str | Path) -> int:
    """Parameters of a GGUF file or a transformers model folder, from headers alone."""
    import json
    import struct

    path = Path(path)
    if path.is_file():
        try:
            return gguf_parameters(path)
        except (ValueError, KeyError, struct.error):  # not GGUF: about 4 bits a parameter
            return 2 * path.stat().st_size
    total = 0
    for weights in path.glob("*.safetensors"):
        with open(weights, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(length))
        total += sum(math.prod(t["shape"]) for k, t in header.items() if k != "__metadata__")
    # PyTorch pickles: about 2 bytes a parameter (16-bit weights).
    total += sum(weights.stat().st_size // 2 for weights in path.glob("*.bin"))
    return total


def llm_resources(llm: dict | None) -> tuple[int, int]:
    """(mem_mb, runtime minutes) that naming by a language model adds to a job: memory only
    for a local model (an endpoint's model runs elsewhere), time up to its budget."""
    if not llm:
        return 0, 0
    mem_mb = 0
    if llm.get("model") and Path(llm["model"]).exists():
        weights = LLM_BYTES_PER_PARAMETER * model_parameters(llm["model"]) / 1e6
        mem_mb = _round_up(MEMORY_HEADROOM * (LLM_BASE_MB + weights), 100)
    seconds = llm["budget"] + (LLM_LOAD_S if llm.get("model") else 0)
    return mem_mb, math.ceil(seconds / 60)
