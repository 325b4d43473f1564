"""The pages in a real browser: headless Debian Chromium driven by Playwright, network blocked.

Pages are built from synthetic reports by calling the page jobs directly, so these tests
need no pipeline run: a small one (2 themes of 2 topics, 60 papers, paper text with HTML
in it) for the controls, and an atlas of 20,000 papers in 12 themes of 10 topics for the
names placed as the reader zooms. Every request that is not for a file:// URL is aborted
and recorded; a page passes only if it made none.
"""

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import EVIL_TITLE, synthetic_report, write_intermediates

from topics.plotting.static_map import static_topic_map
from topics.report import pages
from topics.report.bibtex import bib_filename, bibtex_entry, citation_keys
from topics.report.map_data import pack, paper_columns
from topics.report.reading_lists import list_filename
from topics.report.render import json_for_script, render
from topics.report.views import FIGURE_VIEWS, PAGE_FILES, VIEWS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]


def write_site(root: Path, report) -> Path:
    """A results/-like folder: every page, the files beside them and the PNG."""
    (root / "intermediate").mkdir(parents=True)
    paths = write_intermediates(root / "intermediate", report)
    pages.run_pages(paths, [root / view.file for view in FIGURE_VIEWS],
                    [root / name for name in PAGE_FILES], root / "plotly.min.js",
                    options=report.options)  # fmt: skip
    static_topic_map(report).savefig(root / "topic_map.png")
    return root


@pytest.fixture(scope="module")
def corpus():
    return synthetic_report()


@pytest.fixture(scope="module")
def site(tmp_path_factory, corpus):
    """The small report's pages, plus an index whose text is hostile."""
    report, _ = corpus
    root = write_site(tmp_path_factory.mktemp("site"), report)
    topics = report.topics.copy()
    topics.loc[1, "label"] = "<img src=x onerror=alert('label')>"
    (root / "topics").mkdir()
    (root / "themes").mkdir()
    for folder, rows, level in [
        ("topics", topics, "topic_id"),
        ("themes", report.themes, "theme_id"),
    ]:
        for row in rows.itertuples():
            name = list_filename(getattr(row, level), row.label)
            (root / folder / name).write_text("list")
            (root / folder / bib_filename(name)).write_text("@article{k, title = {t}}")
    for name in ["papers.csv", "topics.csv", "themes.csv", "parse_report.json"]:
        (root / name).write_text("placeholder")
    evil_skip = {"file": "a.txt", "line": 3, "reason": "no abstract",
                 "text": "<script>alert('skipped')</script>"}  # fmt: skip
    parse_report = {"files": 2, "records": 70, "unique_papers": len(report.papers),
                    "duplicates": 10, "skipped": 1,
                    "per_file": [{"file": "a.txt", "skipped": [evil_skip]}]}  # fmt: skip
    run_info = {"generated": "2026-01-01 00:00 UTC", "embedding model": "all-MiniLM-L6-v2",
                "corpus sha256": "0" * 64, "packages": {"plotly": "7"}}  # fmt: skip
    context = pages.index_context(parse_report, report._replace(topics=topics),
                                  {"embedding": {"model": "m"}}, run_info, None)  # fmt: skip
    (root / "index.html").write_text(render("index.html.j2", title="Topics", **context))
    return root


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    """20,000 papers in 12 themes of 10 topics: the map at a real corpus's size."""
    report, _ = synthetic_report(20_000, n_themes=12, topics_per_theme=10, seed=3)
    return write_site(tmp_path_factory.mktemp("atlas"), report), report


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # One context for the module: pages share Chromium's compiled copy of plotly.js.
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        yield context
        context.close()
        browser.close()


class Visit:
    """A page opened with the network blocked, recording errors, requests and dialogs."""

    def __init__(self, context, url):
        self.errors, self.outside, self.dialogs = [], [], []
        self.page = context.new_page()
        self.page.route(re.compile(r"^(?!file:).*"), self._block)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: r.url.startswith("file:") or self.outside.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)

    def _block(self, route):
        self.outside.append(route.request.url)
        route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check_clean(self):
        assert self.errors == [], "console errors"
        assert self.outside == [], "requests that would leave the machine"
        assert self.dialogs == [], "dialogs (a script in paper text ran)"


