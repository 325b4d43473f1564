"""update: incremental: papers added since the last full fit placed with its models.

Unit tests fit real UMAP, HDBSCAN and BERTopic on small data; the workflow tests run real
`snakemake` on seed files: a fit, papers added, a full refit compared with a cold run.
"""

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from defaults import DEFAULTS
from synthetic import intermediate_paths, synthetic_report
from test_label import PARAMS, corpus  # noqa: F401  (corpus: the fixture)
from test_workflow import REPO, WORKFLOW_FILES, snakemake

from topics.cluster import hdbscan_fit
from topics.errors import UserError
from topics.files import read_model, write_model
from topics.label import fit_bertopic, reassign_outliers
from topics.model import check_fit, fit_parameters, outlier_vectors
from topics.place import cluster_topics, outlier_topics, place_papers
from topics.plotting.topic_map import topic_map_figure
from topics.reduce import map_fit, placeable, umap_fit
from topics.report.data import load_report
from topics.report.map_data import map_data
from topics.report.reading_lists import paper_entry
from topics.shards import fit_rows


@pytest.fixture
def fitted(blobs, tmp_path):
    """A small fit of three blobs, its models through a pickle round trip as
    results/model/ keeps them, and new points drawn around each blob's centre."""
    points, truth = blobs
    reducer, reduced = umap_fit(points, **{**DEFAULTS["umap"], "metric": "euclidean"})
    clusterer, clusters = hdbscan_fit(
        reduced,
        **DEFAULTS["hdbscan"],
        prediction_data=True,
    )
    mapper, coords = map_fit(
        points, reduced, clusters.labels, **{**DEFAULTS["umap_map"], "metric": "euclidean"}
    )
    models = []
    for name, model in [("umap", placeable(reducer)), ("hdbscan", clusterer), ("map", mapper)]:
        write_model(model, tmp_path / f"{name}.pkl")
        models.append(read_model(tmp_path / f"{name}.pkl"))
    rng = np.random.default_rng(1)
    centres = np.stack([points[truth == blob].mean(axis=0) for blob in range(3)])
    new = np.repeat(centres, 4, axis=0) + rng.normal(scale=0.5, size=(12, points.shape[1]))
    return points, truth, clusters, coords, models, new.astype(np.float32)


KEEP = {"strategy": "keep", "threshold": 0.5}


def test_added_papers_land_in_their_blobs_topic_and_beside_it_on_the_map(fitted):
    _, truth, clusters, coords, (reducer, clusterer, mapper), new = fitted
    assert len(set(clusters.labels.tolist()) - {-1}) == 3
    # Topic ids as labelling would number them: here the cluster ids themselves.
    topic_of_cluster = {c: c for c in range(3)}
    placed = place_papers(
        new, reducer, clusterer, mapper, topic_of_cluster, np.zeros((3, 20)), **KEEP
    )
    blob_topic = [np.bincount(clusters.labels[truth == b] + 1).argmax() - 1 for b in range(3)]
    assert placed.topic_ids.tolist() == [blob_topic[b] for b in np.repeat(np.arange(3), 4)]
    # On the map, each added paper is nearest to its own blob's papers.
    centres = np.stack([coords[truth == blob].mean(axis=0) for blob in range(3)])
    nearest = np.linalg.norm(placed.coords[:, None] - centres[None], axis=2).argmin(axis=1)
    assert nearest.tolist() == np.repeat(np.arange(3), 4).tolist()
    low, high = coords.min(axis=0), coords.max(axis=0)
    assert ((placed.coords >= low - 1) & (placed.coords <= high + 1)).all()
    assert placed.reduced.shape == (12, DEFAULTS["umap"]["n_components"])
    # The same papers placed again land in the same places.
    again = place_papers(
        new,
        reducer,
        clusterer,
        mapper,
        topic_of_cluster,
        np.zeros((3, 20)),
        strategy="keep",
        threshold=0.5,
    )
    np.testing.assert_array_equal(again.coords, placed.coords)


