"""Scale benchmark: the stages after embedding at 10k, 30k and 100k synthetic papers.

    PYTHONPATH=src python benchmarks/scale.py [--sizes 10000 30000 100000]

Papers are pseudo-abstracts from the seed vocabulary, embeddings random-but-clustered
(benchmarks/synthetic_corpus.py). Each stage runs in a fresh process with the pipeline's own
function and config.yaml's parameters, as its Snakemake job would: UMAP (clustering), HDBSCAN,
BERTopic labels, quality metrics, UMAP (map), tables with reading lists, the interactive
pages. numba's cache is warmed first, so times are the steady state of a machine that has
run the pipeline once. Writes benchmarks/SCALE.md.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from common import REPO, load_average, machine, now, pipeline_config, python_job

from topics.report.views import FIGURE_VIEWS, PAGE_FILES

OUT = REPO / "benchmarks" / "out" / "scale"


def stages(work: Path, config: dict) -> list[tuple[str, str]]:
    """(name, code) of each stage's job, reading and writing files in `work`."""
    w = str(work)
    hdbscan = config["hdbscan"]
    themes = {
        **config["themes"],
        "vectorizer": config["vectorizer"],
        "random_state": config["umap"]["random_state"],
    }
    report = (
        f"ReportPaths(*[{w!r} + '/' + name for name in ['papers.parquet', "
        f"'assignments.parquet', 'topics.parquet', 'umap_map.npy', 'stability.json', "
        f"'clusters.npz', 'themes.parquet', 'theme_tree.npy', 'trend_counts.parquet', "
        f"'trends.parquet']])"
    )
    pages = [f"{w}/{view.file}" for view in FIGURE_VIEWS]
    files = [f"{w}/{name}" for name in PAGE_FILES]
    options = config["report"]
    return [
        (
            "reduce_umap",
            f"from topics.reduce import run_reduce; run_reduce({w!r} + "
            f"'/embeddings.npy', {w!r} + '/umap_cluster.npy', {w!r} + '/umap_cluster.pkl', "
            f"**{config['umap']!r})",
        ),
        (
            "cluster_hdbscan",
            # One throw (consensus.throws: 1), whose stability.json the report jobs read;
            # more throws add a UMAP each (jobs of their own) and an HDBSCAN each here.
            f"from topics.cluster import run_cluster; run_cluster([{w!r} + "
            f"'/umap_cluster.npy'], {w!r} + '/clusters.npz', {w!r} + '/hdbscan.pkl', "
            f"{w!r} + '/stability.json', seeds=[0], need=None, **{hdbscan!r})",
        ),
        (
            "label_topics",
            f"from topics.label import run_label; run_label({w!r} + "
            f"'/papers.parquet', {w!r} + '/embeddings.npy', {w!r} + '/clusters.npz',"
            f" {w!r} + '/topics.parquet', {w!r} + '/assignments.parquet', "
            f"vectorizer={config['vectorizer']!r}, bertopic={config['bertopic']!r}, "
            f"keywords={config['keywords']!r}, outliers={config['outliers']!r})",
        ),
        (
            "derive_themes",
            f"from topics.themes import run_themes; run_themes({w!r} + "
            f"'/papers.parquet', {w!r} + '/assignments.parquet', {w!r} + "
            f"'/umap_cluster.npy', {w!r} + '/themes.parquet', {w!r} + "
            f"'/theme_tree.npy', **{themes!r})",
        ),
        (
            "reduce_umap_map",
            f"from topics.reduce import run_map_layout; run_map_layout({w!r} + "
            f"'/embeddings.npy', {w!r} + '/umap_cluster.npy', {w!r} + "
            f"'/assignments.parquet', {w!r} + '/umap_map.npy', {w!r} + '/umap_map.pkl', "
            f"**{config['umap_map']!r})",
        ),
        (
            "score_topics",
            f"from topics.metrics import run_metrics; run_metrics({w!r} + "
            f"'/papers.parquet', {w!r} + '/topics.parquet', {w!r} + "
            f"'/assignments.parquet', {w!r} + '/clusters.npz', {w!r} + "
            f"'/umap_cluster.npy', {w!r} + '/metrics.json', None, {w!r} + "
            f"'/themes.parquet', {w!r} + '/umap_map.npy')",
        ),
        (
            "measure_trends",
            f"from topics.trends import run_trends; run_trends({w!r} + '/papers.parquet', "
            f"{w!r} + '/assignments.parquet', {w!r} + '/themes.parquet', {w!r} + "
            f"'/trend_counts.parquet', {w!r} + '/trends.parquet', **{config['trends']!r})",
        ),
        (
            "write_tables",
            f"from topics.report.data import ReportPaths; from topics.report.tables "
            f"import run_tables; run_tables({report}, {w!r} + '/papers.csv', "
            f"{w!r} + '/topics.csv', {w!r} + '/themes.csv', {w!r} + '/topic_trends.csv', "
            f"{w!r} + '/paper_neighbours.csv', {w!r} + '/topics', {w!r} + '/themes', "
            f"options={options!r})",
        ),
        (
            "plot_topic_pages",
            f"from topics.report.data import ReportPaths; from topics.report."
            f"pages import run_pages; run_pages({report}, {pages!r}, {files!r}, "
            f"{w!r} + '/plotly.min.js', options={options!r})",
        ),
    ]