@pytest.fixture
def open_page(browser):
    visits = []

    def open_(path):
        visit = Visit(browser, path.as_uri() if isinstance(path, Path) else path)
        visits.append(visit)
        return visit

    yield open_
    for visit in visits:
        visit.page.close()


READY = "document.body !== null && document.body.dataset.ready === 'true'"
LOADED = "document.body.dataset.abstracts === 'loaded'"
DRAWN = "() => document.getElementById('topic-map')._fullData[0]._length"
# The paper rows drawn, in point order.
SHOWN = "() => window.topicMap.shown()"
POSITION = """(row) => { const gd = document.getElementById('topic-map');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  const k = window.topicMap.shown().indexOf(row), t = gd._fullData[0];
  return [box.left + xa._offset + xa.l2p(t.x[k]), box.top + ya._offset + ya.l2p(t.y[k])]; }"""
SELECTED = "() => (document.getElementById('topic-map').data[0].selectedpoints || []).length"
# The names drawn on the map: [name, left, top, right, bottom] each.
NAMES = """() => Array.from(document.querySelectorAll('#topic-map .annotation'))
  .map((node, i) => { const b = (node.querySelector('rect.bg') || node).getBoundingClientRect();
    return [document.getElementById('topic-map').layout.annotations[i].name,
            b.left, b.top, b.right, b.bottom]; })
  .filter((n) => n[0] !== 'selected-paper')"""


def open_map(open_page, root, fragment=""):
    visit = open_page(root.joinpath("topic_map.html").as_uri() + fragment)
    visit.page.wait_for_function(READY, timeout=30000)
    return visit


def overlapping(names):
    """Pairs of names whose boxes overlap (by more than half a pixel)."""
    return [
        (a[0], b[0])
        for i, a in enumerate(names)
        for b in names[:i]
        if a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5 and a[2] < b[4] - 0.5 and b[2] < a[4] - 0.5
    ]


def rows_of(report, column, value):
    return set(np.flatnonzero((report.papers[column] == value).to_numpy()).tolist())


def test_map_draws_every_paper_and_its_legend_hides_and_isolates(open_page, site, corpus):
    report, _ = corpus
    visit = open_map(open_page, site)
    page = visit.page
    assert page.evaluate(DRAWN) == len(report.papers)
    items = page.locator("#legend-tree button.item")
    # Two themes and their two topics each, then the outliers.
    assert items.count() == 2 + 4 + 1
    assert page.locator("#legend-tree details[open]").count() == 0  # themes start folded
    topic = int(report.themes["topics"].iloc[0][0])
    page.locator("#legend-tree li.theme summary").first.click(position={"x": 4, "y": 8})
    assert page.locator("#legend-tree details[open]").count() == 1  # the marker unfolds it
    page.locator(f'#legend-tree button[data-topic="{topic}"]').click()
    page.wait_for_function(
        f"({DRAWN})() === {len(report.papers) - len(rows_of(report, 'topic_id', topic))}"
    )
    assert topic not in {report.papers["topic_id"][i] for i in page.evaluate(SHOWN)}
    page.locator('#legend-tree button[data-theme="1"]').dblclick()
    theme_rows = rows_of(report, "theme_id", 1)
    page.wait_for_function(f"({DRAWN})() === {len(theme_rows)}")
    assert set(page.evaluate(SHOWN)) == theme_rows
    assert (
        page.locator('#legend-tree button[data-theme="0"]').get_attribute("aria-pressed") == "false"
    )
    page.locator('#legend-tree button[data-theme="1"]').dblclick()  # alone again: all back
    page.wait_for_function(f"({DRAWN})() === {len(report.papers)}")
    visit.check_clean()


