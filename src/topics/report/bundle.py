"""The pages, and every file they link to, in one folder: what `snakemake --report` carries.

Snakemake's report stores each output it is given in a folder of its own, so a page there
would lose the plotly.js, abstracts and lists it loads and links from beside it. A folder
marked with an index page (`report(directory(...), htmlindex="index.html")`) travels whole,
its layout kept: the report opens index.html, and from it the map and every view work
inside the report, offline, as they do in results/. The files are hard links where the
file system allows (no second copy of the outputs on disk: 118 MB at 17,000 papers), copies
elsewhere.
"""

import os
import shutil
from collections.abc import Iterable
from pathlib import Path


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """`target` as a hard link to `source`, or a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def run_bundle(files: Iterable[str | Path], out_dir: str | Path) -> int:
    """Link or copy `files` (files, or folders such as the reading lists) into `out_dir`,
    which is emptied first, each under its own name. Returns the number of files."""
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copied = 0
    for source in map(Path, files):
        if source.is_dir():
            # Not Snakemake's .snakemake_timestamp: the folder as people see it.
            shutil.copytree(
                source,
                out / source.name,
                ignore=shutil.ignore_patterns(".*"),
                copy_function=link_or_copy,
            )
            copied += sum(1 for path in (out / source.name).rglob("*") if path.is_file())
        else:
            link_or_copy(source, out / source.name)
            copied += 1
    return copied