def test_an_added_outlier_meets_the_fits_outlier_rule_as_bertopic_applies_it(corpus):  # noqa: F811
    docs, embeddings, clusters = corpus
    # Half the papers left out by HDBSCAN, so reduce_outliers has work to do.
    clusters = np.where(np.arange(len(clusters)) % 2 == 0, clusters, -1)
    model = fit_bertopic(
        docs,
        embeddings,
        clusters,
        vectorizer=DEFAULTS["vectorizer"],
        top_n_words=10,
        reduce_frequent_words=True,
    )
    core = np.asarray(model.topics_)
    for threshold in (0.0, 0.1, 0.3):
        outliers = {"strategy": "embeddings", "threshold": threshold}
        fitted = reassign_outliers(model, docs, core, embeddings, clusters, None, **outliers)
        vectors = outlier_vectors(embeddings, fitted, core >= 0)
        placed = outlier_topics(embeddings[core == -1], vectors, **outliers)
        np.testing.assert_array_equal(placed, fitted[core == -1])
    kept = outlier_topics(embeddings[:3], np.ones((3, 16)), strategy="keep", threshold=0.1)
    assert kept.tolist() == [-1, -1, -1]


def test_clusters_map_to_the_topics_labelling_gave_their_core_papers():
    # One throw: the kept HDBSCAN's clusters are the topics' (renumbered by labelling);
    # topics before reassignment, -1 for HDBSCAN's outliers.
    clusters = np.array([0, 0, 1, 1, -1, -1])
    topics = np.array([1, 1, 0, 0, -1, -1])
    assert cluster_topics(clusters, topics) == {0: 1, 1: 0}


def test_a_consensus_fits_clusters_map_where_their_papers_went():
    """Topics of several throws: the kept HDBSCAN (the main throw's) has clusters the
    consensus split (0), kept (1) or mostly left out (2); an added paper predicted into a
    cluster goes where most of the cluster's fitted papers went."""
    fitted = np.array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, -1])
    topics = np.array([3, 3, 3, 4, 4, 5, 5, 5, -1, -1, 6, 6])
    assert cluster_topics(fitted, topics) == {0: 3, 1: 5, 2: -1}


def test_placing_into_a_consensus_fit_keeps_its_papers_and_maps_added_ones(tmp_path):
    """merged() on a fit whose topics several throws agreed on: the fit's papers keep
    their clusters and agreement, an added paper gets the consensus cluster of the topic
    its HDBSCAN cluster led it to, its own HDBSCAN label in `fitted`, and no agreement."""
    from topics.files import Clusters
    from topics.place import Fit, Placed, merged

    labels = np.array([1, 1, 0, 0, -1])  # the consensus (paper 4: the throws disagreed)
    main = np.array([0, 0, 1, 1, 1])  # the kept HDBSCAN's own clusters
    assignments = pd.DataFrame(
        {
            "paper_id": list("abcde"),
            "topic_id": [0, 0, 1, 1, 1],  # labelling renumbered by size; e reassigned
            "reassigned": [False] * 4 + [True],
            "centrality": np.ones(5),
            "agreement": np.array([1, 0.5, 1, 1, np.nan], dtype=np.float32),
            "added": [False] * 5,
        }
    )
    topics = pd.DataFrame(
        {
            "topic_id": [0, 1],
            "label": ["A", "B"],
            "size": [2, 3],
            "keywords": [["a"], ["b"]],
            "scores": [[1.0], [1.0]],
            "centroid": [np.ones(3), -np.ones(3)],
        }
    )
    themes = pd.DataFrame({"theme_id": [0], "label": ["T"], "size": [5], "topics": [[0, 1]]})
    fit = Fit(
        np.zeros((5, 2)),
        np.zeros((5, 2)),
        Clusters(labels, agreement=assignments["agreement"].to_numpy(), fitted=main),
        assignments,
        topics,
        themes,
        np.ones((5, 3)),
    )
    topic_of_cluster = fit.topic_of_cluster()
    assert topic_of_cluster == {0: 0, 1: 1}
    # Two added papers: one predicted into cluster 1 (so topic 1), one noise reassigned to 0.
    placed = Placed(
        np.zeros((2, 2)),
        np.array([1, -1]),
        np.ones(2, dtype=np.float32),
        np.array([topic_of_cluster[1], 0]),
        np.array([False, True]),
        np.zeros((2, 2)),
    )
    rows = np.array([0, 1, 2, 3, 4, -1, -1])
    now = merged(fit, placed, rows, pd.Series(list("abcdefg")), -np.ones((2, 3)))
    assert now.clusters.labels.tolist() == [1, 1, 0, 0, -1, 0, -1]
    assert now.clusters.fitted.tolist() == [0, 0, 1, 1, 1, 1, -1]
    assert now.assignments["topic_id"].tolist() == [0, 0, 1, 1, 1, 1, 0]
    agreement = now.assignments["agreement"].to_numpy()
    np.testing.assert_array_equal(agreement[:4], [1, 0.5, 1, 1])
    assert np.isnan(agreement[4:]).all()