def test_search_highlights_matching_papers_and_a_click_opens_one(open_page, site, corpus):
    report, _ = corpus
    papers = report.papers
    expected = int(papers.apply(lambda p: "zebra" in (p.title + " " + p.abstract).lower(),
                                axis=1).sum())  # fmt: skip
    assert 0 < expected < len(papers)
    visit = open_map(open_page, site)
    page = visit.page
    page.fill("#search", "ZEBRA")
    page.wait_for_function("document.getElementById('match-count').dataset.count !== undefined")
    count = page.locator("#match-count")
    assert count.get_attribute("data-count") == str(expected)
    assert count.text_content() == f"{expected} of {len(papers)} papers match"
    assert page.evaluate(SELECTED) == expected
    assert page.locator("#results button.result").count() == expected
    page.click("#clear")
    page.wait_for_function("document.getElementById('match-count').dataset.count === undefined")
    assert page.evaluate(SELECTED) == 0
    assert page.locator("#results li").count() == 0
    page.wait_for_function(LOADED)
    row = int(papers.index[papers["topic_id"] == 2][0])
    x, y = page.evaluate(POSITION, row)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function("document.getElementById('paper').hidden === false", timeout=5000)
    shown = int(page.locator("#paper").get_attribute("data-paper"))
    # another paper may lie under the cursor too; the panel must show the one it names
    assert page.locator("#paper .paper-abstract").text_content() == papers.loc[shown, "abstract"]
    assert "Reassigned" not in page.locator("#paper").text_content()
    distance = papers.loc[shown, ["x", "y"]].to_numpy(float) - papers.loc[row, ["x", "y"]]
    assert shown == row or np.hypot(*distance.to_numpy(float)) < 0.5
    theme, topic = papers.loc[shown, "theme_label"], papers.loc[shown, "topic_label"]
    assert page.locator("#paper .paper-topic").text_content() == f"{theme} \u203a {topic}"
    visit.check_clean()


def test_html_in_a_title_stays_text_in_search_panel_and_hover(open_page, site, corpus):
    report, _ = corpus
    papers = report.papers
    evil = int(papers.index[papers["title"] == EVIL_TITLE][0])
    visit = open_map(open_page, site)
    page = visit.page
    page.fill("#search", "evil")
    page.wait_for_function("document.getElementById('match-count').dataset.count === '1'")
    result = page.locator("#results button.result")
    assert result.text_content() == EVIL_TITLE
    result.click()
    assert page.locator("#paper h2").text_content() == EVIL_TITLE
    assert "Reassigned: the clustering left this paper as an outlier" in (
        page.locator("#paper").text_content())  # fmt: skip
    # The throws left it out: no agreement to show.
    assert page.locator("#paper .paper-agreement").count() == 0
    # Its export gave a DOI: the panel links there, with year, venue and authors above.
    assert page.locator("#paper a").get_attribute("href") == "https://doi.org/10.1000/p4"
    assert page.locator("#paper .paper-meta").text_content() == "2022 · ICML · Author 4; Author 0"
    page.evaluate("window.topicMap.showPaper(1)")  # an arXiv id, no DOI
    assert page.locator("#paper a").get_attribute("href") == "https://arxiv.org/abs/2101.00001"
    # Its agreement (0.8 of the throws) as a share of the throws.
    assert (
        page.locator("#paper .paper-agreement")
        .text_content()
        .startswith(f"{round(100 * papers.loc[1, 'agreement'])}% of the throws")
    )
    page.evaluate("window.topicMap.showPaper(2)")  # neither: a title search, text escaped
    assert page.locator("#paper a").get_attribute("href") == (
        "https://arxiv.org/search/?searchtype=title&query=Paper%202%20on%20neural%20methods"
    )
    page.click("#clear")
    page.mouse.move(*page.evaluate(POSITION, evil))
    page.wait_for_function("document.getElementById('hovercard').hidden === false")
    hover = page.locator("#hovercard").text_content()
    assert '<script>alert("title")</script><img src=x onerror=alert(1)>' in hover
    assert '"quoted" paper' in hover
    assert page.locator("img").count() == 0 and page.locator("#paper script").count() == 0
    visit.check_clean()


def test_index_is_offline_escapes_text_and_links_to_existing_views(open_page, site, corpus):
    report, _ = corpus
    visit = open_page(site / "index.html")
    page = visit.page
    page.wait_for_load_state("load")
    assert page.locator("#themes details.theme").count() == len(report.themes) + 1  # + outliers
    assert page.locator("#themes tr[data-topic]").count() == len(report.topics)
    assert page.get_by_text("<img src=x onerror=alert('label')>").count() == 1
    assert page.get_by_text("<script>alert('skipped')</script>").count() == 1
    assert page.locator("img").count() == 1  # the map picture, and no injected <img>
    assert page.evaluate("() => document.querySelector('img').naturalWidth") > 0
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a'), a => a.href)")
    local = {href.split("#")[0] for href in hrefs}
    assert all(href.startswith("file://") for href in local)
    missing = [href for href in local if not Path(href.removeprefix("file://")).exists()]
    assert missing == []
    for view in VIEWS:
        assert any(href.endswith("/" + view.file) for href in local), view.file
    visit.check_clean()


