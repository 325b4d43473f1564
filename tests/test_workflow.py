"""End to end: real `snakemake` runs on a small corpus in a temporary copy of the project."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from test_pages_browser import CHROMIUM, Visit, browser  # noqa: F401 (browser: its fixture)

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "profiles"]
EVIL_TITLE = "<script>alert('boo')</script> Attacks on Topic Maps"
EVIL_ABSTRACT = (
    "We inject markup into paper titles and check that every page shows it as "
    "plain text, so that a scraped listing can never run code in a reader's browser."
)


def title_key(title: str) -> str:
    """Titles compared without case or punctuation, as the parser's deduplication does."""
    return " ".join(re.findall(r"[^\W_]+", title.casefold()))


def seed_lines(name: str) -> list[str]:
    return (REPO / "seeds" / name).read_text(encoding="utf-8").splitlines()


def make_project(root: Path) -> set[str]:
    """Copy the workflow into root with a small seeds/ folder holding every layout and bad
    input; return the keys of the titles written with an abstract (the papers to expect)."""
    for name in WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    seeds = root / "seeds"
    seeds.mkdir()
    # Compact layout: two chrome lines, "Subscribe" glued to the first title, 40 papers,
    # then one paper whose title is markup.
    compact = [*seed_lines("002_278965dfa2f33ff2.txt")[:82], EVIL_TITLE, EVIL_ABSTRACT]
    (seeds / "compact.txt").write_text("\n".join(compact) + "\n", encoding="utf-8")
    # A blank line after every line, five chrome lines, 20 papers, then a title whose
    # abstract is missing (line 91).
    spaced = [*seed_lines("001_9a059b36130610fa.txt")[:90], "A Title Whose Abstract Went Missing"]
    (seeds / "spaced.txt").write_text("\n".join(spaced) + "\n", encoding="utf-8")
    # 20 papers whose first title carries a byte that is not valid UTF-8 (Latin-1 "été").
    latin = (REPO / "seeds" / "003_5ee62c28251c3fb7.txt").read_bytes().splitlines()[2:42]
    latin[0] += b" \xe9t\xe9"
    (seeds / "latin1.txt").write_bytes(b"\n".join(latin) + b"\n")
    # Bytes that are not text at all.
    (seeds / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    config["hdbscan"]["min_cluster_size"] = 5
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    titles = [compact[2].removeprefix("Subscribe"), *compact[4:82:2], EVIL_TITLE]
    titles += [line for line in spaced[10:90] if line.strip()][::2]
    titles += [
        latin[0].decode("cp1252").removeprefix("Subscribe"),
        *(line.decode("utf-8") for line in latin[2:40:2]),
    ]
    assert len(titles) == 41 + 20 + 20
    return {title_key(title) for title in titles}


def snakemake(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def planned_rules(root: Path) -> set[str]:
    """The rules a plain `snakemake` would run now, from Snakemake's own dry run."""
    result = snakemake(root, "--dry-run", "--quiet", "rules")
    assert result.returncode == 0, result.stderr
    if "Nothing to be done" in result.stdout + result.stderr:
        return set()
    stats = re.search(r"job\s+count\n[-\s]+\n(.*?)\ntotal", result.stdout, re.S)
    assert stats, result.stdout
    return {line.split()[0] for line in stats.group(1).splitlines()} - {"all"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    expected_titles = make_project(root)
    result = snakemake(root)  # plain `snakemake`: cores come from profiles/default
    assert result.returncode == 0, result.stderr[-3000:]
    return root, expected_titles


@pytest.mark.slow
def test_snakemake_writes_every_output(project):
    root, expected_titles = project
    results = root / "results"
    papers = pd.read_csv(results / "papers.csv", keep_default_na=False)
    topics = pd.read_csv(results / "topics.csv", keep_default_na=False)
    # Exactly the papers written (duplicates across files merged): no chrome, no junk.
    assert set(papers["title"].map(title_key)) == expected_titles
    assert len(papers) == len(expected_titles)
    assert papers["paper_id"].is_unique
    assert {"paper_id", "title", "topic_id", "topic_label", "x", "y", "sources"} <= set(papers)
    assert {"topic_id", "label", "size", "keywords"} <= set(topics)
    assert topics["size"].sum() == len(papers)
    assert (topics["topic_id"] != -1).sum() >= 2
    for keywords in topics.loc[topics["topic_id"] != -1, "keywords"]:
        assert len(keywords.split("; ")) == 10
    lists = sorted((results / "topics").glob("*.md"))
    assert len(lists) == len(topics)
    for name in ["index.html", "topic_map.html", "plotly.min.js", "parse_report.json"]:
        assert (results / name).stat().st_size > 0, name
    # Every topic's and theme's papers as BibTeX beside its reading list.
    for folder in ["topics", "themes"]:
        assert {p.stem for p in (results / folder).glob("*.bib")} == {
            p.stem for p in (results / folder).glob("*.md")
        }
    # Each paper's 5 nearest papers, other papers all.
    near = pd.read_csv(results / "paper_neighbours.csv", keep_default_na=False)
    assert (near.groupby("paper_id").size() == 5).all() and near["paper_id"].nunique() == len(
        papers
    )
    assert (near["paper_id"] != near["neighbour_id"]).all()


@pytest.mark.slow
def test_topics_come_from_seven_throws_and_each_paper_says_how_sure(project):
    """The default config: 7 throws seeded from umap.random_state, 4 must agree."""
    root, _ = project
    results = root / "results"
    metrics = json.loads((results / "metrics.json").read_text())
    assert metrics["throws"] == 7
    assert metrics["stability_seeds"] == [42 + i * 1_000_000 for i in range(7)]
    papers = pd.read_csv(results / "papers.csv")
    agreement = papers["agreement"]
    # A share of the throws, present for every paper in a consensus topic, empty otherwise.
    assert agreement.dropna().between(0, 1).all() and agreement.notna().any()
    assert agreement.isna().sum() == metrics["consensus_outliers"]
    assert agreement[papers["reassigned"]].isna().all()
    assert papers["agreement"].mean() == pytest.approx(metrics["agreement_mean"], abs=1e-3)
    # On one machine the seven throws' UMAPs are one job, each throw under its own seed
    # (its reduction unlike every other's); one clustering job for all of them.
    throws_log = (results / "logs" / "reduce_umap_throws.log").read_text()
    assert "7 throws in" in throws_log
    reductions = []
    for seed in metrics["stability_seeds"][1:]:
        assert f"seed {seed}," in throws_log
        reductions.append(
            np.load(results / "intermediate" / "throws" / f"seed{seed}" / "umap_cluster.npy")
        )
    reductions.append(np.load(results / "intermediate" / "umap_cluster.npy"))
    assert len({reduced.tobytes() for reduced in reductions}) == 7
    assert not (results / "logs" / "reduce_umap_seed").exists()
    assert not (results / "logs" / "reduce_umap.log").exists()
    log = (results / "logs" / "cluster_hdbscan.log").read_text()
    assert "consensus of 7 throws" in log and f"{metrics['consensus_outliers']} of" in log
    topics = pd.read_csv(results / "topics.csv")
    assert topics.loc[topics["topic_id"] != -1, "stability"].between(0, 1).all()


@pytest.mark.slow
def test_topic_names_are_unique_phrases_of_their_titles(project):
    project, _ = project
    topics = pd.read_csv(project / "results" / "topics.csv", keep_default_na=False)
    papers = pd.read_csv(project / "results" / "papers.csv", keep_default_na=False)
    labels = topics.loc[topics["topic_id"] != -1, ["topic_id", "label"]]
    assert labels["label"].is_unique
    for topic_id, label in labels.itertuples(index=False):
        # A name may hold "of", "and" or "to" ("Task and motion planning"), never begin or
        # end with a stop word; its first phrase (an acronym after it aside, singular or
        # plural) is in one of its titles.
        words = label.lower().split()
        assert words[0] not in ENGLISH_STOP_WORDS and words[-1] not in ENGLISH_STOP_WORDS
        first = label.split(": ")[0].split(" (")[0].lower().removesuffix("s")
        titles = papers.loc[papers["topic_id"] == topic_id, "title"].str.lower()
        assert titles.str.replace("-", " ").str.contains(first.replace("-", " ")).any(), label


@pytest.mark.slow
def test_bad_inputs_are_reported_and_every_readable_paper_kept(project):
    project, _ = project
    report = (project / "results" / "parse_report.json").read_text()
    assert "figure.png" in report and "not a text file" in report
    assert "latin1.txt" in report and "not valid UTF-8" in report
    assert "A Title Whose Abstract Went Missing" in report
    log = (project / "results" / "logs" / "parse_seeds.log").read_text()
    assert "skipped spaced.txt:91: title without an abstract" in log
    papers = pd.read_csv(project / "results" / "papers.csv", keep_default_na=False)
    assert papers["title"].str.endswith("été").sum() == 1
    assert EVIL_TITLE in set(papers["title"])


@pytest.mark.slow
def test_pages_work_offline_and_show_markup_as_text(project):
    project, _ = project
    results = project / "results"
    for page in ["index.html", "topic_map.html"]:
        html = (results / page).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", html), page
        assert "<script>alert" not in html, page
    assert '<script src="plotly.min.js">' in (results / "topic_map.html").read_text()


@pytest.mark.slow
def test_nothing_reruns_when_nothing_changed(project):
    project, _ = project
    assert planned_rules(project) == set()


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent")
def test_the_snakemake_report_opens_offline_with_the_map_working_inside_it(
    project,
    browser,  # noqa: F811
    tmp_path,
):
    root, _ = project
    result = snakemake(root, "--report", "report.zip")
    assert result.returncode == 0, result.stderr[-3000:]
    with zipfile.ZipFile(root / "report.zip") as archive:
        archive.extractall(tmp_path)
        names = archive.namelist()
    results = root / "results"
    # Every reading list and BibTeX file, the tables and the pages' folder are in it.
    lists = {p.name for f in ["topics", "themes"] for p in (results / f).glob("[!.]*")}
    assert lists <= {Path(name).name for name in names}
    for name in ["papers.csv", "paper_neighbours.csv", "metrics.json", "topic_map.png"]:
        assert any(n.endswith("/" + name) for n in names), name
    visit = Visit(browser, (tmp_path / "report" / "report.html").as_uri())
    page = visit.page
    page.get_by_role("link", name="Atlas").click()
    page.locator("tr", has_text="the pages: start here").locator("a").first.click()
    with page.expect_event("framenavigated", lambda f: f.url.endswith("topic_map.html")) as nav:
        page.frame_locator("iframe").get_by_role("link", name="Topic map").first.click()
    frame = nav.value
    frame.wait_for_function("document.body && document.body.dataset.ready === 'true'")
    papers = pd.read_csv(results / "papers.csv", keep_default_na=False)
    near = pd.read_csv(results / "paper_neighbours.csv", keep_default_na=False)
    frame.evaluate("window.topicMap.showPaper(0)")
    assert frame.locator("#paper .paper-title").text_content() == papers["title"][0]
    expected = near[near["paper_id"] == papers["paper_id"][0]].sort_values("rank")
    listed = frame.locator("#paper .neighbours li button")
    assert listed.all_text_contents() == expected["neighbour_title"].tolist()
    listed.first.click()
    frame.wait_for_function(
        "(title) => document.querySelector('#paper .paper-title').textContent === title",
        arg=expected["neighbour_title"].iloc[0],
    )
    visit.check_clean()
    visit.page.close()


@pytest.mark.slow
def test_changing_a_clustering_parameter_reruns_clustering_onwards_only(project):
    project, _ = project
    config_path = project / "config.yaml"
    original = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(original)
    config["hdbscan"]["min_cluster_size"] = 6
    try:
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        planned = planned_rules(project)
    finally:
        config_path.write_text(original, encoding="utf-8")
    assert {"cluster_hdbscan", "label_topics", "derive_themes"} <= planned
    # The map is laid out around the topics, so it follows them; the 5-D UMAP does not.
    assert "reduce_umap_map" in planned
    assert not planned & {
        "parse_seeds",
        "embed_papers",
        "reduce_umap",
        "reduce_umap_seed",
        "reduce_umap_throws",
    }


@pytest.mark.slow
def test_fewer_throws_recluster_without_any_umap(project):
    """consensus.throws 7 -> 3: the three throws' reductions exist, so only the clustering
    job (the vote) and what follows it run again."""
    project, _ = project
    config_path = project / "config.yaml"
    original = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(original)
    config["consensus"]["throws"] = 3
    try:
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        planned = planned_rules(project)
    finally:
        config_path.write_text(original, encoding="utf-8")
    assert {"cluster_hdbscan", "label_topics", "derive_themes", "reduce_umap_map"} <= planned
    assert not planned & {
        "embed_papers",
        "reduce_umap",
        "reduce_umap_seed",
        "reduce_umap_throws",
        "find_neighbours",
    }


@pytest.mark.slow
def test_more_throws_run_the_throws_job_again_but_not_the_embeddings(project):
    """consensus.throws 7 -> 9 on one machine: the one job of the throws runs again (all
    nine: it is one job, the main throw's UMAP among them), the embeddings do not."""
    project, _ = project
    config_path = project / "config.yaml"
    original = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(original)
    config["consensus"]["throws"] = 9
    try:
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        planned = planned_rules(project)
    finally:
        config_path.write_text(original, encoding="utf-8")
    assert {"reduce_umap_throws", "cluster_hdbscan", "label_topics"} <= planned
    assert not planned & {"parse_seeds", "embed_papers", "reduce_umap", "reduce_umap_seed"}


def test_a_wrong_config_key_stops_before_any_rule_with_one_line(tmp_path):
    make_project(tmp_path)
    root = tmp_path
    config = yaml.safe_load((root / "config.yaml").read_text())
    config["hdbscan"]["min_cluster_sise"] = 5
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    result = snakemake(root, "--dry-run")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "topics: config.yaml: unknown key 'hdbscan.min_cluster_sise'; the keys allowed in "
        "'hdbscan' are: cluster_selection_epsilon, cluster_selection_method, max_share, "
        "metric, min_cluster_size, min_samples."
    )
    assert not (root / "results").exists()


def test_an_empty_seeds_folder_stops_with_one_sentence(tmp_path):
    make_project(tmp_path)
    root = tmp_path
    for path in (root / "seeds").iterdir():
        path.unlink()
    result = snakemake(root, "--dry-run")
    assert result.returncode == 1
    assert "seeds folder 'seeds' has no input files (config key seeds_dir)" in result.stderr
    assert "Traceback" not in result.stderr
