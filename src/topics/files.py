"""The files the stages pass along: the only code that knows their formats.

Every intermediate under results/intermediate/ (and the JSON reports) is read and written
here, so a stage never guesses another's layout and the report jobs never read back the
CSV files written for people. Tables are Parquet (lists stay lists, booleans stay
booleans), arrays NumPy. pandas is imported inside the functions: Snakemake imports the
parser, and with it this module, while it builds its DAG.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

PathLike = str | Path


def read_table(path: PathLike, columns: list[str] | None = None) -> pd.DataFrame:
    """Any intermediate table: papers, topics, assignments or themes (Parquet); columns:
    only these (the papers' texts without the rest of their metadata)."""
    import pandas as pd

    return pd.read_parquet(path, columns=columns)


def read_columns(path: PathLike, columns: list[str]) -> dict[str, list]:
    """Some columns of an intermediate table as lists, without pandas (pyarrow's
    read_table imports it to read the table's pandas metadata): for the jobs that only
    pass texts along (split_papers, gather_embeddings), whose work takes less time than
    importing pandas."""
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path).read(columns=columns, use_pandas_metadata=False)
    return table.to_pydict()


def write_table(table: pd.DataFrame, path: PathLike) -> None:
    table.to_parquet(path, index=False)


def write_papers(papers: pd.DataFrame, path: PathLike) -> None:
    """The papers table, with its column types fixed: an all-empty column (a corpus
    without DOIs, say) is still a column of text, and years are integers."""
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    schema = pa.schema(
        [
            ("paper_id", text),
            ("title", text),
            ("abstract", text),
            ("sources", texts),
            ("year", pa.int32()),
            ("date", text),
            ("venue", text),
            ("authors", texts),
            ("doi", text),
            ("arxiv_id", text),
            ("url", text),
            ("keywords", texts),
        ]
    )
    papers.to_parquet(path, index=False, schema=schema)


def write_themes(themes: pd.DataFrame, path: PathLike) -> None:
    """The themes table (topics.themes), its column types fixed so that a corpus without
    themes still writes an empty table of the same columns."""
    import pyarrow as pa

    schema = pa.schema(
        [
            ("theme_id", pa.int64()),
            ("label", pa.string()),
            ("name", pa.string()),
            ("keyword_label", pa.string()),
            ("size", pa.int64()),
            ("keywords", pa.list_(pa.string())),
            ("topics", pa.list_(pa.int64())),
            # The language model's name, "" without one (topics.llm).
            ("llm_name", pa.string()),
        ]
    )
    # A fit made before themes had names (topics.names, topics.llm) is named by its label.
    themes = themes.assign(
        **{column: themes["label"] for column in ["name", "keyword_label"] if column not in themes}
    )
    if "llm_name" not in themes:
        themes = themes.assign(llm_name="")
    themes.to_parquet(path, index=False, schema=schema)


def read_array(path: PathLike) -> np.ndarray:
    """Embeddings (papers x dimensions) or a UMAP reduction (papers x components)."""
    return np.load(path)


def write_array(array: np.ndarray, path: PathLike) -> None:
    np.save(path, array)


def write_neighbours(neighbours: tuple[np.ndarray, np.ndarray] | None, path: PathLike) -> None:
    """Each paper's nearest neighbours as the main UMAP found them (indices, distances),
    which the stability seeds' UMAPs reuse; no arrays where UMAP found none this way (a
    corpus under 4,096 papers, whose distances UMAP measures all)."""
    np.savez(
        path,
        **({} if neighbours is None else {"indices": neighbours[0], "distances": neighbours[1]}),
    )


def read_neighbours(path: PathLike) -> tuple[np.ndarray, np.ndarray] | None:
    with np.load(path) as data:
        return (data["indices"], data["distances"]) if "indices" in data.files else None


def write_shard_texts(keys: list[str], texts: list[str], path: PathLike) -> None:
    """One embedding shard's texts (topics.shards) with their keys (Parquet)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"key": keys, "text": texts}), path)


def read_shard_texts(path: PathLike) -> tuple[list[str], list[str]]:
    """A shard's keys and texts, without pandas, which the embedding job has no other use
    for (see read_columns)."""
    columns = read_columns(path, ["key", "text"])
    return columns["key"], columns["text"]


def write_shard_vectors(keys: list[str], vectors: np.ndarray, path: PathLike) -> None:
    """One embedding shard's vectors, row i the vector of keys[i] (keys as ASCII bytes)."""
    with open(path, "wb") as handle:  # np.savez would add ".npz" to a name without it
        np.savez(handle, keys=np.array(keys, dtype="S40"), vectors=vectors)


def read_shard_vectors(path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path) as data:
        return data["keys"], data["vectors"]


class Clusters(NamedTuple):
    """The clusters topics are made of: labels (-1 outliers); HDBSCAN's membership
    strengths, the soft membership of every paper in every cluster (papers x clusters)
    and the labels eom would have given without the size cap (None where the cap could
    not act), all of one HDBSCAN; each paper's agreement (the share of throws that agree
    with its cluster, nan for outliers; topics.cluster.cluster_throws); and `fitted`, the
    labels of the HDBSCAN kept in results/model/ where they are not `labels` (topics
    agreed by several throws), which placing maps onto the topics (topics.place)."""

    labels: np.ndarray
    strengths: np.ndarray | None = None
    membership: np.ndarray | None = None
    uncapped: np.ndarray | None = None
    agreement: np.ndarray | None = None
    fitted: np.ndarray | None = None


def read_clusters(path: PathLike) -> Clusters:
    with np.load(path) as data:
        return Clusters(*(data.get(name) for name in Clusters._fields))


def write_clusters(clusters: Clusters, path: PathLike) -> None:
    np.savez(path, **{key: value for key, value in clusters._asdict().items() if value is not None})


def write_model(model: Any, path: PathLike) -> None:
    """A fitted estimator (UMAP, HDBSCAN) kept in results/model/ to place papers added
    later (topics.place): pickled, the only form in which UMAP.transform and hdbscan's
    approximate_predict can use it again."""
    import pickle

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)


def read_model(path: PathLike) -> Any:
    """A fitted estimator written by write_model (results/model/ is the pipeline's own
    output, so unpickling it trusts nothing a user did not make)."""
    import pickle

    with open(path, "rb") as handle:
        return pickle.load(handle)


def copy_file(source: PathLike, target: PathLike) -> None:
    """An intermediate kept as it is (the fit's, in results/model/), format untouched."""
    import shutil

    Path(target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def read_json(path: PathLike) -> Any:
    """A JSON report: the parse report, stability, metrics."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_json(value: Any, path: PathLike) -> None:
    Path(path).write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def read_text(path: PathLike) -> str:
    return Path(path).read_text(encoding="utf-8")


def write_text(text: str, path: PathLike) -> None:
    Path(path).write_text(text, encoding="utf-8")