def test_index_links_open_the_map_with_that_topic_or_theme_alone(open_page, site, corpus):
    """The index links to topic_map.html#topic=<id> and #theme=<id>; the map isolates."""
    report, _ = corpus
    visit = open_page(site / "index.html")
    # Unfold its theme: a click on its name (the summary's middle may be one of its links).
    visit.page.click('details.theme:has(tr[data-topic="2"]) > summary > b')
    visit.page.click('tr[data-topic="2"] a.isolate')
    visit.page.wait_for_function(READY, timeout=15000)
    assert visit.page.url.endswith("topic_map.html#topic=2")
    assert set(visit.page.evaluate(SHOWN)) == rows_of(report, "topic_id", 2)
    visit.page.goto(site.joinpath("topic_map.html").as_uri() + "#theme=1")
    visit.page.wait_for_function(READY, timeout=15000)
    assert set(visit.page.evaluate(SHOWN)) == rows_of(report, "theme_id", 1)
    visit.check_clean()


@pytest.mark.parametrize(
    "view", [view.file for view in FIGURE_VIEWS if view.file != "topic_map.html"]
)
def test_every_view_draws_offline_without_errors(open_page, site, view):
    visit = open_page(site / view)
    visit.page.wait_for_function("document.querySelector('.main-svg') !== null", timeout=15000)
    assert visit.page.locator(".plotly .main-svg").count() >= 1
    visit.check_clean()


def test_pages_share_one_plotly_copy_and_reference_no_network(site):
    pages = sorted(site.glob("*.html"))
    assert {page.name for page in pages} == {view.file for view in VIEWS}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page.name
        assert "@import" not in text and "fonts.googleapis" not in text
        assert len(text) < 1_000_000, "a page carries its own plotly.js"


def test_the_atlas_names_themes_at_full_view_and_topics_as_you_zoom_in(open_page, atlas):
    root, report = atlas
    visit = open_map(open_page, root)
    page = visit.page
    names = page.evaluate(NAMES)
    # Every theme is named (moved or shrunk where its centre is taken), none on another.
    assert sorted(name[0] for name in names) == sorted(
        f"theme-{t}" for t in report.themes["theme_id"]
    )
    assert overlapping(names) == []
    # Zoom into one theme: its topics are named instead, still apart.
    theme = report.themes.iloc[0]
    members = report.papers[report.papers["theme_id"] == theme.theme_id]
    # (quantiles: paper 4, alone in a corner, is one of its members)
    (x0, x1), (y0, y1) = members["x"].quantile([0.01, 0.99]), members["y"].quantile([0.01, 0.99])
    page.evaluate(f"""Plotly.relayout(document.getElementById('topic-map'),
        {{'xaxis.range': [{x0 - 1}, {x1 + 1}], 'yaxis.range': [{y0 - 1}, {y1 + 1}]}})""")
    page.wait_for_function("document.getElementById('topic-map').dataset.level === 'topics'")
    page.wait_for_timeout(300)
    names = page.evaluate(NAMES)
    named = {int(name[0].split("-", 1)[1]) for name in names}
    assert all(name[0].startswith("topic-") for name in names)
    assert len(named & set(theme.topics)) >= 4
    assert overlapping(names) == []
    # Zoom out: the themes' names come back.
    page.evaluate("Plotly.relayout(document.getElementById('topic-map'), "
                  "{'xaxis.autorange': true, 'yaxis.autorange': true})")  # fmt: skip
    page.wait_for_function("document.getElementById('topic-map').dataset.level === 'themes'")
    page.wait_for_timeout(300)
    assert all(name[0].startswith("theme-") for name in page.evaluate(NAMES))
    visit.check_clean()