def test_a_paper_whose_text_changed_since_the_fit_is_placed_anew():
    papers = pd.DataFrame(
        {"paper_id": ["a", "b", "c"], "title": ["A", "B", "C"], "abstract": ["x", "y", "z"]}
    )
    fit = pd.DataFrame({"paper_id": ["b", "a"], "title": ["B", "A"], "abstract": ["y", "old"]})
    _, keys = fit_rows(fit, pd.DataFrame({"paper_id": ["b", "a"], "key": ["", ""]}))
    rows, _ = fit_rows(papers, pd.DataFrame({"paper_id": ["b", "a"], "key": keys}))
    assert rows.tolist() == [-1, 0, -1]


def test_the_map_outlines_added_papers_and_its_data_counts_them():
    report = synthetic_report()[0]
    added = report.papers["added"].to_numpy()
    assert added.sum() == 1
    marker = topic_map_figure(report).data[0].marker
    assert (np.asarray(marker.line.width) > 0).tolist() == added.tolist()
    assert (np.asarray(marker.size)[added] > np.asarray(marker.size)[~added]).all()
    assert map_data(report)["added"] == 1
    plain = report._replace(papers=report.papers.assign(added=False))
    assert topic_map_figure(plain).data[0].marker.line.width == 0
    paper = report.papers[added].iloc[0].to_dict()
    assert "added since the last fit" in "".join(paper_entry(1, paper, "##"))


def write_fit(path, config):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {"fitted": "2026-11-30 10:00 UTC", "papers": 3, "parameters": fit_parameters(config)}
        )
    )


def test_an_incremental_run_needs_a_fit_made_with_the_same_parameters(tmp_path):
    config = DEFAULTS
    with pytest.raises(UserError, match="run once with update: full"):
        check_fit(config, tmp_path / "fit.json")
    write_fit(tmp_path / "fit.json", config)
    assert check_fit(config, tmp_path / "fit.json")["papers"] == 3
    # A fit kept by an earlier version, without a file placing now needs.
    with pytest.raises(UserError, match=r"lacks .*neighbours\.parquet .* update: full"):
        check_fit(
            config, tmp_path / "fit.json", [tmp_path / "fit.json", tmp_path / "neighbours.parquet"]
        )
    # How vectors are computed is not what they are: the fit stays valid.
    faster = {**config, "embedding": {**config["embedding"], "batch_size": 64}}
    check_fit(faster, tmp_path / "fit.json")
    changed = {**config, "hdbscan": {**config["hdbscan"], "min_cluster_size": 7}}
    with pytest.raises(UserError, match=r"hdbscan\.min_cluster_size is 7 .* set update: full"):
        check_fit(changed, tmp_path / "fit.json")
    # A fit made while the size cap was topics.max_share still places papers.
    old = fit_parameters(config)
    old["topics"] = {"max_share": old["hdbscan"].pop("max_share")}
    (tmp_path / "fit.json").write_text(json.dumps({"papers": 3, "parameters": old}))
    assert check_fit(config, tmp_path / "fit.json")["papers"] == 3
    other = {**config, "outliers": {**config["outliers"], "strategy": "c-tf-idf"}}
    write_fit(tmp_path / "fit.json", other)
    with pytest.raises(UserError, match=r"outliers\.strategy 'c-tf-idf'"):
        check_fit(other, tmp_path / "fit.json")


