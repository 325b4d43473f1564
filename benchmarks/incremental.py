"""Incremental benchmark: 100 papers added to a fitted 100k corpus (update: incremental).

    PYTHONPATH=src python benchmarks/incremental.py [--papers 100000] [--added 100] [--round 1]

In benchmarks/out/incremental/n<papers>/, a copy of the workflow on synthetic papers
(synthetic_corpus.py: pseudo-abstracts from the seed vocabulary, one Parquet file) whose
embeddings are put in the embedding cache beforehand (clustered vectors, as scale.py uses),
so the full fit embeds nothing: a cold run with real embedding takes about 30 minutes more,
and only the fit's models matter here. The full fit runs once (skipped when the project
has one); stability seeds are off to shorten it. Then `--added` new pseudo-papers (a
listing file; `--round` picks another set, so they are not in the cache and are really
embedded) are added and `snakemake` runs end to end with update: incremental, timed.
Prints the figures for RESULTS.md's hand-written part.
"""

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np
from common import REPO, load_average, machine, now, run_timed
from scale import seed_vocabulary

OUT = REPO / "benchmarks" / "out" / "incremental"
WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "profiles"]


def snakemake(project: Path, log_name: str) -> float:
    """Seconds of one `snakemake --cores 2` in `project` (its log beside the project)."""
    load = load_average()
    timed = run_timed(
        [sys.executable, "-m", "snakemake", "--cores", "2"],
        cwd=project,
        env={"HF_HUB_OFFLINE": "1"},
        log_path=project.parent / f"{log_name}.log",
    )
    if timed.returncode != 0:
        sys.exit(f"snakemake failed: see {project.parent / (log_name + '.log')}")
    print(f"{log_name}: {timed.seconds:.1f} s (load before: {load}; after: {load_average()})")
    return timed.seconds


def set_update(project: Path, value: str) -> None:
    config = project / "config.yaml"
    lines = [
        f"update: {value}" if line.startswith("update:") else line
        for line in config.read_text(encoding="utf-8").splitlines()
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_project(project: Path, n_papers: int, vocabulary: list[str]) -> None:
    """The workflow, n_papers synthetic papers in seeds/, their vectors in the cache."""
    from synthetic_corpus import clustered_embeddings, pseudo_papers

    from topics.embed import (
        EmbeddingCache,
        choose_device,
        choose_precision,
        paper_texts,
        resolve_model,
        text_key,
    )

    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in WORKFLOW_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    config = project / "config.yaml"
    text = config.read_text(encoding="utf-8").replace("seeds: [42, 43, 44]", "seeds: []")
    config.write_text(text, encoding="utf-8")
    papers = pseudo_papers(n_papers, vocabulary, n_topics=50, seed=n_papers)
    (project / "seeds").mkdir()
    papers[["title", "abstract"]].to_parquet(project / "seeds" / "corpus.parquet", index=False)
    vectors = clustered_embeddings(papers["true_topic"].to_numpy(), seed=n_papers)
    precision = choose_precision("auto", choose_device("auto"))
    cache = EmbeddingCache(
        project / ".cache" / "embeddings", resolve_model("all-MiniLM-L6-v2"), precision
    )
    keys = [text_key(text) for text in paper_texts(papers)]
    cache.add(dict(zip(keys, vectors, strict=True)))


def add_papers(project: Path, n_added: int, vocabulary: list[str], round_: int) -> None:
    """n_added new pseudo-papers as a listing file (replacing an earlier round's)."""
    from synthetic_corpus import listing_text, pseudo_papers

    papers = pseudo_papers(n_added, vocabulary, n_topics=50, seed=10_000 + round_, id_prefix="new")
    for old in (project / "seeds").glob("added-*.txt"):
        old.unlink()
    (project / "seeds" / f"added-{round_}.txt").write_text(listing_text(papers), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=100)
    parser.add_argument("--round", type=int, default=1, help="which set of added papers")
    args = parser.parse_args()
    project = OUT / f"n{args.papers}"
    vocabulary = seed_vocabulary()
    print(f"{now()}; {machine()}")
    if not (project / "results" / "model" / "fit.json").exists():
        make_project(project, args.papers, vocabulary)
        set_update(project, "full")
        full = snakemake(project, "full")
        print(f"full fit, embeddings cached, no stability seeds: {full:.1f} s")
    add_papers(project, args.added, vocabulary, args.round)
    set_update(project, "incremental")
    seconds = snakemake(project, f"incremental-{args.round}")
    log = (project / "results" / "logs" / "embed_added_papers.log").read_text(encoding="utf-8")
    print("embedding:", next(line for line in log.splitlines() if "to embed" in line))
    bench = project / "results" / "benchmarks"
    for tsv in sorted(bench.glob("*.tsv")):
        if tsv.stat().st_mtime >= (project / "seeds" / f"added-{args.round}.txt").stat().st_mtime:
            row = tsv.read_text(encoding="utf-8").splitlines()[1].split("\t")
            print(f"  {tsv.stem}: {float(row[0]):.1f} s, {float(row[2]):.0f} MB max RSS")
    sizes = {p.name: p.stat().st_size / 1e6 for p in (project / "results" / "model").iterdir()}
    print("results/model/:", ", ".join(f"{k} {v:.1f} MB" for k, v in sorted(sizes.items())))
    print(f"incremental run, {args.added} papers added to {args.papers}: {seconds:.1f} s")
    added = np.load(project / "results" / "intermediate" / "umap_map.npy").shape[0]
    print(f"papers on the map: {added}")


if __name__ == "__main__":
    main()