def test_the_atlas_opens_on_one_theme_and_names_its_topics(open_page, atlas):
    root, report = atlas
    theme = report.themes.iloc[3]
    visit = open_map(open_page, root, f"#theme={theme.theme_id}")
    page = visit.page
    assert set(page.evaluate(SHOWN)) == rows_of(report, "theme_id", theme.theme_id)
    names = page.evaluate(NAMES)
    assert names and {int(n[0].split("-", 1)[1]) for n in names} <= set(theme.topics)
    assert overlapping(names) == []
    legend = page.locator(f'#legend-tree button[data-theme="{theme.theme_id}"]')
    assert legend.get_attribute("aria-pressed") == "true"
    visit.check_clean()


COLOURS = "() => Array.from(document.getElementById('topic-map')._fullData[0].marker.color)"


def test_colour_by_year_and_the_year_range_fade_what_is_outside(open_page, site, corpus):
    report, _ = corpus
    papers = report.papers
    visit = open_map(open_page, site)
    page = visit.page
    options = page.locator("#colour-by option").all_text_contents()
    assert options == ["theme and topic", "venue", "input file", "year"]
    page.select_option("#colour-by", "year")
    page.wait_for_function("document.getElementById('colour-key').hidden === false")
    assert page.locator("#colour-key li").all_text_contents() == [str(y) for y in range(2018, 2024)]
    colours = page.evaluate(COLOURS)
    shown = page.evaluate(SHOWN)
    by_year = {}
    for row, colour in zip(shown, colours, strict=True):
        by_year.setdefault(int(papers["year"][row]), set()).add(colour)
    assert all(len(c) == 1 for c in by_year.values()) and len(set().union(*by_year.values())) == 6
    page.fill("#year-from", "2021")
    page.dispatch_event("#year-from", "input")
    page.wait_for_function("document.getElementById('year-range').dataset.range === '2021-2023'")
    faded = [c.startswith("rgba") and c.endswith(",0.07)") for c in page.evaluate(COLOURS)]
    assert faded == [int(papers["year"][row]) < 2021 for row in shown]
    visit.check_clean()


def test_a_box_selection_lists_its_papers_and_exports_exactly_them(
    open_page, site, corpus, tmp_path
):
    import bibtexparser

    report, _ = corpus
    papers = report.papers
    visit = open_map(open_page, site)
    page = visit.page
    page.wait_for_function(LOADED)
    page.fill("#year-from", "2020")  # from 2020 on
    page.dispatch_event("#year-from", "input")
    page.wait_for_function("document.getElementById('year-range').dataset.range === '2020-2023'")
    page.evaluate("Plotly.relayout(document.getElementById('topic-map'), {dragmode: 'select'})")
    # A box around the left half of the plotting area.
    xa, ya = page.evaluate("""() => { const gd = document.getElementById('topic-map');
        const b = gd.getBoundingClientRect(), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        return [[b.left + xa._offset, xa._length, xa.range],
                [b.top + ya._offset, ya._length, ya.range]]; }""")  # fmt: skip
    x0, x1 = xa[0] + 0.02 * xa[1], xa[0] + 0.5 * xa[1]
    y0, y1 = ya[0] + 0.02 * ya[1], ya[0] + 0.98 * ya[1]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=10)
    page.mouse.up()
    page.wait_for_function("window.topicMap.selected() !== null")
    selected = page.evaluate("window.topicMap.selected()")

    def data_x(px):
        return xa[2][0] + (px - xa[0]) / xa[1] * (xa[2][1] - xa[2][0])

    def data_y(py):
        return ya[2][1] - (py - ya[0]) / ya[1] * (ya[2][1] - ya[2][0])

    inside = papers[papers["x"].between(data_x(x0), data_x(x1))
                    & papers["y"].between(data_y(y1), data_y(y0))
                    & (papers["year"] >= 2020)]  # fmt: skip
    assert sorted(selected) == sorted(inside.index) and len(selected) > 3
    heading = page.locator("#selection h2").text_content()
    assert heading == f"{len(selected)} papers selected"
    per_theme = page.locator("#selection ul.per-theme li").all_text_contents()
    assert sum(int(t.rsplit(": ", 1)[1]) for t in per_theme) == len(selected)
    with page.expect_download() as csv_download:
        page.click("#export-csv")
    exported = pd.read_csv(csv_download.value.path(), keep_default_na=False)
    assert sorted(exported["title"]) == sorted(papers.loc[selected, "title"])
    assert sorted(exported["abstract"]) == sorted(papers.loc[selected, "abstract"])
    with page.expect_download() as bib_download:
        page.click("#export-bibtex")
    text = Path(bib_download.value.path()).read_text()
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    # Entry for entry what the topics' .bib files hold (topics.report.bibtex), keys and
    # escaping alike, less the keywords and the topic's note.
    keys = citation_keys(papers)
    rows = papers.loc[selected].assign(keywords=[[]] * len(selected)).to_dict("records")
    assert text == "\n".join(bibtex_entry(paper, keys[paper["paper_id"]]) for paper in rows)
    assert [entry.key for entry in library.entries] == [keys[p["paper_id"]] for p in rows]
    visit.check_clean()


