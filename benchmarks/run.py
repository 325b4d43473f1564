"""The speed benchmark of issue 5: the pipeline against a plain BERTopic script.

    PYTHONPATH=src python benchmarks/run.py

Back to back on the seeds, each run in a temporary copy of the repository with fresh
results/ and a fresh embedding cache. numba's compile cache is the install's own (where
both the plain script and the pipeline keep compiled UMAP code), warmed by one untimed run
of each first: "cold" means a new project on a machine where the tools have run before.

0. untimed warm-up of numba's cache: the pipeline once, the plain script once;
1. the plain BERTopic script (benchmarks/plain_bertopic.py), median of 2 runs;
2. a cold `snakemake --cores 2`;
3. a rerun after changing hdbscan.min_cluster_size;
4. a rerun after adding 10 new papers to seeds/ (made from seed sentences, deterministic);
5. embedding throughput: the pipeline's encoder in bfloat16 against sentence-transformers
   in float32, and the lowest cosine between them;
6. import time of each job, and peak memory of every job (from its benchmark file);
7. for reference, the first run after installing: the plain script and a cold pipeline,
   each with an empty numba cache of its own (both compile UMAP).

Prints one table of ratios against the issue's targets and writes benchmarks/RESULTS.md
(date, machine, load). Takes about 15 minutes on a quiet 2-core machine.
"""

import argparse
import csv
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, Timed, load_average, machine, now, pipeline_config, python_job, run_timed

COPIED = ["Snakefile", "config.yaml", "workflow", "profiles", "seeds"]
NEW_SEEDS_FILE = "zz_benchmark_new_papers.txt"
# RESULTS.md from this line on is written by hand and kept by every rewrite.
HAND_WRITTEN = "<!-- Written by hand from here on"
CORES = "2"

# What each Snakemake job imports (its script, then the libraries its function loads).
JOB_IMPORTS = {
    "(every job) snakemake script preamble": "import snakemake.script",
    "parse_seeds": "import topics.logs, topics.parse",
    "embed_papers": "import topics.logs, topics.embed, torch, sentence_transformers",
    "reduce_umap / reduce_umap_map": "import topics.logs, topics.reduce\n"
    "from topics.startup import import_umap; import_umap()",
    "cluster_hdbscan": "import topics.logs, topics.cluster, hdbscan",
    "label_topics": "import topics.logs, topics.label, sklearn.feature_extraction.text\n"
    "from topics.startup import import_bertopic; import_bertopic()",
    "label_topics, plain `import bertopic` (before)": "import bertopic",
    "score_topics": "import topics.logs, topics.metrics, topics.coherence\n"
    "import sklearn.feature_extraction.text, sklearn.metrics",
    "write_tables": "import topics.logs, topics.report.tables",
    "plot_topic_pages": "import topics.logs, topics.report.pages, plotly.offline\n"
    "import topics.plotting.topic_map, topics.plotting.intertopic\n"
    "import topics.plotting.hierarchy, topics.plotting.similarity\n"
    "import topics.plotting.top_terms, topics.plotting.sources",
    "plot_static_map": "import topics.logs, topics.report.pages, topics.plotting.static_map",
    "write_index": "import topics.logs, topics.report.pages",
}

