"""Issue 26: do the themes depend on UMAP's seed? Finished runs of one corpus compared.

    PYTHONPATH=src python benchmarks/theme_stability.py RUN RUN [RUN ...] \
        [--corpus ../shared/corpora/conferences-17k.jsonl.gz]

Each RUN is a project folder after `snakemake` (results/papers.csv and results/intermediate),
on the same corpus under different `umap.random_state` / `umap_map.random_state` (or from
other input files). Prints, for every two runs, the ARI of their papers' themes, and with
--corpus each run's NMI of themes against the corpus's `field`, for:

- `pipeline`: the run's own themes (results/papers.csv);
- `order N`: the pipeline's method, with Louvain visiting the papers in a shuffled order
  (seed N) instead of the canonical one: how much the grouping hangs on Louvain's order;
- `k30`: the same with 30 neighbours per paper instead of 15;
- `topic graph`: Louvain on a graph of the topics (weight: neighbour links between their
  papers) rather than of the papers, at the resolution that gives the pipeline's count.

Papers are matched across runs by title. benchmarks/RESULTS.md (issue 26) quotes the output.
"""

import argparse
import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score as ari
from sklearn.metrics import normalized_mutual_info_score as nmi

from topics.themes import (
    RESOLUTIONS,
    THEME_NEIGHBOURS,
    neighbour_graph,
    theme_neighbours,
    topics_to_communities,
)


def louvain(graph, resolution: float, order_seed: int | None = None) -> np.ndarray:
    from sknetwork.clustering import Louvain

    options = {} if order_seed is None else {"shuffle_nodes": True, "random_state": order_seed}
    return np.asarray(Louvain(resolution=resolution, **options).fit_predict(graph))


def paper_themes(topics: np.ndarray, theme_of_topic: np.ndarray) -> np.ndarray:
    return np.where(topics >= 0, theme_of_topic[np.maximum(topics, 0)], -1)


def alternatives(run: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    """(titles, {method: theme per paper}) of one finished run."""
    inter = run / "results" / "intermediate"
    titles = pd.read_parquet(inter / "papers.parquet", columns=["title"])["title"].tolist()
    topics = pd.read_parquet(inter / "assignments.parquet")["topic_id"].to_numpy()
    table = pd.read_csv(run / "results" / "papers.csv", usecols=["title", "theme_id"])
    by_title = dict(zip(table["title"], table["theme_id"].fillna(-1).astype(int), strict=True))
    pipeline = np.array([by_title.get(t, -1) for t in titles])
    n_themes = len(set(pipeline.tolist()) - {-1})
    real = np.array(sorted(set(topics.tolist()) - {-1}))
    index = np.where(topics >= 0, np.searchsorted(real, topics), -1)
    embeddings = np.load(inter / "embeddings.npy")
    found = {"pipeline": pipeline}
    for name, k in [("", THEME_NEIGHBOURS), ("k30 ", 30)]:
        graph = neighbour_graph(theme_neighbours(embeddings, k=k))
        for seed in [None, 1, 2] if not name else [None]:
            # The coarsest resolution giving at least the pipeline's count, as topics.themes.
            for resolution in RESOLUTIONS:
                theme_of_topic = topics_to_communities(
                    index, louvain(graph, resolution, seed), len(real)
                )
                if theme_of_topic.max() + 1 >= n_themes:
                    break
            label = name + (f"order {seed}" if seed else "canonical order")
            found[f"{label} ({theme_of_topic.max() + 1})"] = paper_themes(index, theme_of_topic)
    # Topics as the graph's nodes: neighbour links between their papers.
    graph = neighbour_graph(theme_neighbours(embeddings))
    inside = graph.tocoo()
    keep = (index[inside.row] >= 0) & (index[inside.col] >= 0)
    weights = np.zeros((len(real), len(real)))
    np.add.at(weights, (index[inside.row[keep]], index[inside.col[keep]]), 1)
    import scipy.sparse as sp

    topic_graph = sp.csr_matrix(weights)
    for resolution in RESOLUTIONS:
        theme_of_topic = louvain(topic_graph, resolution)
        if theme_of_topic.max() + 1 >= n_themes:
            break
    found[f"topic graph ({theme_of_topic.max() + 1})"] = paper_themes(index, theme_of_topic)
    return titles, found


def fields(titles: list[str], corpus: Path) -> np.ndarray:
    by_title = {}
    with gzip.open(corpus, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            by_title.setdefault(record["title"].strip().lower(), record.get("field"))
    return np.array([str(by_title.get(t.strip().lower())) for t in titles])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    runs = {run.name: alternatives(run) for run in args.runs}
    truth = (
        {name: fields(titles, args.corpus) for name, (titles, _) in runs.items()}
        if args.corpus
        else {}
    )
    methods = list(next(iter(runs.values()))[1])
    for method_index, method in enumerate(methods):
        line = [f"{method:28s}"]
        for a, b in itertools.combinations(runs, 2):
            (titles_a, a_methods), (titles_b, b_methods) = runs[a], runs[b]
            first = pd.Series(range(len(titles_a)), index=titles_a)
            second = pd.Series(range(len(titles_b)), index=titles_b)
            first = first[~first.index.duplicated()]
            second = second[~second.index.duplicated()]
            common = first.index.intersection(second.index)
            theirs = list(b_methods.values())[method_index]  # the same method, its own count
            score = ari(
                list(a_methods.values())[method_index][first[common]], theirs[second[common]]
            )
            line.append(f"{a}-{b} {score:.3f}")
        for name, (_, found) in runs.items():
            if name in truth:
                theme = list(found.values())[method_index]
                line.append(f"NMI {name} {nmi(truth[name], theme):.3f}")
        print("  ".join(line), flush=True)
    for name, (_, found) in runs.items():
        pipeline = found["pipeline"]
        print(name, {m: round(ari(pipeline, t), 3) for m, t in found.items() if m != "pipeline"})


if __name__ == "__main__":
    main()