def test_the_paper_panel_lists_papers_like_it_and_a_click_goes_to_one(open_page, site, corpus):
    report, _ = corpus
    papers = report.papers
    visit = open_map(open_page, site)
    page = visit.page
    row = 4  # the paper alone in a corner: its neighbours are far from it
    page.evaluate(f"window.topicMap.showPaper({row})")
    listed = page.locator("#paper .neighbours li button")
    assert listed.all_text_contents() == [
        papers.loc[j, "title"] for j in papers.loc[row, "neighbours"]
    ]
    notes = page.locator("#paper .neighbours li span").all_text_contents()
    assert [float(n.split(" · ")[0]) for n in notes] == [
        round(s, 2) for s in papers.loc[row, "similarity"]
    ]
    # Zoomed in on the paper, its nearest paper is out of view: a click opens it and moves
    # the map to it.
    x, y = papers.loc[row, ["x", "y"]]
    page.evaluate(f"""Plotly.relayout(document.getElementById('topic-map'),
        {{'xaxis.range': [{x - 0.5}, {x + 0.5}], 'yaxis.range': [{y - 0.5}, {y + 0.5}]}})""")
    ranges = """() => { const l = document.getElementById('topic-map').layout;
        return [l.xaxis.range, l.yaxis.range]; }"""
    before = page.evaluate(ranges)
    first = int(papers.loc[row, "neighbours"][0])
    listed.first.click()
    page.wait_for_function(f"document.getElementById('paper').dataset.paper === '{first}'")
    assert page.locator("#paper .paper-title").text_content() == papers.loc[first, "title"]
    page.wait_for_function(f"({ranges})()[0][0] !== {before[0][0]}")
    xr, yr = page.evaluate(ranges)
    assert xr[0] <= papers.loc[first, "x"] <= xr[1] and yr[0] <= papers.loc[first, "y"] <= yr[1]
    assert abs((xr[1] - xr[0]) - (before[0][1] - before[0][0])) < 1e-3  # moved, not zoomed
    visit.check_clean()


def test_the_page_decodes_every_paper_as_the_contract_says(open_page, site, corpus):
    """The script's side of the data's contract (tests/test_map_data.py has Python's):
    every paper as the page decoded it is the packer's row, column for column."""
    report, _ = corpus
    visit = open_map(open_page, site)
    decoded = visit.page.evaluate(
        f"() => Array.from({{length: {len(report.papers)}}}, (_, i) => window.topicMap.paper(i))"
    )
    columns = paper_columns(report.papers)
    assert decoded == [{name: column[i] for name, column in columns.items()}
                       for i in range(len(report.papers))]  # fmt: skip
    visit.check_clean()


def test_the_page_refuses_data_that_breaks_the_contract(open_page, site, corpus, tmp_path):
    report, _ = corpus
    html = (site / "topic_map.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="map-data">')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    data = json.loads(html[start:end])
    columns = paper_columns(report.papers)
    del columns["venue"]
    data["papers"] = pack(columns)
    broken = tmp_path / "topic_map.html"
    broken.write_text(html[:start] + str(json_for_script(data)) + html[end:], encoding="utf-8")
    for name in ["plotly.min.js", "abstracts.js"]:
        shutil.copy(site / name, tmp_path / name)
    visit = open_page(broken)
    visit.page.wait_for_function("() => document.querySelector('.main-svg') !== null")
    visit.page.wait_for_timeout(500)
    assert any("column venue" in error for error in visit.errors)
    assert visit.page.evaluate("document.body.dataset.ready") is None
