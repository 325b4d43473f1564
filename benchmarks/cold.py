"""Issue 15's cold-run targets: a cold `snakemake` against the plain BERTopic script on one
corpus, back to back.

    PYTHONPATH=src python benchmarks/cold.py CORPUS [--name NAME] [--no-warmup]

CORPUS is an input file (or a folder of them), e.g. ../shared/corpora/conferences-17k.jsonl.gz.
Each side runs in a fresh copy of the workflow with CORPUS alone in seeds/, fresh results/
and an empty embedding cache. numba's compile cache is the install's own, warmed first by
one untimed run of each on the bundled seeds (run.py's convention: "cold" is a new project
on a machine where the tools have run before). Prints the ratio, each rule's time and peak
memory, and writes them to benchmarks/out/cold-NAME.json; RESULTS.md quotes them by hand.
"""

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from common import REPO, load_average, machine, now
from run import fresh_copy, plain_script, rule_benchmarks, snakemake

OUT = REPO / "benchmarks" / "out"


def with_corpus(root: Path, name: str, corpus: Path) -> Path:
    """A fresh copy of the workflow whose seeds/ holds `corpus` alone."""
    copy = fresh_copy(root, name)
    shutil.rmtree(copy / "seeds")
    if corpus.is_dir():
        shutil.copytree(corpus, copy / "seeds")
    else:
        (copy / "seeds").mkdir()
        shutil.copy2(corpus, copy / "seeds" / corpus.name)
    return copy


def run_plain(root: Path, corpus: Path, result: dict) -> None:
    result["load_before_plain"] = load_average()
    result["plain"] = plain_script(with_corpus(root, "plain", corpus))
    result["load_after_plain"] = load_average()


def run_pipeline(root: Path, corpus: Path, result: dict) -> None:
    result["load_before_pipeline"] = load_average()
    pipeline = with_corpus(root, "pipeline", corpus)
    timed, jobs = snakemake(pipeline, root / "pipeline.log")
    result["pipeline"] = {"seconds": timed.seconds, "jobs": len(jobs)}
    result["rules"] = rule_benchmarks(pipeline)
    result["load_after_pipeline"] = load_average()


def save(name: str, result: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"cold-{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--name", default=None, help="name of the result file (corpus stem)")
    parser.add_argument("--no-warmup", action="store_true", help="numba's cache is warm already")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument(
        "--pipeline-first", action="store_true", help="run snakemake before the plain script"
    )
    args = parser.parse_args()
    name = args.name or args.corpus.name.split(".")[0]
    root = Path(tempfile.mkdtemp(prefix="topics-cold-"))
    result: dict = {"date": now(), "machine": machine(), "corpus": str(args.corpus)}
    try:
        if not args.no_warmup:
            warm = fresh_copy(root, "warmup")
            snakemake(warm, root / "warmup.log")
            plain_script(warm)
            print("numba cache warmed", flush=True)
        sides = {"plain": run_plain, "pipeline": run_pipeline}
        order = ["pipeline", "plain"] if args.pipeline_first else ["plain", "pipeline"]
        for side in order:
            # Each side's figures are written as soon as it ends, so a run stopped during
            # the second side still leaves the first one measured.
            sides[side](root, args.corpus, result)
            save(name, result)
        result["ratio"] = result["pipeline"]["seconds"] / result["plain"]["seconds"]
        topics_csv = root / "pipeline" / "results" / "topics.csv"
        result["topics_csv_rows"] = sum(1 for _ in topics_csv.open(encoding="utf-8")) - 1
        pipeline_s, plain_s = result["pipeline"]["seconds"], result["plain"]["seconds"]
        print(f"{name}: snakemake {pipeline_s:.1f} s / plain {plain_s:.1f} s", flush=True)
        print(f"  ratio {result['ratio']:.2f}", flush=True)
        for rule, record in sorted(result["rules"].items(), key=lambda item: -item[1]["s"]):
            print(f"  {rule:<24} {record['s']:7.1f} s {record['max_rss']:7.0f} MB", flush=True)
        save(name, result)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
