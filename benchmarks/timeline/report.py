"""Read the timeline sitecustomize.py writes: one row per job, the critical path's gaps."""

import json
import re
from pathlib import Path

# A job's script as Snakemake runs it: .snakemake/scripts/tmpXXXXXXXX.<script name>.py
SCRIPT = r"tmp\w+\.(\w+)\.py$"


def jobs_of(path: Path) -> tuple[dict, list[dict]]:
    """(Snakemake's own process, every job's process in start order), times in seconds
    from Snakemake's start."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    # The last Snakemake run in the file, and the jobs it started.
    main = max(
        (r for r in records if r["argv"] and r["argv"][0].endswith("snakemake/__main__.py")),
        key=lambda r: r["start"],
    )
    zero = main["start"]
    jobs, seen = [], {}
    for record in sorted(records, key=lambda r: r["start"]):
        if not zero <= record["start"] <= main["end"]:
            continue
        match = re.search(SCRIPT, record["argv"][0]) if record["argv"] else None
        if not match:
            continue
        script = match.group(1)
        seen[script] = seen.get(script, 0) + 1
        jobs.append(
            {
                "job": script if seen[script] == 1 else f"{script} #{seen[script]}",
                "start": record["start"] - zero,
                "startup": record["site"] - record["start"],
                "imports": record["imports"],
                "end": record["end"] - zero,
                "wall": record["end"] - record["start"],
            }
        )
    for job in jobs:
        job["work"] = job["wall"] - job["startup"] - job["imports"]
    main = {"start": 0.0, "end": main["end"] - zero, "imports": main["imports"]}
    return main, jobs


def waits(jobs: list[dict]) -> None:
    """Each job's `wait`: from the last job to end before it started (the end that let it
    start, or the last one Snakemake saw) to its start: Snakemake's own time between them."""
    for job in jobs:
        ends = [j["end"] for j in jobs if j["end"] <= job["start"]]
        job["wait"] = job["start"] - max(ends) if ends else job["start"]


def idle(main: dict, jobs: list[dict]) -> float:
    """Seconds of the run in which no job's process was alive: Snakemake alone."""
    busy, until = 0.0, 0.0
    for job in sorted(jobs, key=lambda j: j["start"]):
        start = max(job["start"], until)
        if job["end"] > start:
            busy += job["end"] - start
            until = job["end"]
    return main["end"] - busy


def table(path: Path) -> str:
    main, jobs = jobs_of(path)
    waits(jobs)
    lines = [
        "| job | starts at s | Snakemake's wait s | interpreter s | imports s | work s | wall s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for job in jobs:
        lines.append(
            f"| {job['job']} | {job['start']:.2f} | {job['wait']:.2f} | {job['startup']:.2f} | "
            f"{job['imports']:.2f} | {job['work']:.2f} | {job['wall']:.2f} |"
        )
    sums = {k: sum(j[k] for j in jobs) for k in ("startup", "imports", "work", "wall")}
    lines.append(
        f"| all {len(jobs)} jobs (summed) | | | {sums['startup']:.2f} | {sums['imports']:.2f} | "
        f"{sums['work']:.2f} | {sums['wall']:.2f} |"
    )
    last = max(j["end"] for j in jobs)
    lines.append(
        f"| Snakemake alone (no job alive): {idle(main, jobs):.2f} s of {main['end']:.2f} s; "
        f"before the first job {min(j['start'] for j in jobs):.2f} s, after the last "
        f"{main['end'] - last:.2f} s | | | | | | |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(table(Path(sys.argv[1])))
