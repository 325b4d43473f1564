"""What a job costs under SLURM: the one-node cluster of .ci/slurm.sh against this machine.

    .ci/slurm.sh up && PYTHONPATH=$PWD/src python benchmarks/slurm.py; .ci/slurm.sh down

1. sbatch alone: a job running `true`, from sbatch until squeue says COMPLETED, one at a time.
2. One Snakemake job (a rule that writes a file): `snakemake --cores 1` on this machine
   against `snakemake --executor slurm`, wall time of each, and the SLURM job's own run
   time (its job step starts Python and Snakemake and builds the DAG again on the node).
3. The workflow on a small corpus (80 seed papers, 4 embedding shards, one stability
   seed): on this machine, with profiles/slurm, and with profiles/slurm plus the six
   report jobs in one group (one SLURM job).

Prints the figures as Markdown; they go into benchmarks/RESULTS.md's hand-written part.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from common import REPO, load_average, machine, now

REPORT_RULES = [
    "measure_trends",
    "score_topics",
    "write_tables",
    "plot_topic_pages",
    "plot_static_map",
    "write_index",
]
TRIVIAL_SNAKEFILE = """
rule all:
    input: "done.txt"

rule write_file:
    output: "done.txt"
    threads: 1
    resources: mem_mb=100, runtime=5
    shell: "echo done > {output}"
"""


def partition() -> str:
    idle = subprocess.run(
        ["sinfo", "--noheader", "--states=idle", "--format=%P"], capture_output=True, text=True
    )
    if idle.returncode != 0 or not idle.stdout.split():
        sys.exit("no idle SLURM node: start one with `.ci/slurm.sh up`")
    return idle.stdout.split()[0].rstrip("*")


def job_state(job: str) -> str:
    out = subprocess.run(
        ["squeue", "--noheader", "--states=all", "--format=%T", "--jobs", job],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def sbatch_alone(name: str, rounds: int) -> list[float]:
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        job = subprocess.run(
            ["sbatch", "--parsable", "-p", name, "-o", "/dev/null", "--wrap", "true"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        while job_state(job) != "COMPLETED":
            time.sleep(0.05)
        seconds.append(time.perf_counter() - started)
    return seconds


def timed_snakemake(root: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", *args], cwd=root, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"snakemake {' '.join(args)} failed in {root}:\n{done.stderr[-3000:]}")
    return seconds, done.stderr


def slurm_args(name: str) -> list[str]:
    return [
        "--executor",
        "slurm",
        "--jobs",
        "10",
        "--default-resources",
        f"slurm_partition={name}",
        "--slurm-status-command",
        "squeue",
        "--slurm-init-seconds-before-status-checks",
        "1",
    ]


def job_run_seconds(stderr: str) -> list[float]:
    """Each SLURM job's own run time (start to end, as squeue reports it)."""
    jobs = re.findall(r"submitted with SLURM jobid (\d+)", stderr)
    out = subprocess.run(
        ["squeue", "--noheader", "--states=all", "--format=%i %S %e", "--jobs", ",".join(jobs)],
        capture_output=True,
        text=True,
    )
    seconds = []
    for line in out.stdout.splitlines():
        _, start, end = line.split()
        start_s, end_s = (time.mktime(time.strptime(t, "%Y-%m-%dT%H:%M:%S")) for t in (start, end))
        seconds.append(end_s - start_s)
    return seconds


def trivial(root: Path, name: str, rounds: int) -> dict[str, list[float]]:
    root.mkdir()
    (root / "Snakefile").write_text(TRIVIAL_SNAKEFILE, encoding="utf-8")
    result: dict[str, list[float]] = {"local": [], "slurm": [], "slurm job": []}
    for _ in range(rounds):
        (root / "done.txt").unlink(missing_ok=True)
        result["local"].append(timed_snakemake(root, "--cores", "1")[0])
        (root / "done.txt").unlink()
        seconds, stderr = timed_snakemake(root, *slurm_args(name))
        result["slurm"].append(seconds)
        result["slurm job"] += job_run_seconds(stderr)
    return result


def small_project(root: Path, name: str) -> None:
    root.mkdir()
    for item in ["Snakefile", "config.yaml", "workflow", "profiles"]:
        source = REPO / item
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / item)
    (root / "seeds").mkdir()
    lines = (REPO / "seeds" / "002_278965dfa2f33ff2.txt").read_text(encoding="utf-8")
    (root / "seeds" / "a.txt").write_text("\n".join(lines.splitlines()[:162]) + "\n")
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    config["embedding"]["shard_size"] = 25
    config["consensus"]["throws"] = 1
    config["hdbscan"]["min_cluster_size"] = 5
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    profile = root / "profiles" / "slurm" / "config.yaml"
    text = profile.read_text(encoding="utf-8").replace('"your-partition"', f'"{name}"')
    profile.write_text(text, encoding="utf-8")


def workflow(root: Path, name: str, cpus: int) -> dict[str, tuple[float, int]]:
    """Wall seconds and SLURM jobs of the workflow run three ways, each in a fresh copy."""
    on_slurm = [
        "--workflow-profile",
        "profiles/slurm",
        "--set-threads",
        f"embed_papers={min(cpus, 8)}",
        "--slurm-init-seconds-before-status-checks",
        "2",
        # A group job asks for the cores of the jobs it runs side by side: no more than
        # the one node has, or it waits forever.
        "--cores",
        str(cpus),
    ]
    grouped = ["--groups", *(f"{rule}=report" for rule in REPORT_RULES)]
    runs = {
        "this machine (--cores 2)": ["--cores", "2"],
        "profiles/slurm": on_slurm,
        "profiles/slurm, report jobs in one group": [*on_slurm, *grouped],
    }
    result = {}
    for index, (label, args) in enumerate(runs.items()):
        copy = root / f"workflow{index}"
        small_project(copy, name)
        seconds, stderr = timed_snakemake(copy, *args)
        jobs = len(re.findall(r"submitted with SLURM jobid|individual task IDs", stderr))
        result[label] = (seconds, jobs)
        print(f"  {label}: {seconds:.1f} s, {jobs} sbatch calls", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    name = partition()
    cpus = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    print(f"# SLURM overhead ({now()})\n\nMachine: {machine()}")
    print(f"Load before: {load_average()}\n", flush=True)
    alone = sbatch_alone(name, args.rounds * 2)
    root = Path(tempfile.mkdtemp(prefix="topics-slurm-"))
    one = trivial(root / "trivial", name, args.rounds)
    median = statistics.median
    print("\n| what | median s (min-max) |\n| --- | --- |")
    print(
        f"| sbatch `true` to COMPLETED | {median(alone):.2f} ({min(alone):.2f}-{max(alone):.2f}) |"
    )
    for key, label in [
        ("local", "one Snakemake job, `snakemake --cores 1`"),
        ("slurm", "one Snakemake job, `--executor slurm` (first status check after 1 s)"),
        ("slurm job", "that SLURM job's own run time (its job step)"),
    ]:
        values = one[key]
        print(f"| {label} | {median(values):.1f} ({min(values):.1f}-{max(values):.1f}) |")
    sys.stdout.flush()
    runs = workflow(root, name, cpus)
    print("\n| workflow, 80 papers | wall s | SLURM submissions |\n| --- | --- | --- |")
    for label, (seconds, jobs) in runs.items():
        print(f"| {label} | {seconds:.1f} | {jobs} |")
    print(f"\nLoad after: {load_average()}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
