"""Issue 15's cold-run targets: a cold `snakemake` against the plain BERTopic script on one
corpus, back to back.

    PYTHONPATH=src python benchmarks/cold.py CORPUS [--name NAME] [--no-warmup] [--pairs N]

CORPUS is an input file (or a folder of them), e.g. ../shared/corpora/conferences-17k.jsonl.gz,
or seeds (issue 25: the demo every new user sees first).
Each side runs in a fresh copy of the workflow with CORPUS alone in seeds/, fresh results/
and an empty embedding cache. numba's compile cache is the install's own, warmed first by
one untimed run of each on the bundled seeds (run.py's convention: "cold" is a new project
on a machine where the tools have run before). Prints the ratio, each rule's time and peak
memory, and writes them to benchmarks/out/cold-NAME.json; RESULTS.md quotes them by hand.

Each pipeline run also records every process's timeline (benchmarks/timeline: when each
job's process started, its interpreter's start-up, its imports, its work, and Snakemake's
gaps between the jobs of the critical path) and prints it as a table. --pairs N runs N
pairs back to back, each with the load average before and after, and prints every ratio.
--added N (issue 25's incremental target) then adds N papers of --added-from (a JSON Lines
corpus, the first N with a title and an abstract, as a listing file) to each pair's finished
pipeline run and runs `snakemake` again with `update: incremental`, timed against that cold
run.
"""

import argparse
import gzip
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from common import REPO, SRC, load_average, machine, now, run_timed
from run import CORES, fresh_copy, plain_script, rule_benchmarks, snakemake

OUT = REPO / "benchmarks" / "out"
TIMELINE = REPO / "benchmarks" / "timeline"
sys.path.insert(0, str(TIMELINE))

from report import table  # noqa: E402


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
    timeline = root / "pipeline-timeline.jsonl"
    timeline.unlink(missing_ok=True)
    log = root / "pipeline.log"
    timed = run_timed(
        [sys.executable, "-m", "snakemake", "--cores", CORES],
        cwd=pipeline,
        env={"PYTHONPATH": f"{TIMELINE}:{SRC}", "TOPICS_TIMELINE": str(timeline)},
        log_path=log,
    )
    if timed.returncode != 0:
        sys.exit(f"snakemake failed in {pipeline}; see {log}")
    result["pipeline"] = {"seconds": timed.seconds, "jobs": log.read_text().count("\nrule ")}
    result["rules"] = rule_benchmarks(pipeline)
    result["timeline"] = table(timeline)
    result["load_after_pipeline"] = load_average()


FIELDS = ("title", "abstract")


def added_listing(corpus: Path, count: int) -> str:
    """The first `count` papers of a JSON Lines corpus with a title and an abstract, as a
    listing file (a title line, then its abstract line)."""
    lines = []
    with (
        gzip.open(corpus, "rt", encoding="utf-8")
        if corpus.suffix == ".gz"
        else corpus.open(encoding="utf-8") as handle
    ):
        for line in handle:
            paper = json.loads(line)
            title, abstract = (" ".join(str(paper.get(k) or "").split()) for k in FIELDS)
            if title and abstract:
                lines.append(f"{title}\n{abstract}\n")
            if len(lines) == count:
                break
    return "".join(lines)


def run_incremental(root: Path, listing: str, result: dict) -> None:
    """Add the listing to the finished pipeline run and run it with update: incremental."""
    pipeline = root / "pipeline"
    (pipeline / "seeds" / "zz_added_papers.txt").write_text(listing, encoding="utf-8")
    config = pipeline / "config.yaml"
    text, count = re.subn(r"(?m)^update: full$", "update: incremental", config.read_text())
    if count != 1:
        sys.exit("config.yaml has no `update: full` line to change")
    config.write_text(text, encoding="utf-8")
    result["load_before_incremental"] = load_average()
    log = root / "incremental.log"
    timed = run_timed(
        [sys.executable, "-m", "snakemake", "--cores", CORES], cwd=pipeline, log_path=log
    )
    if timed.returncode != 0:
        sys.exit(f"snakemake (incremental) failed in {pipeline}; see {log}")
    result["incremental"] = {"seconds": timed.seconds, "jobs": log.read_text().count("\nrule ")}
    result["load_after_incremental"] = load_average()


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
    parser.add_argument("--pairs", type=int, default=1, help="pairs of runs back to back")
    parser.add_argument("--added", type=int, default=0, help="papers added incrementally")
    parser.add_argument(
        "--added-from",
        type=Path,
        default=REPO.parent / "shared" / "corpora" / "conferences-17k.jsonl.gz",
        help="JSON Lines corpus the added papers come from",
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
        result["pairs"] = []
        listing = added_listing(args.added_from, args.added) if args.added else ""
        for pair in range(args.pairs):
            for side in order:
                # Each side's figures are written as soon as it ends, so a run stopped during
                # the second side still leaves the first one measured.
                shutil.rmtree(root / side, ignore_errors=True)
                sides[side](root, args.corpus, result)
                save(name, result)
            result["ratio"] = result["pipeline"]["seconds"] / result["plain"]["seconds"]
            pipeline_s, plain_s = result["pipeline"]["seconds"], result["plain"]["seconds"]
            result["pairs"].append(
                {
                    "snakemake_s": round(pipeline_s, 1),
                    "plain_s": round(plain_s, 1),
                    "ratio": round(result["ratio"], 3),
                    "load": [result[f"load_{w}_{s}"] for s in order for w in ("before", "after")],
                }
            )
            print(
                f"{name} pair {pair + 1}: snakemake {pipeline_s:.1f} s / plain {plain_s:.1f} s"
                f" = {result['ratio']:.2f}; load {result['load_before_' + order[0]]}"
                f" -> {result['load_after_' + order[1]]}",
                flush=True,
            )
            if listing:
                run_incremental(root, listing, result)
                added_s = result["incremental"]["seconds"]
                result["pairs"][-1] |= {
                    "incremental_s": round(added_s, 1),
                    "incremental_ratio": round(added_s / pipeline_s, 3),
                    "incremental_load": [
                        result["load_before_incremental"],
                        result["load_after_incremental"],
                    ],
                }
                print(
                    f"{name} pair {pair + 1}: {args.added} papers added incrementally"
                    f" {added_s:.1f} s = {added_s / pipeline_s:.2f} of the cold run;"
                    f" load {result['load_before_incremental']}"
                    f" -> {result['load_after_incremental']}",
                    flush=True,
                )
                save(name, result)
        topics_csv = root / "pipeline" / "results" / "topics.csv"
        result["topics_csv_rows"] = sum(1 for _ in topics_csv.open(encoding="utf-8")) - 1
        for rule, record in sorted(result["rules"].items(), key=lambda item: -item[1]["s"]):
            print(f"  {rule:<24} {record['s']:7.1f} s {record['max_rss']:7.0f} MB", flush=True)
        print("the last pipeline run, process by process (critical path in bold):")
        print(result["timeline"], flush=True)
        save(name, result)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
