"""Issue 25 part 2: what does a token budget (embedding.max_tokens) cost the topics?

    PYTHONPATH=src nice python benchmarks/token_budget.py embed  --papers P --out DIR
    PYTHONPATH=src python benchmarks/token_budget.py speed  --papers P
    PYTHONPATH=src python benchmarks/token_budget.py compare --papers P --out DIR \
        --corpus /work/shared/corpora/conferences-17k.jsonl.gz

P is a finished run's results/intermediate/papers.parquet (the 17k corpus). `embed` embeds
every paper at the model's maximum and at each budget (the pipeline's encoder, 2 cores,
bfloat16, a cache of its own under DIR, so a second call reads instead of embedding) and
writes DIR/emb-{budget}.npy. `speed` times the three on the same 1,000 papers, interleaved
(max, 192, 128, twice; the best of each), for texts per second that compare. `compare`
reduces (UMAP, seed 42), clusters (HDBSCAN, the pipeline's settings) and cuts themes for
each, and prints topic and theme ARI against the model's maximum, the noise floor (the
maximum's embeddings under UMAP seed 43), a coherence and diversity of top-10 c-TF-IDF
words (stable_atlas.py's proxies), and the themes' NMI against the corpus's `field`.

    PYTHONPATH=src python benchmarks/token_budget.py runs MAX RUN [RUN ...] --corpus C

compares finished full `snakemake` runs of the whole corpus instead (one per budget, MAX at
the model's maximum; another UMAP seed at the maximum gives the noise floor): the pipeline's
own topics (seven throws) and themes, its metrics, and its embedding jobs' seconds.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import load_average, machine, now

from topics.embed import embed_texts, paper_texts

BUDGETS = [None, 192, 128]
SETTINGS = dict(
    model="all-MiniLM-L6-v2",
    batch_size=16,
    device="cpu",
    backend="torch",
    precision="auto",
    export_dir=".cache/models",
    threads=2,
)


def name(budget: int | None) -> str:
    return "max" if budget is None else str(budget)


def embed(texts: list[str], budget: int | None, cache: Path | None) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = embed_texts(texts, max_tokens=budget, cache_dir=cache, **SETTINGS)
    return vectors, time.perf_counter() - started


def main_embed(args) -> None:
    texts = paper_texts(pd.read_parquet(args.papers))
    args.out.mkdir(parents=True, exist_ok=True)
    for budget in BUDGETS:
        load = load_average()
        vectors, seconds = embed(texts, budget, args.out / "cache")
        np.save(args.out / f"emb-{name(budget)}.npy", vectors)
        print(
            json.dumps(
                {
                    "budget": name(budget),
                    "texts": len(texts),
                    "seconds": round(seconds, 1),
                    "load_before": load,
                    "load_after": load_average(),
                    "date": now(),
                }
            ),
            flush=True,
        )


def main_speed(args) -> None:
    texts = paper_texts(pd.read_parquet(args.papers))
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in sorted(rng.choice(len(texts), args.sample, replace=False))]
    best: dict[str, float] = {}
    print(machine(), "|", now(), "| load", load_average(), flush=True)
    for round_ in range(2):
        for budget in BUDGETS:
            _, seconds = embed(sample, budget, None)
            best[name(budget)] = min(seconds, best.get(name(budget), float("inf")))
            print(
                f"round {round_} {name(budget):>4}: {seconds:.1f} s "
                f"({len(sample) / seconds:.1f} texts/s), load {load_average()}",
                flush=True,
            )
    for key, seconds in best.items():
        print(
            f"best {key:>4}: {len(sample) / seconds:.1f} texts/s, "
            f"{seconds / best['max']:.2f} of the maximum's time",
            flush=True,
        )


def reduce(vectors_path: Path, out: Path, seed: int) -> np.ndarray:
    """UMAP's 5-D reduction with config's settings (cached under out)."""
    from topics.reduce import run_reduce

    path = out / f"{vectors_path.stem}-seed{seed}.npy"
    if not path.exists():
        started = time.perf_counter()
        run_reduce(vectors_path, path, **UMAP, random_state=seed)
        print(f"  UMAP {path.name}: {time.perf_counter() - started:.0f} s", flush=True)
    return np.load(path)


def main_compare(args) -> None:
    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi
    from stable_atlas import HDBSCAN, count_vectorizer, ctfidf, reassign, themes_of, tree_of_raw

    from topics.cluster import hdbscan_cluster
    from topics.metrics import coherence, tokenize, topic_diversity

    papers = pd.read_parquet(args.papers)
    texts = paper_texts(papers)
    truth = fields_of(papers, args.corpus)
    known = np.array([t is not None for t in truth])
    words_vec = count_vectorizer({"stop_words": "english"}, binary=True, min_df=5)
    word_terms = words_vec.fit_transform(texts).tocsr()
    vocabulary = words_vec.get_feature_names_out()
    tokens = tokenize(texts)
    runs = {"max": ("max", 42), "max, UMAP seed 43 (noise floor)": ("max", 43)}
    runs |= {f"{b} tokens": (str(b), 42) for b in BUDGETS if b is not None}
    topics, themes = {}, {}
    print(f"{len(texts)} papers, field known for {known.sum()}", flush=True)
    for label, (variant, seed) in runs.items():
        vectors_path = args.out / f"emb-{variant}.npy"
        reduced = reduce(vectors_path, args.out, seed)
        vectors = np.load(vectors_path).astype(np.float64)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        core = hdbscan_cluster(reduced, **HDBSCAN).labels
        ids = reassign(core, unit)
        real = np.array(sorted(set(ids.tolist()) - {-1}))
        index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
        centres = np.stack([reduced[ids == t].mean(axis=0) for t in real])
        themes[label], n_themes = themes_of(tree_of_raw(centres), reduced, index, len(real), 42)
        topics[label] = ids
        weights = ctfidf(word_terms, index, len(real))
        words = [list(vocabulary[np.argsort(-row)[:10]]) for row in weights]
        row = {
            "run": label,
            "topics": len(real),
            "outliers": round(float(np.mean(core < 0)), 3),
            "themes": n_themes,
            "topic ARI vs max": round(ari(topics["max"], ids), 3),
            "theme ARI vs max": round(ari(themes["max"], themes[label]), 3),
            "coherence c_npmi": round(coherence(words, tokens), 4),
            "diversity": round(topic_diversity(words), 3),
            "themes-field NMI": round(nmi(truth[known].astype(str), themes[label][known]), 3),
        }
        print(json.dumps(row), flush=True)


def fields_of(papers: pd.DataFrame, corpus: Path) -> np.ndarray:
    """Each paper's `field` in the corpus file, matched by title."""
    import gzip

    by_title = {}
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            by_title.setdefault(record["title"].strip().lower(), record.get("field"))
    return np.array([by_title.get(t.strip().lower()) for t in papers["title"]], dtype=object)