def make_corpus(work: Path, n_papers: int, vocabulary: list[str]) -> None:
    from synthetic_corpus import clustered_embeddings, pseudo_papers

    work.mkdir(parents=True, exist_ok=True)
    papers = pseudo_papers(n_papers, vocabulary, n_topics=50, seed=n_papers)
    papers.drop(columns="true_topic").to_parquet(work / "papers.parquet", index=False)
    np.save(
        work / "embeddings.npy",
        clustered_embeddings(papers["true_topic"].to_numpy(), seed=n_papers),
    )


def seed_vocabulary() -> list[str]:
    sys.path.insert(0, str(REPO / "src"))
    from synthetic_corpus import corpus_vocabulary

    from topics.parse import list_seed_files, parse_seeds

    files = [(p.name, p.read_bytes()) for p in list_seed_files(REPO / "seeds")]
    papers, _ = parse_seeds(files)
    return corpus_vocabulary(papers["title"] + " " + papers["abstract"])


def growth(rows: list[dict], stage: str) -> str:
    """Exponent k in time ~ n^k between the two largest sizes measured."""
    done = [r for r in rows if r["stage"] == stage and r["ok"]]
    if len(done) < 2:
        return ""
    a, b = done[-2], done[-1]
    return f"{math.log(b['seconds'] / a['seconds']) / math.log(b['n'] / a['n']):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per stage")
    args = parser.parse_args()
    config = pipeline_config()
    vocabulary = seed_vocabulary()
    env = {"NUMBA_CACHE_DIR": str(OUT / "numba-cache")}
    warm = OUT / "warmup"
    make_corpus(warm, 5000, vocabulary)  # > 4096: UMAP switches to NN-descent
    for name, code in stages(warm, config):
        # Labelling too: the map is laid out around its topics.
        if name in ("reduce_umap", "cluster_hdbscan", "label_topics", "reduce_umap_map"):
            python_job(code, env=env)  # compiles numba code into the cache; not timed
            print(f"warmed {name}", flush=True)
    rows = []
    for n in args.sizes:
        work = OUT / f"n{n}"
        make_corpus(work, n, vocabulary)
        for name, code in stages(work, config):
            load = load_average()
            timed = python_job(code, env=env, log_path=work / f"{name}.log", timeout=args.timeout)
            rows.append(
                {
                    "n": n,
                    "stage": name,
                    "seconds": timed.seconds,
                    "max_rss_mb": timed.max_rss_mb,
                    "ok": timed.returncode == 0,
                    "load": load,
                }
            )
            print(
                f"n={n:>6} {name:<16} {timed.seconds:7.1f} s {timed.max_rss_mb:7.0f} MB"
                f"{'' if timed.returncode == 0 else ' FAILED'}  load {load}",
                flush=True,
            )
            if timed.returncode != 0:
                break
        html = work / "topic_map.html"
        rows.append(
            {
                "n": n,
                "stage": "topic_map.html MB",
                "mb": html.stat().st_size / 1e6 if html.exists() else None,
            }
        )
        (OUT / "scale.json").write_text(json.dumps(rows, indent=1))
        write_markdown(rows)


def write_markdown(rows: list[dict]) -> None:
    sizes = sorted({r["n"] for r in rows})
    names = [r["stage"] for r in rows if r["n"] == sizes[0] and "seconds" in r]
    lines = [
        f"# Scale benchmark ({now()})",
        "",
        f"Machine: {machine()}",
        "",
        "Stages after embedding on synthetic corpora (benchmarks/scale.py), each a fresh "
        "process like its Snakemake job, numba cache warm. Time in s / peak RSS in MB; "
        "growth k: time ~ n^k between the two largest sizes.",
        "",
        "| stage | " + " | ".join(f"{n:,} papers" for n in sizes) + " | growth k |",
        "| --- | " + " | ".join("---" for _ in sizes) + " | --- |",
    ]
    for name in names:
        cells = []
        for n in sizes:
            row = next((r for r in rows if r["n"] == n and r["stage"] == name), None)
            cells.append(
                "—"
                if row is None
                else f"{row['seconds']:.1f} s / "
                f"{row['max_rss_mb']:.0f} MB{'' if row['ok'] else ' (failed)'}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {growth(rows, name)} |")
    totals = []
    for n in sizes:
        timed = [r for r in rows if r["n"] == n and "seconds" in r]
        totals.append(
            f"{sum(r['seconds'] for r in timed):.1f} s / "
            f"{max(r['max_rss_mb'] for r in timed):.0f} MB"
        )
    lines.append("| **all stages** (sum / max) | " + " | ".join(totals) + " | |")
    sizes_mb = [next((r.get("mb") for r in rows if r["n"] == n and "mb" in r), None) for n in sizes]
    lines.append(
        "| topic_map.html | "
        + " | ".join("—" if mb is None else f"{mb:.1f} MB" for mb in sizes_mb)
        + " | |"
    )
    loads = sorted({r["load"] for r in rows if "load" in r})
    lines += ["", f"Load average while running: {loads[0]} … {loads[-1]}" if loads else ""]
    path = REPO / "benchmarks" / "SCALE.md"
    # Sections below the generated table (from "## " on) are written by hand from other
    # benchmarks (cold.py's runs with embedding): a new table keeps them.
    kept = ""
    if path.exists():
        previous = path.read_text(encoding="utf-8")
        if "\n## " in previous:
            kept = "\n" + previous[previous.index("\n## ") + 1 :]
    path.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")


if __name__ == "__main__":
    main()