THROUGHPUT = """
import json, sys, time
import numpy as np, torch
from sentence_transformers import SentenceTransformer
from topics.embed import encode, load_model, paper_texts, resolve_model
from topics.parse import list_seed_files, parse_seeds
torch.set_num_threads(int(sys.argv[1]))
BATCH_SIZE = int(sys.argv[2])
papers, _ = parse_seeds([(p.name, p.read_bytes()) for p in list_seed_files("seeds")])
texts = paper_texts(papers)
result = {"texts": len(texts)}
vectors = {}
reference = SentenceTransformer(str(resolve_model("all-MiniLM-L6-v2")), device="cpu")
pipeline = load_model("all-MiniLM-L6-v2", "cpu")
runs = {
    # The baseline: sentence-transformers' own call in float32, with its defaults (batch 32).
    "st_float32": lambda batch: reference.encode(batch, show_progress_bar=False,
                                                 normalize_embeddings=True),
    # As the plain script calls it (batch 64); reported beside the baseline.
    "st_float32_batch64": lambda batch: reference.encode(batch, batch_size=64,
                                                         show_progress_bar=False,
                                                         normalize_embeddings=True),
    # The pipeline's encoder, precision, batch size and cores (topics.embed.encode: bfloat16
    # autocast, texts padded to a multiple of 32 tokens, one model copy per core).
    "bfloat16": lambda batch: encode(pipeline, batch, BATCH_SIZE, "bfloat16",
                                     threads=int(sys.argv[1])),
}
for run in runs.values():
    run(texts[:64])  # warm-up: first-call allocations
# Best of three rounds, alternating, so a busy moment does not decide the ratio.
for _ in range(3):
    for name, run in runs.items():
        started = time.perf_counter()
        vectors[name] = run(texts)
        result[name] = min(result.get(name, float("inf")), time.perf_counter() - started)
cosine = (vectors["st_float32"] * vectors["bfloat16"]).sum(axis=1)
result["min_cosine"] = float(cosine.min())
result["mean_cosine"] = float(cosine.mean())
print("RESULT " + json.dumps(result))
"""


def fresh_copy(root: Path, name: str) -> Path:
    """A copy of the workflow and seeds, without results/ or caches."""
    copy = root / name
    copy.mkdir()
    for item in COPIED:
        source = REPO / item
        if source.is_dir():
            shutil.copytree(source, copy / item, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            shutil.copy2(source, copy / item)
    return copy


def snakemake(copy: Path, log: Path, numba_cache: Path | None = None) -> tuple[Timed, list[str]]:
    """Run the workflow in `copy`; time it and list the jobs it ran. numba_cache None: the
    install's own numba cache."""
    timed = run_timed(
        [sys.executable, "-m", "snakemake", "--cores", CORES],
        cwd=copy,
        env={"NUMBA_CACHE_DIR": numba_cache and str(numba_cache)},
        log_path=log,
    )
    if timed.returncode != 0:
        sys.exit(f"snakemake failed in {copy}; see {log}")
    jobs = re.findall(r"^(?:local)?rule (\w+):", log.read_text(encoding="utf-8"), re.M)
    return timed, jobs


def rule_benchmarks(copy: Path) -> dict[str, dict]:
    """Each rule's benchmark record (seconds, max_rss MB, ...), from results/benchmarks/;
    for a rule of several jobs (a folder: embed_papers/shard-*.tsv, reduce_umap_seed/
    seed*.tsv), its slowest job's record with the seconds of all its jobs added up."""
    records: dict[str, dict] = {}
    folder = copy / "results" / "benchmarks"
    for tsv in sorted(folder.glob("*.tsv")) + sorted(folder.glob("*/*.tsv")):
        with tsv.open(encoding="utf-8") as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        record = {key: _number(value) for key, value in row.items()}
        rule = tsv.stem if tsv.parent == folder else tsv.parent.name
        if rule in records:
            total = records[rule]["s"] + record["s"]
            record = max(records[rule], record, key=lambda r: r["s"]) | {"s": total}
        records[rule] = record
    return records


def _number(value: str):
    try:
        return float(value)
    except ValueError:
        return value


def throughput(root: Path) -> dict:
    """sentence-transformers float32 against the pipeline's bfloat16, same texts and CPU."""
    log = root / "throughput.log"
    batch_size = pipeline_config()["embedding"]["batch_size"]
    run_timed([sys.executable, "-c", THROUGHPUT, CORES, str(batch_size)], cwd=REPO, log_path=log)
    line = next(
        (x for x in log.read_text(encoding="utf-8").splitlines() if x.startswith("RESULT ")), None
    )
    if line is None:
        sys.exit(f"the throughput measurement failed; see {log}")
    result = json.loads(line.removeprefix("RESULT "))
    print(f"  throughput: {result}", flush=True)
    return result


def plain_script(copy: Path, numba_cache: Path | None = None, extra: list[str] = ()) -> dict:
    """Run the plain BERTopic script on the copy's seeds; its wall time, memory and phases.
    `extra`: more of its arguments (--embeddings)."""
    timed = run_timed(
        [
            sys.executable,
            str(REPO / "benchmarks" / "plain_bertopic.py"),
            str(copy / "out"),
            str(copy / "seeds"),
            *extra,
        ],
        cwd=copy,
        env={"NUMBA_CACHE_DIR": numba_cache and str(numba_cache)},
        log_path=copy / "plain.log",
    )
    if timed.returncode != 0:
        sys.exit(f"the plain script failed; see {copy / 'plain.log'}")
    phases = (copy / "plain.log").read_text(encoding="utf-8").strip().splitlines()[-1]
    print(f"  plain: {timed.seconds:.1f} s, {timed.max_rss_mb:.0f} MB ({phases})", flush=True)
    return {"seconds": timed.seconds, "max_rss_mb": timed.max_rss_mb, "phases": phases}


def import_times(root: Path) -> list[dict]:
    rows = []
    for job, code in JOB_IMPORTS.items():
        log = root / "importtime.log"
        timed = python_job(code, env={"PYTHONPROFILEIMPORTTIME": "1"}, log_path=log)
        top = []
        for line in log.read_text(encoding="utf-8").splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)
            if match:  # top-level packages only (no indentation before the name)
                top.append((int(match.group(1)) / 1e6, match.group(2)))
        top.sort(reverse=True)
        rows.append(
            {
                "job": job,
                "seconds": timed.seconds,
                "max_rss_mb": timed.max_rss_mb,
                "top": ", ".join(f"{name} {s:.1f}" for s, name in top[:4]),
            }
        )
        print(f"  import {job:<48} {timed.seconds:5.1f} s  ({rows[-1]['top']})", flush=True)
    return rows