UMAP = dict(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine")


def main_runs(args) -> None:
    """Finished full runs (`snakemake` on the whole corpus, one embedding.max_tokens each;
    the first at the model's maximum) compared as the pipeline made them: topics and themes
    from results/papers.csv matched by paper_id, coherence and diversity from metrics.json,
    the embedding jobs' seconds from results/benchmarks."""
    import csv

    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi

    first = None
    for run in args.runs:
        results = run / "results"
        papers = pd.read_csv(
            results / "papers.csv", usecols=["paper_id", "title", "topic_id", "theme_id"]
        )
        papers = papers.sort_values("paper_id").reset_index(drop=True)
        metrics = json.loads((results / "metrics.json").read_text())
        embed_s = 0.0
        for tsv in (results / "benchmarks" / "embed_papers").glob("*.tsv"):
            with tsv.open() as handle:
                embed_s += float(next(csv.DictReader(handle, delimiter="\t"))["s"])
        truth = fields_of(papers, args.corpus)
        known = np.array([f is not None for f in truth])
        if first is None:
            first = papers
        if not papers["paper_id"].equals(first["paper_id"]):
            raise SystemExit(f"{run} holds other papers than {args.runs[0]}")
        row = {
            "run": run.name,
            "embedding s": round(embed_s, 1),
            "topics": metrics["topics"],
            "consensus outliers": round(metrics["consensus_outliers"] / len(papers), 3),
            "themes": metrics["themes"],
            "topic ARI": round(ari(first["topic_id"], papers["topic_id"]), 3),
            "theme ARI": round(ari(first["theme_id"], papers["theme_id"]), 3),
            "npmi": round(metrics["npmi"], 4),
            "c_v": round(metrics["c_v"], 3),
            "diversity": round(metrics["diversity"], 3),
            "themes-field NMI": round(nmi(truth[known].astype(str), papers["theme_id"][known]), 3),
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["embed", "speed", "compare", "runs"])
    parser.add_argument("runs", type=Path, nargs="*", help="runs: finished project folders")
    parser.add_argument("--papers", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/token-budget"))
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--sample", type=int, default=1000)
    args = parser.parse_args()
    steps = {"embed": main_embed, "speed": main_speed, "compare": main_compare, "runs": main_runs}
    steps[args.step](args)
