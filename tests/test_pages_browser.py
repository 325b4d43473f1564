"""The pages in a real browser: headless Debian Chromium driven by Playwright, network blocked.

Pages are built from a small synthetic corpus by calling the page functions directly, so
these tests need no pipeline run. Every request that is not for a file:// URL is aborted
and recorded; a page passes only if it made none.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from synthetic import EVIL_TITLE, synthetic_corpus, write_intermediates

from topics.plotting.static_map import static_topic_map
from topics.report import pages
from topics.report.reading_lists import list_filename
from topics.report.render import render
from topics.report.views import FIGURE_VIEWS, VIEWS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]
MAP = next(view for view in VIEWS if view.file == "topic_map.html")


@pytest.fixture(scope="module")
def corpus():
    return synthetic_corpus()


@pytest.fixture(scope="module")
def site(tmp_path_factory, corpus):
    """results/-like folder: every page, the shared plotly.js and the PNG."""
    papers, topics, _ = corpus
    root = tmp_path_factory.mktemp("site")
    pages.run_pages(
        write_intermediates(tmp_path_factory.mktemp("inputs"), corpus),
        [root / view.file for view in FIGURE_VIEWS],
        root / "plotly.min.js",
    )
    crowded, crowded_topics, _ = synthetic_corpus(n_papers=200, n_topics=8, seed=1)
    crowded[["x", "y"]] *= 0.15  # eight topic centres within a small patch of the map
    crowded.loc[crowded.index[:3], ["x", "y"]] = [[-6.0, -6.0], [6.0, 6.0], [6.0, -6.0]]
    (root / "crowded_map.html").write_text(
        pages.view_page(MAP, crowded, crowded_topics), encoding="utf-8"
    )
    static_topic_map(papers, topics).savefig(root / "topic_map.png")
    labelled = topics.copy()
    labelled.loc[1, "label"] = "<img src=x onerror=alert('label')>"
    (root / "topics").mkdir()
    for topic in labelled.itertuples():
        (root / "topics" / list_filename(topic.topic_id, topic.label)).write_text("list")
    for name in ["papers.csv", "topics.csv", "parse_report.json"]:
        (root / name).write_text("placeholder")
    evil_skip = {
        "file": "a.txt",
        "line": 3,
        "reason": "no abstract",
        "text": "<script>alert('skipped')</script>",
    }
    report = {
        "files": 2,
        "records": 70,
        "unique_papers": len(papers),
        "duplicates": 10,
        "skipped": 1,
        "per_file": [{"file": "a.txt", "skipped": [evil_skip]}],
    }
    run_info = {
        "generated": "2026-01-01 00:00 UTC",
        "embedding model": "all-MiniLM-L6-v2",
        "corpus sha256": "0" * 64,
        "packages": {"plotly": "7"},
    }
    context = pages.index_context(
        report, papers, labelled, {"embedding": {"model": "m"}}, run_info, None
    )
    (root / "index.html").write_text(
        render("index.html.j2", title="Topics", **context), encoding="utf-8"
    )
    return root


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


def open_map(open_page, site, fragment=""):
    visit = open_page(site.joinpath("topic_map.html").as_uri() + fragment)
    visit.page.wait_for_function(READY, timeout=15000)
    return visit


READY = "document.body !== null && document.body.dataset.ready === 'true'"
DRAWN = """() => { const gd = document.getElementById('topic-map');
  return gd._fullData.filter(t => t.visible === true).reduce((n, t) => n + t._length, 0); }"""
POSITION = """(row) => { const gd = document.getElementById('topic-map');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  for (const t of gd._fullData) {
    const i = Array.from(t.customdata).indexOf(row);
    if (i >= 0) return [box.left + xa._offset + xa.l2p(t.x[i]),
                        box.top + ya._offset + ya.l2p(t.y[i])]; } }"""
SELECTED = """() => document.getElementById('topic-map').data
  .reduce((n, t) => n + (t.selectedpoints ? t.selectedpoints.length : 0), 0)"""


VISIBLE_TOPICS = """() => document.getElementById('topic-map').data
    .filter(t => t.visible === undefined || t.visible === true).map(t => t.legendgroup)"""
VISIBLE_LABELS = """() => document.getElementById('topic-map').layout.annotations
    .filter(a => a.visible !== false).map(a => a.name)"""


def test_map_draws_every_paper_and_its_legend_hides_and_isolates(open_page, site, corpus):
    papers, _, _ = corpus
    visit = open_map(open_page, site)
    page = visit.page
    assert page.evaluate(DRAWN) == len(papers)
    assert page.evaluate(VISIBLE_LABELS) == ["0", "1", "2"]
    toggles = page.locator(".legend .traces .legendtoggle")
    assert toggles.count() == 4  # outliers + 3 topics, in trace order
    toggles.nth(1).click()  # topic 0
    page.wait_for_function("document.getElementById('topic-map').data[1].visible === 'legendonly'")
    assert page.evaluate(DRAWN) == len(papers) - int((papers["topic_id"] == 0).sum())
    assert page.evaluate(VISIBLE_LABELS) == ["1", "2"]  # topic 0's name went with it
    toggles.nth(3).dblclick()  # topic 2 alone
    page.wait_for_function("""() => { const d = document.getElementById('topic-map').data;
        return d[0].visible === 'legendonly' && d[3].visible !== 'legendonly'; }""")
    assert page.evaluate(VISIBLE_TOPICS) == ["2"]
    assert page.evaluate(DRAWN) == int((papers["topic_id"] == 2).sum())
    assert page.evaluate(VISIBLE_LABELS) == ["2"]
    visit.check_clean()


def test_search_highlights_matching_papers_and_a_click_opens_one(open_page, site, corpus):
    papers, _, _ = corpus
    expected = int(
        papers.apply(lambda p: "zebra" in (p.title + " " + p.abstract).lower(), axis=1).sum()
    )
    assert 0 < expected < len(papers)
    visit = open_map(open_page, site)
    visit.page.fill("#search", "ZEBRA")
    visit.page.wait_for_function(
        "document.getElementById('match-count').dataset.count !== undefined"
    )
    count = visit.page.locator("#match-count")
    assert count.get_attribute("data-count") == str(expected)
    assert count.text_content() == f"{expected} of {len(papers)} papers match"
    assert visit.page.evaluate(SELECTED) == expected
    assert visit.page.locator("#results button.result").count() == expected
    visit.page.click("#clear")
    visit.page.wait_for_function(
        "document.getElementById('match-count').dataset.count === undefined"
    )
    assert visit.page.evaluate(SELECTED) == 0
    assert visit.page.locator("#results li").count() == 0
    page = visit.page
    row = int(papers.index[papers["topic_id"] == 2][0])
    x, y = page.evaluate(POSITION, row)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function("document.getElementById('paper').hidden === false", timeout=5000)
    shown = int(page.locator("#paper").get_attribute("data-paper"))
    # another paper may lie under the cursor too; the panel must show the one it names
    assert page.locator("#paper .paper-abstract").text_content() == papers.loc[shown, "abstract"]
    assert "Reassigned" not in page.locator("#paper").text_content()
    assert (
        shown == row
        or np.hypot(
            *(
                papers.loc[shown, ["x", "y"]].to_numpy(float)
                - papers.loc[row, ["x", "y"]].to_numpy(float)
            )
        )
        < 0.5
    )
    visit.check_clean()


def test_html_in_a_title_stays_text_in_search_panel_and_hover(open_page, site, corpus):
    papers, _, _ = corpus
    evil = int(papers.index[papers["title"] == EVIL_TITLE][0])
    visit = open_map(open_page, site)
    page = visit.page
    page.fill("#search", "evil")
    page.wait_for_function("document.getElementById('match-count').dataset.count === '1'")
    result = page.locator("#results button.result")
    assert result.text_content() == EVIL_TITLE
    result.click()
    assert page.locator("#paper h2").text_content() == EVIL_TITLE
    assert "Reassigned: HDBSCAN left this paper as an outlier" in (
        page.locator("#paper").text_content()
    )
    # Its export gave a DOI: the panel links there, with year, venue and authors above.
    assert page.locator("#paper a").get_attribute("href") == "https://doi.org/10.1000/p4"
    assert page.locator("#paper .paper-meta").text_content() == ("2022 · ICML · Author 4; Author 0")
    page.evaluate("window.topicMap.showPaper(1)")  # an arXiv id, no DOI
    assert page.locator("#paper a").get_attribute("href") == "https://arxiv.org/abs/2101.00001"
    page.evaluate("window.topicMap.showPaper(2)")  # neither: a title search, text escaped
    link = page.locator("#paper a").get_attribute("href")
    assert (
        link == "https://arxiv.org/search/?searchtype=title&query=Paper%202%20on%20vision%20methods"
    )
    page.evaluate(f"window.topicMap.showPaper({evil})")
    page.mouse.move(*page.evaluate(POSITION, evil))
    hover = page.locator(".hoverlayer .hovertext").first.text_content(timeout=5000)
    assert '<script>alert("title")</script><img src=x onerror=alert(1)>' in hover
    assert '"quoted" paper' in hover  # no &quot; shown: Plotly decodes only a few entities
    assert page.locator("img").count() == 0 and page.locator("#paper script").count() == 0
    visit.check_clean()


def test_index_is_offline_escapes_text_and_links_to_existing_views(open_page, site, corpus):
    _, topics, _ = corpus
    visit = open_page(site / "index.html")
    page = visit.page
    page.wait_for_load_state("load")
    assert page.locator("#topics tbody tr").count() == len(topics)
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


def test_index_topic_link_opens_the_map_with_that_topic_alone(open_page, site, corpus):
    """The index links to topic_map.html#topic=<id>; the map reads the hash and isolates."""
    papers, _, _ = corpus
    visit = open_page(site / "index.html")
    visit.page.click('tr[data-topic="2"] a.isolate')
    visit.page.wait_for_function(READY, timeout=15000)
    assert visit.page.url.endswith("topic_map.html#topic=2")
    assert visit.page.evaluate(VISIBLE_TOPICS) == ["2"]
    assert visit.page.evaluate(DRAWN) == int((papers["topic_id"] == 2).sum())
    assert visit.page.evaluate(VISIBLE_LABELS) == ["2"]
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
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page.name
        assert "@import" not in text and "fonts.googleapis" not in text
        assert len(text) < 1_000_000, "a page carries its own plotly.js"


def test_topic_names_on_a_crowded_map_do_not_overlap(open_page, site):
    visit = open_page(site / "crowded_map.html")
    visit.page.wait_for_function(READY, timeout=15000)
    boxes = visit.page.evaluate("""() => Array.from(
        document.querySelectorAll('#topic-map .annotation-text-g rect.bg'),
        r => { const b = r.getBoundingClientRect();
               return [b.left, b.top, b.right, b.bottom]; })""")
    assert len(boxes) == 8
    overlaps = [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[:i])
        if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1
    ]
    assert overlaps == []
    visit.check_clean()