def add_new_papers(copy: Path) -> int:
    from synthetic_corpus import listing_text, recombined_papers

    from topics.parse import list_seed_files, parse_seeds

    papers, _ = parse_seeds([(p.name, p.read_bytes()) for p in list_seed_files(copy / "seeds")])
    new = recombined_papers(papers, 10, seed=5)
    (copy / "seeds" / NEW_SEEDS_FILE).write_text(listing_text(new), encoding="utf-8")
    return len(new)


def set_min_cluster_size(copy: Path, value: int) -> None:
    config = copy / "config.yaml"
    text, count = re.subn(
        r"(?m)^(  min_cluster_size:) \d+", rf"\1 {value}", config.read_text(encoding="utf-8")
    )
    if count != 1:
        sys.exit("config.yaml has no hdbscan.min_cluster_size line to change")
    config.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain-runs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite RESULTS.md from the last run's benchmarks/out/results.json",
    )
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="measure embedding throughput again into the last results.json",
    )
    parser.add_argument(
        "--imports-only",
        action="store_true",
        help="measure job import costs again into the last results.json",
    )
    args = parser.parse_args()
    saved = REPO / "benchmarks" / "out" / "results.json"
    if args.throughput_only or args.imports_only:
        sys.path.insert(0, str(REPO / "src"))
        m = json.loads(saved.read_text())
        scratch = Path(tempfile.mkdtemp(prefix="topics-bench-"))
        if args.throughput_only:
            m["loads"]["embedding throughput"] = load_average()
            m["throughput"] = throughput(scratch)
        if args.imports_only:
            m["loads"]["import times"] = load_average()
            m["imports"] = import_times(scratch)
        saved.write_text(json.dumps(m, indent=1))
    if args.report_only or args.throughput_only or args.imports_only:
        m = json.loads(saved.read_text())
        table = targets(m)
        print("\n".join(table))
        write_results(m, table)
        return
    sys.path.insert(0, str(REPO / "src"))
    root = Path(tempfile.mkdtemp(prefix="topics-bench-"))
    m: dict = {"date": now(), "machine": machine(), "loads": {}}

    def note_load(step: str) -> None:
        m["loads"][step] = load_average()
        print(f"[{step}] load {m['loads'][step]}", flush=True)

    note_load("warm-up (untimed)")
    snakemake(fresh_copy(root, "warmup"), root / "warmup.log")
    plain_script(fresh_copy(root, "plain-warmup"))

    plain = []
    for number in range(args.plain_runs):
        note_load(f"plain script, run {number + 1}")
        plain.append(plain_script(fresh_copy(root, f"plain{number}")))
    m["plain"] = plain
    m["plain_median"] = statistics.median(run["seconds"] for run in plain)

    copy = fresh_copy(root, "pipeline")
    note_load("cold snakemake")
    cold, jobs = snakemake(copy, root / "cold.log")
    m["cold"] = {
        "seconds": cold.seconds,
        "max_rss_mb": cold.max_rss_mb,
        "jobs": jobs,
        "rules": rule_benchmarks(copy),
    }
    print(f"  cold: {cold.seconds:.1f} s, {len(jobs)} jobs", flush=True)

    set_min_cluster_size(copy, 8)
    note_load("rerun, hdbscan.min_cluster_size 10 -> 8")
    rerun, jobs = snakemake(copy, root / "rerun_hdbscan.log")
    m["rerun_hdbscan"] = {
        "seconds": rerun.seconds,
        "jobs": jobs,
        "rules": {k: v for k, v in rule_benchmarks(copy).items() if k in jobs},
    }
    print(f"  rerun (min_cluster_size): {rerun.seconds:.1f} s, jobs {jobs}", flush=True)

    added = add_new_papers(copy)
    note_load("rerun, 10 papers added")
    started = time.time()
    grown, jobs = snakemake(copy, root / "rerun_added.log")
    # One log per embedding shard; shards that did not change keep their earlier log.
    shard_logs = sorted((copy / "results" / "logs" / "embed_papers").glob("*.log"))
    counts = [
        re.search(r"(\d+) texts: (\d+) from the cache, (\d+) to embed", log.read_text("utf-8"))
        for log in shard_logs
        if log.stat().st_mtime > started
    ]
    m["rerun_added"] = {
        "seconds": grown.seconds,
        "jobs": jobs,
        "added": added,
        "texts": sum(int(found[1]) for found in counts),
        "from_cache": sum(int(found[2]) for found in counts),
        "embedded": sum(int(found[3]) for found in counts),
        "rules": {k: v for k, v in rule_benchmarks(copy).items() if k in jobs},
    }
    embedded = m["rerun_added"]["embedded"]
    print(f"  rerun (+{added} papers): {grown.seconds:.1f} s, embedded {embedded}", flush=True)

    note_load("embedding throughput")
    m["throughput"] = throughput(root)

    note_load("import times")
    m["imports"] = import_times(root)

    # The first run after installing: nothing compiled yet, for either.
    note_load("first run: plain script, empty numba cache")
    copy = fresh_copy(root, "plain-first")
    m["first_plain"] = plain_script(copy, numba_cache=copy / "numba")
    note_load("first run: cold snakemake, empty numba cache")
    copy = fresh_copy(root, "pipeline-first")
    first, jobs = snakemake(copy, root / "first.log", numba_cache=copy / "numba")
    m["first_cold"] = {"seconds": first.seconds, "jobs": jobs}
    print(
        f"  first run: plain {m['first_plain']['seconds']:.1f} s, snakemake {first.seconds:.1f} s",
        flush=True,
    )

    (REPO / "benchmarks" / "out").mkdir(exist_ok=True)
    (REPO / "benchmarks" / "out" / "results.json").write_text(json.dumps(m, indent=1))
    table = targets(m)
    print("\n" + "\n".join(table))
    write_results(m, table)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"copies kept in {root}")


