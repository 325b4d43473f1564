"""The workflow on a real SLURM cluster: every job a SLURM job, the same topics as on one
machine.

Needs a cluster with an idle node: `.ci/slurm.sh up` starts a one-node cluster on this
machine (.ci/run does, then sets TOPICS_REQUIRE_SLURM=1). Without one the test skips and
says why; with TOPICS_REQUIRE_SLURM=1 it fails instead. Nothing here starts a service.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from test_workflow import make_project

PROFILE = "profiles/slurm"


def cluster_partition() -> tuple[str | None, str]:
    """(partition with an idle node, its CPUs per node), or (None, why there is none)."""
    if shutil.which("sinfo") is None or shutil.which("sbatch") is None:
        return None, "no SLURM client (sinfo, sbatch) on this machine"
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return None, "snakemake-executor-plugin-slurm is not installed (pip install -e '.[test]')"
    try:
        idle = subprocess.run(
            ["sinfo", "--noheader", "--states=idle", "--format=%P %c"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return None, "sinfo did not answer in 30 s"
    if idle.returncode != 0:
        last = (idle.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"no SLURM controller answers sinfo ({last})"
    if not idle.stdout.split():
        return None, "SLURM has no idle node"
    partition, cpus = idle.stdout.split()[:2]
    return partition.rstrip("*"), cpus


@pytest.fixture(scope="module")
def partition():
    name, detail = cluster_partition()
    if name is None:
        if os.environ.get("TOPICS_REQUIRE_SLURM") == "1":
            pytest.fail(f"TOPICS_REQUIRE_SLURM=1, but {detail}")
        pytest.skip(f"{detail}; `.ci/slurm.sh up` starts a one-node cluster on this machine")
    return name, int(detail)


def snakemake(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=root,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=1200,
    )


def small_project(root: Path) -> int:
    """make_project's papers in 4 embedding shards, three throws (consensus.throws: two
    other throws, a job each on the cluster, one job for both on one machine); return how
    many papers to expect."""
    papers = len(make_project(root))
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    config["embedding"]["shard_size"] = 25
    config["consensus"]["throws"] = 3
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return papers


def controller_log() -> str:
    config = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True)
    path = re.search(r"^SlurmctldLogFile\s*=\s*(\S+)", config.stdout, re.M)
    return Path(path[1]).read_text(encoding="utf-8", errors="replace") if path else ""


@pytest.mark.slow
def test_the_workflow_runs_as_slurm_jobs_and_gives_the_topics_of_a_local_run(tmp_path, partition):
    name, cpus = partition
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    for root in (local, cluster):
        root.mkdir()
        papers = small_project(root)
    # What a researcher edits in the profile: their partition and account.
    profile = cluster / PROFILE / "config.yaml"
    text = profile.read_text(encoding="utf-8")
    assert '"your-partition"' in text and '"your-account"' in text
    text = text.replace('"your-partition"', f'"{name}"').replace('"your-account"', '"topics"')
    profile.write_text(text, encoding="utf-8")

    done = snakemake(local, "--cores", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    on_slurm = snakemake(
        cluster,
        "--workflow-profile",
        PROFILE,
        # The test cluster's node may have fewer cores than the profile's shard jobs ask.
        "--set-threads",
        f"embed_papers={min(cpus, 8)}",
        # Its jobs take seconds: look for finished jobs soon after submitting them.
        "--slurm-init-seconds-before-status-checks",
        "2",
    )
    assert on_slurm.returncode == 0, on_slurm.stderr[-5000:]

    log = on_slurm.stderr
    rules = re.findall(r"^(?:rule|checkpoint) (\w+):", log, re.M)
    assert {"parse_seeds", "split_papers", "embed_papers", "label_topics", "write_index"} <= set(
        rules
    )
    single = re.findall(r"has been submitted with SLURM jobid (\d+)", log)
    arrays = re.findall(
        r"Submitted array job with Snakemake IDs ([\d,]+) and SLURM job ID (\d+)", log
    )
    in_arrays = sum(len(ids.split(",")) for ids, _ in arrays)
    assert rules.count("embed_papers") == 4 and in_arrays == 4, log[-3000:]
    # The other throws a job each, side by side on the nodes; on one machine one job.
    assert rules.count("reduce_umap_seed") == 2 and "reduce_umap_throws" not in rules, rules
    assert (local / "results" / "logs" / "reduce_umap_throws.log").exists()
    assert not (local / "results" / "logs" / "reduce_umap_seed").exists()
    # Every job but the local `all` went through SLURM, and SLURM saw each one end.
    assert len(single) + in_arrays == len(rules), (rules, single, arrays)
    ended = controller_log()
    for job in single:
        assert re.search(rf"_job_complete: JobId={job} done", ended), job
    for _, job in arrays:
        assert len(re.findall(rf"_job_complete: JobId={job}_\d+\(\d+\) done", ended)) == 4, job

    def topics_of(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
        papers = pd.read_csv(root / "results" / "papers.csv", keep_default_na=False)
        topics = pd.read_csv(root / "results" / "topics.csv", keep_default_na=False)
        return papers[["paper_id", "topic_id", "topic_label", "theme_id"]], topics

    (local_papers, local_topics), (slurm_papers, slurm_topics) = (
        topics_of(local),
        topics_of(cluster),
    )
    assert len(local_papers) == papers
    # Every throw's reduction the same array, byte for byte, whichever rule made it.
    throws = sorted((local / "results" / "intermediate" / "throws").glob("seed*/umap_cluster.npy"))
    assert len(throws) == 2
    for path in throws:
        other = cluster / path.relative_to(local)
        assert path.read_bytes() == other.read_bytes(), path
    pd.testing.assert_frame_equal(slurm_papers, local_papers)
    pd.testing.assert_frame_equal(slurm_topics, local_topics)
