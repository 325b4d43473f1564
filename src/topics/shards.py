"""Embedding in shards: the papers' texts split by a stable key, each shard embedded by its
own job, the vectors gathered back into one matrix in the papers' order.

A text's shard is read from the leading bits of its key (the SHA-1 of the text, the key
the embedding cache uses), and the number of shards is a power of two. So a text's shard
depends on the text and the number of shards alone: adding papers changes only the shards
they fall in, and the number of shards changes only when the corpus doubles, each shard
then splitting in two. Each shard comes with a fingerprint of its keys (a small file,
which Snakemake checksums), so a shard whose texts did not change is not embedded again.
"""

import hashlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from topics.embed import embed_texts, paper_texts, text_key
from topics.files import (
    read_columns,
    read_shard_texts,
    read_shard_vectors,
    read_text,
    write_array,
    write_shard_texts,
    write_shard_vectors,
    write_text,
)

log = logging.getLogger("topics")

# Bits of a key that place it (15 hex digits): enough for 2**60 shards.
KEY_BITS = 60


def embedding_settings(section: dict[str, Any]) -> dict[str, Any]:
    """config's embedding section as the embedding functions take it: shard_size is the
    workflow's (how the papers are split into jobs), not an argument of the encoder."""
    return {key: value for key, value in section.items() if key != "shard_size"}


def shard_count(texts: int, shard_size: int) -> int:
    """The fewest shards, a power of two, holding at most shard_size texts each on average."""
    shards = 1
    while shards * shard_size < texts:
        shards *= 2
    return shards


def shard_of(key: str, shards: int) -> int:
    """The shard of a text key: its leading bits, as a share of the key space."""
    return (int(key[: KEY_BITS // 4], 16) * shards) >> KEY_BITS


def split_texts(texts: Sequence[str], shard_size: int) -> list[dict[str, str]]:
    """Key -> text of each shard, keys sorted; a text given twice is embedded once."""
    by_key = {text_key(text): text for text in texts}
    shards: list[dict[str, str]] = [{} for _ in range(shard_count(len(by_key), shard_size))]
    for key in sorted(by_key):
        shards[shard_of(key, len(shards))][key] = by_key[key]
    return shards


def fingerprint(keys: Sequence[str]) -> str:
    """One line naming a shard's texts: the SHA-1 of their keys, and how many there are."""
    return f"{hashlib.sha1(''.join(keys).encode('ascii')).hexdigest()} {len(keys)} texts\n"


def texts_in_shard(fingerprint_path: str | Path) -> int | None:
    """How many texts a shard holds, from its fingerprint; None before it is written."""
    if not Path(fingerprint_path).exists():
        return None
    return int(read_text(fingerprint_path).split()[1])


def shard_name(index: int) -> str:
    return f"shard-{index:04d}"


def run_split(papers_path: str | Path, shards_dir: str | Path, *, shard_size: int) -> int:
    """Write each shard's texts (shard-NNNN.parquet) and fingerprint (shard-NNNN.sha1)
    into shards_dir; return the number of shards."""
    shards = split_texts(paper_texts(read_columns(papers_path, ["title", "abstract"])), shard_size)
    folder = Path(shards_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for index, shard in enumerate(shards):
        keys = list(shard)
        write_shard_texts(keys, list(shard.values()), folder / f"{shard_name(index)}.parquet")
        write_text(fingerprint(keys), folder / f"{shard_name(index)}.sha1")
    sizes = [len(shard) for shard in shards]
    log.info(
        "%d texts in %d shards of %d-%d (embedding.shard_size %d)",
        sum(sizes),
        len(shards),
        min(sizes),
        max(sizes),
        shard_size,
    )
    return len(shards)


def run_embed_shard(
    texts_path: str | Path, vectors_path: str | Path, *, threads: int | None, **params: Any
) -> None:
    """Embed one shard's texts; params are config.yaml's embedding section (embed_texts)."""
    keys, texts = read_shard_texts(texts_path)
    log.info("shard %s", Path(texts_path).stem)
    vectors = embed_texts(texts, threads=threads, **params)
    write_shard_vectors(keys, vectors, vectors_path)


def gather(papers_path: str | Path, shard_paths: Sequence[str | Path]) -> np.ndarray:
    """One row per paper of the papers table, in its order, from the shards' vectors."""
    keys, vectors = [], []
    for path in shard_paths:
        shard_keys, shard_vectors = read_shard_vectors(path)
        if len(shard_keys):
            keys.append(shard_keys)
            vectors.append(shard_vectors)
    texts = paper_texts(read_columns(papers_path, ["title", "abstract"]))
    if not texts:
        return np.empty((0, 0), dtype=np.float32)
    all_keys = np.concatenate(keys)
    order = np.argsort(all_keys)
    wanted = np.array([text_key(text) for text in texts], dtype=all_keys.dtype)
    rows = order[np.searchsorted(all_keys, wanted, sorter=order).clip(max=len(order) - 1)]
    missing = int((all_keys[rows] != wanted).sum())
    if missing:
        raise ValueError(f"{missing} papers have no vector in the shards {list(shard_paths)}")
    return np.concatenate(vectors)[rows]


def run_gather(
    papers_path: str | Path, shard_paths: Sequence[str | Path], embeddings_path: str | Path
) -> np.ndarray:
    vectors = gather(papers_path, shard_paths)
    write_array(vectors, embeddings_path)
    log.info("%d papers' vectors gathered from %d shards", len(vectors), len(shard_paths))
    return vectors


def fit_rows(
    papers: Mapping[str, Sequence], fit_papers: Mapping[str, Sequence]
) -> tuple[np.ndarray, list[str]]:
    """(each paper's row in the last full fit, -1 for one added since; the papers' text
    keys), from the papers' paper_id, title and abstract and the fit's paper_id and key
    (tables or their columns as lists).

    A paper is the fit's when its id and its text both match: one whose title or abstract
    changed since is placed anew, like an added one.
    """
    keys = [text_key(text) for text in paper_texts(papers)]
    row_of = {
        (pid, key): row
        for row, (pid, key) in enumerate(
            zip(fit_papers["paper_id"], fit_papers["key"], strict=True)
        )
    }
    rows = [row_of.get(pair, -1) for pair in zip(papers["paper_id"], keys, strict=True)]
    return np.asarray(rows, dtype=np.int64), keys


def run_embed_added(
    papers_path: str | Path,
    fit_papers_path: str | Path,
    vectors_path: str | Path,
    *,
    threads: int | None,
    **embedding: Any,
) -> int:
    """Embed the papers not in the last full fit (update: incremental), in one job: 100
    added papers fall into nearly every embedding shard, and a job per shard would load
    the model once per shard. Read without pandas, as the shards' jobs read (imports are
    most of this job on a few papers)."""
    papers = read_columns(papers_path, ["paper_id", "title", "abstract"])
    rows, keys = fit_rows(papers, read_columns(fit_papers_path, ["paper_id", "key"]))
    added = np.flatnonzero(rows < 0).tolist()
    texts = paper_texts({column: [papers[column][i] for i in added] for column in papers})
    vectors = embed_texts(texts, threads=threads, **embedding)
    write_shard_vectors([keys[i] for i in added], vectors, vectors_path)
    return len(added)