def targets(m: dict) -> list[str]:
    """The issue's targets as one Markdown table of measured ratios."""
    cold = m["cold"]["seconds"]
    cold_embed = m["cold"]["rules"]["embed_papers"]["s"]
    added_embed = m["rerun_added"]["rules"]["embed_papers"]["s"]
    t = m["throughput"]
    base = t.get("st_float32", t.get("float32"))  # older results.json: the pipeline's float32
    measured = {
        rule: r for rule, r in m["cold"]["rules"].items() if isinstance(r["max_rss"], float)
    }  # "NA" for jobs too short to sample
    peak_job = max(measured.items(), key=lambda item: item[1]["max_rss"])
    rows = [
        (
            "cold `snakemake --cores 2` / plain BERTopic script",
            f"{cold:.1f} s / {m['plain_median']:.1f} s",
            cold / m["plain_median"],
            "<= 0.8",
            True,
        ),
        (
            "rerun after hdbscan.min_cluster_size change / cold",
            f"{m['rerun_hdbscan']['seconds']:.1f} s / {cold:.1f} s",
            m["rerun_hdbscan"]["seconds"] / cold,
            "<= 0.15",
            True,
        ),
        (
            "papers embedded after adding 10",
            f"{m['rerun_added']['embedded']} of {m['rerun_added']['texts']}",
            m["rerun_added"]["embedded"],
            "== 10",
            None,
        ),
        (
            "embed step after adding 10 / cold embed step",
            f"{added_embed:.1f} s / {cold_embed:.1f} s",
            added_embed / cold_embed,
            "<= 0.1",
            True,
        ),
        (
            "embedding throughput, pipeline bfloat16 / sentence-transformers float32",
            f"{t['texts'] / t['bfloat16']:.1f} / {t['texts'] / base:.1f} texts/s",
            base / t["bfloat16"],
            ">= 2",
            False,
        ),
        (
            "lowest cosine, pipeline bfloat16 vs sentence-transformers float32",
            f"mean {t['mean_cosine']:.5f}",
            t["min_cosine"],
            ">= 0.999",
            False,
        ),
        (
            "peak memory of any job (cold run)",
            f"{peak_job[0]} (of {len(measured)} jobs with a reading)",
            peak_job[1]["max_rss"] / 1024,
            "<= 2 GB",
            True,
        ),
    ]
    lines = ["| target | measured | value | goal | met |", "| --- | --- | --- | --- | --- |"]
    for name, measured, value, goal, at_most in rows:
        bound = float(re.sub(r"[^\d.]", "", goal))
        met = value == bound if at_most is None else value <= bound if at_most else value >= bound
        shown = (
            f"{value:.0f}"
            if at_most is None
            else f"{value:.4f}"
            if value > 0.99 and value < 1
            else f"{value:.2f}"
        )
        lines.append(f"| {name} | {measured} | {shown} | {goal} | {'yes' if met else 'NO'} |")
    return lines


