"""The pages' folder that `snakemake --report` carries (topics.report.bundle)."""

from topics.report.bundle import run_bundle


def test_the_folder_holds_the_pages_and_lists_as_results_does_and_nothing_stale(tmp_path):
    results = tmp_path / "results"
    (results / "topics").mkdir(parents=True)
    (results / "index.html").write_text("<a href='topics/0-a.md'>")
    (results / "topics" / "0-a.md").write_text("list")
    (results / "topics" / "0-a.bib").write_text("@article{a,}")
    (results / "topics" / ".snakemake_timestamp").write_text("")
    out = results / "atlas"
    (out / "old").mkdir(parents=True)
    copied = run_bundle([results / "index.html", results / "topics"], out)
    assert copied == 3
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "index.html",
        "topics/0-a.bib",
        "topics/0-a.md",
    ]
    # Hard links where the file system has them: no second copy of the outputs on disk.
    assert (out / "index.html").stat().st_ino == (results / "index.html").stat().st_ino


def test_a_rerun_after_an_output_changed_carries_the_new_content(tmp_path):
    """Snakemake writes a changed output as a new file, so the folder made again holds it."""
    page = tmp_path / "index.html"
    page.write_text("old")
    run_bundle([page], tmp_path / "atlas")
    page.unlink()
    page.write_text("new")
    run_bundle([page], tmp_path / "atlas")
    assert (tmp_path / "atlas" / "index.html").read_text() == "new"
