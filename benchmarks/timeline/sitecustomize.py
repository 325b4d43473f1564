"""Per-process timeline for benchmarks/cold.py (never on the package's path).

With this folder on PYTHONPATH and TOPICS_TIMELINE naming a file, every Python process
(Snakemake and each of its jobs) appends one JSON line when it exits: its script, when the
process started (from /proc, before the interpreter ran), when this file ran (the
interpreter's own start-up done), when it exited, and the seconds spent importing modules
(outermost imports only, so nested imports are not counted twice).
"""

import atexit
import json
import os
import sys
import time

_PATH = os.environ.get("TOPICS_TIMELINE")


def _process_start() -> float:
    """Wall-clock time the process started (10 ms resolution), from /proc: its start in
    clock ticks since boot, and boot's time from the uptime (btime is in whole seconds)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as handle:
            boot = time.time() - float(handle.read().split()[0])
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.time()


if _PATH:
    import _frozen_importlib

    _started = _process_start()
    _site = time.time()
    _imports = {"s": 0.0, "depth": 0}
    _find_and_load = _frozen_importlib._find_and_load

    def _timed_find_and_load(name, import_):
        if _imports["depth"]:
            return _find_and_load(name, import_)
        _imports["depth"] = 1
        begin = time.perf_counter()
        try:
            return _find_and_load(name, import_)
        finally:
            _imports["s"] += time.perf_counter() - begin
            _imports["depth"] = 0

    _frozen_importlib._find_and_load = _timed_find_and_load

    @atexit.register
    def _write() -> None:
        record = {
            "pid": os.getpid(),
            "argv": sys.argv[:3],
            "start": _started,
            "site": _site,
            "end": time.time(),
            "imports": round(_imports["s"], 3),
        }
        with open(_PATH, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
