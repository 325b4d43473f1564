"""Shared by the benchmark scripts: timed child processes, machine description, config."""

import datetime
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


@dataclass
class Timed:
    """Wall time and peak resident memory of one child process (and the children it reaped)."""

    seconds: float
    max_rss_mb: float
    returncode: int


def run_timed(
    args: list[str],
    *,
    cwd: Path | str = REPO,
    env: dict | None = None,
    log_path: Path | None = None,
    timeout: float | None = None,
) -> Timed:
    """Run a command; wall seconds and peak RSS come from wait4, so only this child counts.

    `env` adds to the environment; a None value removes that variable.
    """
    env = {
        key: value
        for key, value in {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}.items()
        if value is not None
    }
    out = open(log_path, "w", encoding="utf-8") if log_path else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    try:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                process.kill()
            time.sleep(0.05)
    finally:
        if log_path:
            out.close()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Timed(seconds, usage.ru_maxrss / 1024, process.returncode)


def python_job(code: str, **kwargs) -> Timed:
    """Run Python code in a fresh interpreter, as a Snakemake job would."""
    return run_timed([sys.executable, "-c", code], **kwargs)


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def machine() -> str:
    """One line: CPU model, cores, memory, bf16 support, Python and OS."""
    cpu = platform.processor() or platform.machine()
    flags = ""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        for line in info.splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = line
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    bf16 = [flag for flag in ("avx512_bf16", "amx_bf16") if f" {flag}" in flags]
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}, bf16: {', '.join(bf16) or 'no'}; "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def pipeline_config() -> dict:
    """config.yaml with the schema's defaults filled in."""
    import yaml

    sys.path.insert(0, str(SRC))
    from topics.config import validate_config

    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    return validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
