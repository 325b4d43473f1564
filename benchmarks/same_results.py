"""Are two runs' results/ the same? Issue 25: every page and table as before.

    python benchmarks/same_results.py RESULTS_A RESULTS_B

Every file but logs/ and benchmarks/ (times) is compared byte for byte, except what two
runs of the same code on the same seeds differ in too: dates (index.html's build date,
fit.json's "fitted") and the pickled UMAP models, whose bytes differ between identical
runs. A text file that differs is printed line by line after dropping its dates, so a new
setting on index.html shows up as exactly that.
"""

import difflib
import re
import sys
from pathlib import Path

DATE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
SKIPPED_FOLDERS = {"logs", "benchmarks"}
UNPICKLED_DIFFER = {"model/umap_cluster.pkl", "model/umap_map.pkl"}


def files(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] not in SKIPPED_FOLDERS
    }


def lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace").replace("><", ">\n<")
    return [DATE.sub("<date>", line) for line in text.splitlines()]


def main() -> int:
    a, b = Path(sys.argv[1]), Path(sys.argv[2])
    only = files(a) ^ files(b)
    for name in sorted(only):
        print(f"only in {'A' if (a / name).exists() else 'B'}: {name}")
    same, differ = 0, 0
    for name in sorted(files(a) & files(b)):
        if (a / name).read_bytes() == (b / name).read_bytes():
            same += 1
            continue
        if name in UNPICKLED_DIFFER:
            print(f"{name}: bytes differ (as between two runs of the same code)")
            continue
        diff = [
            line
            for line in difflib.unified_diff(lines(a / name), lines(b / name), n=0, lineterm="")
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
        ]
        if diff:
            differ += 1
            print(f"{name}: differs after dropping dates")
            print("\n".join(f"    {line[:160]}" for line in diff[:12]))
        else:
            same += 1
            print(f"{name}: same but for dates")
    print(f"{same} files the same, {differ} differ, {len(only)} in one only")
    return 1 if differ or only else 0


if __name__ == "__main__":
    sys.exit(main())