# ---- the workflow: real snakemake runs on seed files -------------------------------------

FIT_FILES = ["000_73b1d1d511fa55a1.txt", "001_9a059b36130610fa.txt"]
ADDED_FILE = "002_278965dfa2f33ff2.txt"
# What a full refit must give exactly as a cold run does.
FIT_OUTPUTS = [
    "assignments.parquet",
    "topics.parquet",
    "clusters.npz",
    "umap_map.npy",
    "themes.parquet",
]


def make_project(root, files, update="full"):
    for name in WORKFLOW_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "seeds").mkdir()
    for name in files:
        shutil.copy(REPO / "seeds" / name, root / "seeds" / name)
    set_config(root, update=update)


def set_config(root, **values):
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    # Two throws, three fewer UMAP fits per full run than the default, and still topics
    # agreed by several throws, which incremental runs place papers into.
    config["consensus"]["throws"] = 2
    config.update(values)
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def run(root):
    result = snakemake(root, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_an_incremental_run_without_a_fit_says_to_run_a_full_one(tmp_path):
    make_project(tmp_path, FIT_FILES, update="incremental")
    result = snakemake(tmp_path, "--dry-run")
    assert result.returncode == 1
    assert "holds no fitted model; run once with update: full." in result.stderr


def test_an_incremental_run_after_a_fit_parameter_changed_says_to_refit(tmp_path):
    from topics.config import validate_config

    make_project(tmp_path, FIT_FILES, update="incremental")
    config = validate_config(
        yaml.safe_load((tmp_path / "config.yaml").read_text()),
        REPO / "workflow/schemas/config.schema.yaml",
    )
    write_fit(tmp_path / "results" / "model" / "fit.json", config)
    # The same parameters pass that check; the fit's other files are missing here, as in a
    # fit kept by an earlier version, and the run says which and what to do.
    same = snakemake(tmp_path, "--dry-run")
    assert same.returncode == 1
    assert "umap.n_neighbors" not in same.stderr
    assert "lacks results/model/embeddings.npy" in same.stderr
    assert "run once with update: full." in same.stderr
    set_config(tmp_path, update="incremental", umap={**config["umap"], "n_neighbors": 10})
    result = snakemake(tmp_path, "--dry-run")
    assert result.returncode == 1
    assert "umap.n_neighbors is 10" in result.stderr and "set update: full" in result.stderr


@pytest.mark.slow
def test_added_papers_are_placed_marked_and_a_full_refit_equals_a_cold_run(tmp_path):
    project, cold = tmp_path / "project", tmp_path / "cold"
    project.mkdir()
    cold.mkdir()
    make_project(project, FIT_FILES)
    run(project)
    model = project / "results" / "model"
    fit_assignments = pd.read_parquet(model / "assignments.parquet")
    fit_coords = np.load(model / "umap_map.npy")
    fit_topics = pd.read_parquet(model / "topics.parquet")

    shutil.copy(REPO / "seeds" / ADDED_FILE, project / "seeds" / ADDED_FILE)
    set_config(project, update="incremental")
    result = run(project)
    # Only the added papers' job embeds, and only them; nothing is refitted.
    assert "embed_papers" not in result.stderr and "reduce_umap" not in result.stderr
    log = (project / "results" / "logs" / "embed_added_papers.log").read_text()
    added_count = int(re.search(r"(\d+) texts: 0 from the cache, \1 to embed", log).group(1))
    papers = pd.read_csv(project / "results" / "papers.csv")
    assert papers["added"].sum() == added_count > 50
    assert len(papers) == len(fit_assignments) + added_count
    # Papers of the fit keep their topics, map positions and centrality exactly.
    assignments = pd.read_parquet(project / "results" / "intermediate" / "assignments.parquet")
    coords = np.load(project / "results" / "intermediate" / "umap_map.npy")
    old = assignments.set_index("paper_id").loc[fit_assignments["paper_id"]]
    np.testing.assert_array_equal(old["topic_id"], fit_assignments["topic_id"])
    np.testing.assert_array_equal(old["centrality"], fit_assignments["centrality"])
    np.testing.assert_array_equal(old["agreement"], fit_assignments["agreement"])
    row = {pid: i for i, pid in enumerate(assignments["paper_id"])}
    np.testing.assert_array_equal(coords[[row[p] for p in fit_assignments["paper_id"]]], fit_coords)
    # Added papers are in the fit's topics (or outliers) and on its map; labels unchanged.
    added = assignments[assignments["added"]]
    # The throws never saw them: no agreement.
    assert added["agreement"].isna().all() and papers.loc[papers["added"], "agreement"].isna().all()
    assert set(added["topic_id"]) <= set(fit_topics["topic_id"]) | {-1}
    assert (added["topic_id"] >= 0).mean() > 0.5
    low, high = fit_coords.min(axis=0), fit_coords.max(axis=0)
    span = high - low
    placed = coords[assignments["added"].to_numpy()]
    assert ((placed >= low - 0.1 * span) & (placed <= high + 0.1 * span)).all()
    topics = pd.read_parquet(project / "results" / "intermediate" / "topics.parquet")
    assert topics["label"].tolist() == fit_topics["label"].tolist()
    assert topics["size"].sum() == len(papers)
    # Marked on the pages: the index sentence, the map's data, the reading lists.
    index = (project / "results" / "index.html").read_text()
    assert re.search(
        rf"{added_count} papers were placed into the\s+existing topics since the last full fit "
        r"on \d{4}-\d\d-\d\d \d\d:\d\d UTC; set <code>update: full</code>",
        index,
    )
    assert "Measured at the last full fit" in index
    report = load_report(
        intermediate_paths(project / "results" / "intermediate"), DEFAULTS["report"]
    )
    assert map_data(report)["added"] == added_count
    assert (
        report.papers.loc[report.papers["added"], "paper_id"].tolist() == added["paper_id"].tolist()
    )
    # Every paper is in one reading list (outliers too): each added one marked there.
    lists = "".join(p.read_text() for p in (project / "results" / "topics").glob("*.md"))
    assert lists.count("added since the last fit") == added_count
    # Every paper, added ones too, has its 5 nearest papers, among which added ones.
    near = pd.read_csv(project / "results" / "paper_neighbours.csv")
    assert (near.groupby("paper_id").size() == 5).all()
    assert set(near["paper_id"]) == set(papers["paper_id"])
    # Updated from the fit's lists, not searched again over all pairs.
    assert "(update)" in (project / "results" / "logs" / "find_neighbours.log").read_text()
    added_ids = set(added["paper_id"])
    assert near["neighbour_id"].isin(added_ids).any()
    assert near[near["paper_id"].isin(added_ids)]["neighbour_id"].isin(added_ids).mean() < 1

    # update: full refits on every paper: the same as a cold run on the same inputs.
    set_config(project, update="full")
    run(project)
    make_project(cold, [*FIT_FILES, ADDED_FILE])
    run(cold)
    for name in [
        "assignments.parquet",
        "topics.parquet",
        "clusters.npz",
        "umap_map.npy",
        "themes.parquet",
    ]:
        assert (project / "results/intermediate" / name).read_bytes() == (
            cold / "results/intermediate" / name
        ).read_bytes(), name
    assert pd.read_csv(project / "results" / "papers.csv")["added"].sum() == 0
    assert "placed into the" not in (project / "results" / "index.html").read_text()
