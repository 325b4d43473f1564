"""How heavy the topic map is, and how long headless Chromium takes to open it.

    python benchmarks/open_map.py results/ [more result folders...]

For each folder: the bytes of topic_map.html and of abstracts.js beside it, then the
median of three openings (a fresh browser page each, network blocked) of the time until
the map is drawn and interactive (`data-ready`) and until the abstracts are loaded.
Needs Debian's Chromium and playwright (the test extras); prints a Markdown table.
"""

import argparse
import statistics
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
READY = "document.body && document.body.dataset.ready === 'true'"
LOADED = "document.body.dataset.abstracts === 'loaded'"


def open_times(context, page_path: Path, rounds: int = 3) -> tuple[float, float]:
    """Median seconds to an interactive map, and to its abstracts being loaded."""
    ready, loaded = [], []
    for _ in range(rounds):
        page = context.new_page()
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(
            "file:") else route.continue_())  # fmt: skip
        started = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_function(READY, timeout=120_000, polling=50)
        ready.append(time.perf_counter() - started)
        page.wait_for_function(LOADED, timeout=120_000, polling=50)
        loaded.append(time.perf_counter() - started)
        page.close()
    return statistics.median(ready), statistics.median(loaded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args()
    import pandas as pd
    from playwright.sync_api import sync_playwright

    rows = ["| results | papers | topic_map.html | abstracts.js | interactive | abstracts loaded |",
            "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        for folder in args.folders:
            page = (folder / "topic_map.html").resolve()
            ready, loaded = open_times(context, page)
            papers = len(pd.read_csv(folder / "papers.csv", usecols=["paper_id"]))
            rows.append(
                f"| {folder} | {papers:,} | {page.stat().st_size / 1e6:.1f} MB | "
                f"{(folder / 'abstracts.js').stat().st_size / 1e6:.1f} MB | {ready:.1f} s | "
                f"{loaded:.1f} s |"
            )
        browser.close()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
