"""End to end: `snakemake` on a seeds folder mixing export formats whose papers overlap."""

import base64
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "inputs"
AWKWARD = REPO / "tests" / "fixtures" / "awkward"
WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "profiles"]
SOIL_DOI = "10.1080/20964129.2020.1722034"
IMPACTS_DOI = "10.1080/20964129.2020.1749010"
IMPACTS = (
    "Impacts of land conversion and management measures on net primary productivity "
    "in semi-arid grassland"
)


def make_project(root: Path) -> None:
    for name in WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    seeds = root / "seeds"
    seeds.mkdir()
    # A listing of 40 papers, plus one paper that Scopus exports too (matched by title).
    lines = (REPO / "seeds" / "002_278965dfa2f33ff2.txt").read_text(encoding="utf-8")
    abstract = (
        "We model net primary productivity in a semi-arid grassland to see how land "
        "conversion and management change it over two decades."
    )
    listing = [*lines.splitlines()[:82], IMPACTS, abstract]
    (seeds / "listing.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    for name in ("wos_savedrecs.txt", "scopus.bib", "arxiv_snapshot.jsonl"):
        shutil.copy(FIXTURES / name, seeds / name)
    (seeds / "scopus.ris.gz").write_bytes(gzip.compress((FIXTURES / "scopus.ris").read_bytes()))
    # Files that once stopped the run or lost records, in a subfolder as Zotero exports them,
    # beside a hidden file and a link leading out of the folder.
    shutil.copytree(AWKWARD, seeds / "Export Files", ignore=shutil.ignore_patterns("*.md"))
    (seeds / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "private.txt").write_text("A private line\nthat no report may quote.\n")
    os.symlink(root / "private.txt", seeds / "notes.txt")
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    config["hdbscan"]["min_cluster_size"] = 5
    config["consensus"]["throws"] = 1
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


@pytest.mark.slow
def test_snakemake_merges_a_folder_of_wos_bibtex_ris_arxiv_and_listing_files(tmp_path):
    make_project(tmp_path)
    # This checkout's code, whatever topics is installed from.
    path = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    papers = pd.read_parquet(tmp_path / "results" / "intermediate" / "papers.parquet")
    # 40 listing papers + Impacts (listing, BibTeX, RIS) + 8 arXiv + Soil fauna and Relic
    # image (BibTeX, RIS, WoS) + 2 papers only WoS has; 22 from the awkward files.
    awkward = papers["sources"].map(lambda s: s[0].startswith("Export Files/"))
    assert (len(papers), int(awkward.sum())) == (75, 22)
    assert papers["paper_id"].is_unique
    assert list(papers["paper_id"]) == sorted(papers["paper_id"])
    by_doi = papers.dropna(subset=["doi"]).set_index("doi")
    soil = by_doi.loc[SOIL_DOI]
    assert list(soil["sources"]) == ["scopus.bib", "scopus.ris.gz", "wos_savedrecs.txt"]
    assert (soil["year"], soil["date"]) == (2020, "2020-12-16")
    assert list(soil["authors"])[:2] == ["Li, Wei", "Dou, Zhiguo"]
    assert "Lake Taihu" in list(soil["keywords"])
    impacts = by_doi.loc[IMPACTS_DOI]
    assert list(impacts["sources"]) == ["listing.txt", "scopus.bib", "scopus.ris.gz"]
    assert impacts["title"] == IMPACTS
    assert len(impacts["abstract"]) > 1000  # Scopus's abstract, longer than the listing's
    arxiv = papers.set_index("arxiv_id").loc["0704.0001"]
    assert (arxiv["doi"], arxiv["date"]) == ("10.1103/physrevd.76.013009", "2007-04-02")
    listed = papers[papers["sources"].map(lambda s: list(s) == ["listing.txt"])]
    assert len(listed) == 40 and listed["doi"].isna().all()

    report_text = (tmp_path / "results" / "parse_report.json").read_text()
    assert "private line" not in report_text
    report = json.loads(report_text)
    assert report["merged_by"] == {"doi": 5, "arxiv_id": 0, "title": 1}
    formats = {f["file"]: (f["format"], f["compression"]) for f in report["per_file"]}
    assert {name: how for name, how in formats.items() if "/" not in name} == {
        "arxiv_snapshot.jsonl": ("jsonl", None),
        "listing.txt": ("listing", None),
        "scopus.bib": ("bibtex", None),
        "scopus.ris.gz": ("ris", "gzip"),
        "wos_savedrecs.txt": ("wos", None),
    }
    assert len(formats) == 5 + len([p for p in AWKWARD.iterdir() if p.suffix != ".md"])
    for entry in report["per_file"]:  # nothing lost without a line in the report
        skipped = sum(issue["scope"] == "record" for issue in entry["skipped"])
        assert entry["records"] == entry["kept"] + entry["duplicates"] + skipped, entry["file"]
    assert report["unique_papers"] == sum(entry["kept"] for entry in report["per_file"])
    assert [(i["file"], i["reason"]) for i in report["ignored"]] == [
        (".DS_Store", "hidden file; not read"),
        ("notes.txt", "link to a file outside the seeds folder; not opened"),
    ]
    papers_csv = pd.read_csv(tmp_path / "results" / "papers.csv", keep_default_na=False)
    assert len(papers_csv) == 75
    # The researcher's table keeps the merged metadata, lists joined by "; ".
    soil_row = papers_csv.set_index("doi").loc[SOIL_DOI]
    assert (soil_row["year"], soil_row["date"]) == ("2020", "2020-12-16")  # text: some are ""
    assert soil_row["authors"].startswith("Li, Wei; Dou, Zhiguo")
    assert soil_row["sources"] == "scopus.bib; scopus.ris.gz; wos_savedrecs.txt"
    listed_rows = papers_csv[papers_csv["sources"] == "listing.txt"]
    assert (listed_rows[["venue", "doi", "arxiv_id", "url", "authors"]] == "").all().all()
    # The reading lists and the map link each paper to its DOI or arXiv page.
    lists = "".join(p.read_text() for p in (tmp_path / "results" / "topics").glob("*.md"))
    assert f"<https://doi.org/{SOIL_DOI}>" in lists
    assert "<https://doi.org/10.1103/physrevd.76.013009>" in lists  # a DOI comes first
    assert "<https://arxiv.org/abs/0704.0002>" in lists  # no DOI: its arXiv page
    page = (tmp_path / "results" / "topic_map.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="map-data">', 1)[1].split("</script>", 1)[0])
    links = json.loads(gzip.decompress(base64.b64decode(data["papers"])))["link"]
    assert f"https://doi.org/{SOIL_DOI}" in links