def write_results(m: dict, table: list[str]) -> None:
    cold_rules = m["cold"]["rules"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {m['date']} with `PYTHONPATH=src python benchmarks/run.py`.",
        "",
        f"Machine: {m['machine']}",
        "",
        "## Targets (issue 5)",
        "",
        *table,
        "",
        "## Load average at each step",
        "",
        "Timings are only comparable when the load is near 0 before each step.",
        "",
        "| step | load |",
        "| --- | --- |",
        *[f"| {step} | {load} |" for step, load in m["loads"].items()],
        "",
        "## Runs",
        "",
        "| run | wall | peak RSS | jobs / phases |",
        "| --- | --- | --- | --- |",
        *[
            f"| plain BERTopic script, run {i + 1} | {r['seconds']:.1f} s | "
            f"{r['max_rss_mb']:.0f} MB | {r['phases']} |"
            for i, r in enumerate(m["plain"])
        ],
        f"| cold snakemake | {m['cold']['seconds']:.1f} s | (per job below) | "
        f"{len(m['cold']['jobs'])} jobs |",
        f"| rerun, min_cluster_size 10 -> 8 | {m['rerun_hdbscan']['seconds']:.1f} s | | "
        f"{', '.join(m['rerun_hdbscan']['jobs'])} |",
        f"| rerun, 10 papers added | {m['rerun_added']['seconds']:.1f} s | | "
        f"{', '.join(m['rerun_added']['jobs'])}; embedded {m['rerun_added']['embedded']}, "
        f"{m['rerun_added']['from_cache']} from the cache |",
        *(
            [
                f"| first run after installing (empty numba cache): plain script | "
                f"{m['first_plain']['seconds']:.1f} s | {m['first_plain']['max_rss_mb']:.0f} MB | "
                f"{m['first_plain']['phases']} |",
                f"| first run after installing (empty numba cache): cold snakemake | "
                f"{m['first_cold']['seconds']:.1f} s | | ratio to the plain script's first run "
                f"{m['first_cold']['seconds'] / m['first_plain']['seconds']:.2f} |",
            ]
            if "first_cold" in m
            else []
        ),
        "",
        "## Every job (Snakemake benchmark files)",
        "",
        "| rule | cold s | cold peak RSS MB | rerun min_cluster_size s | rerun +10 papers s |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule, record in sorted(cold_rules.items(), key=lambda item: -item[1]["s"]):
        again = m["rerun_hdbscan"]["rules"].get(rule, {}).get("s")
        added = m["rerun_added"]["rules"].get(rule, {}).get("s")
        rss = record["max_rss"]
        lines.append(
            f"| {rule} | {record['s']:.1f} | "
            f"{f'{rss:.0f}' if isinstance(rss, float) else rss} | "
            f"{'' if again is None else f'{again:.1f}'} | "
            f"{'' if added is None else f'{added:.1f}'} |"
        )
    t = m["throughput"]
    base = t.get("st_float32", t.get("float32"))
    lines += [
        "",
        "## Embedding throughput",
        "",
        f"{t['texts']} seed texts, all-MiniLM-L6-v2, {CORES} cores, best of three "
        f"rounds: sentence-transformers float32, its own call with default batch 32, "
        f"{base:.1f} s ({t['texts'] / base:.1f} texts/s)"
        + (
            f"; at batch 64 as the plain script calls it {t['st_float32_batch64']:.1f} s "
            f"(ratio {t['st_float32_batch64'] / t['bfloat16']:.2f})"
            if "st_float32_batch64" in t
            else ""
        )
        + "; the pipeline's encoder (config's batch size, "
        "texts padded to a multiple of 32 tokens, one model copy per core), "
        f"bfloat16 autocast {t['bfloat16']:.1f} s "
        f"({t['texts'] / t['bfloat16']:.1f} texts/s); cosine bfloat16 vs float32 min "
        f"{t['min_cosine']:.5f}, mean {t['mean_cosine']:.5f}.",
        "",
        "## Import cost per job",
        "",
        "Fresh interpreter importing what the job imports (`-X importtime`; wall includes "
        "interpreter start). Largest top-level packages, cumulative seconds.",
        "",
        "| job | wall s | peak RSS MB | largest imports (s) |",
        "| --- | --- | --- | --- |",
        *[
            f"| {r['job']} | {r['seconds']:.1f} | {r['max_rss_mb']:.0f} | {r['top']} |"
            for r in m["imports"]
        ],
    ]
    scale = REPO / "benchmarks" / "SCALE.md"
    if scale.exists():
        body = scale.read_text(encoding="utf-8").split("\n", 1)[1]
        lines += ["", "## Scale (from benchmarks/SCALE.md, `benchmarks/scale.py`)", body]
    results = REPO / "benchmarks" / "RESULTS.md"
    # The hand-written findings at the end of the file stay as they are.
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    if HAND_WRITTEN in old:
        lines += ["", HAND_WRITTEN + old.split(HAND_WRITTEN, 1)[1].rstrip("\n")]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
