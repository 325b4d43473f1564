"""config.yaml and its schema: defaults agree, and mistakes are explained in one sentence."""

from pathlib import Path

import pytest
import yaml

from topics.config import validate_config
from topics.errors import UserError

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def shipped_config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))


def test_shipped_config_is_valid_and_spells_out_every_default():
    assert validate_config(shipped_config(), SCHEMA) == validate_config({}, SCHEMA)
    assert validate_config(shipped_config(), SCHEMA) == shipped_config()


def test_every_schema_key_has_a_description_and_a_default():
    checked = []

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            assert "description" in sub or "properties" in sub, f"{path}{key} lacks a description"
            # A sweep entry is optional: leaving it out means "not swept".
            assert "default" in sub or path == "sweep.", f"{path}{key} lacks a default"
            checked.append(f"{path}{key}")
            walk(sub, f"{path}{key}.")

    walk(yaml.safe_load(SCHEMA.read_text(encoding="utf-8")), "")
    assert {"hdbscan.min_cluster_size", "themes.max_themes", "sweep.umap.n_neighbors"} <= {*checked}


def test_missing_sections_and_keys_get_defaults():
    config = validate_config({"hdbscan": {"min_cluster_size": 25}}, SCHEMA)
    assert config["hdbscan"]["min_cluster_size"] == 25
    assert config["hdbscan"]["cluster_selection_method"] == "eom"
    assert config["umap"]["random_state"] == 42


@pytest.mark.parametrize(
    "config, message",
    [
        (
            {"hdbscan": {"min_cluster_sise": 5}},
            "unknown key 'hdbscan.min_cluster_sise'; the keys allowed in 'hdbscan' are: "
            "cluster_selection_epsilon, cluster_selection_method, max_share, metric, "
            "min_cluster_size, min_samples",
        ),
        ({"umap": {"metric": "cosin"}}, "'umap.metric' is 'cosin'; allowed values are 'cosine'"),
        (
            {"hdbscan": {"min_cluster_size": 1}},
            "'hdbscan.min_cluster_size' is 1, but 1 is less than",
        ),
        ({"colour": "red"}, "unknown key 'colour'; the keys allowed at the top level are:"),
        ({"embedding": {"batch_size": "big"}}, "'embedding.batch_size' is 'big', but 'big' is not"),
        (
            {"embedding": {"backend": "torch", "precision": "int8"}},
            "'embedding.precision' is 'int8' with embedding.backend torch; allowed values are "
            "'auto', 'float32', 'bfloat16'.",
        ),
        (
            {"embedding": {"backend": "onnx", "precision": "bfloat16"}},
            "'embedding.precision' is 'bfloat16' with embedding.backend onnx; allowed values are "
            "'auto', 'float32', 'int8'.",
        ),
    ],
)
def test_a_bad_key_or_value_is_named_in_one_sentence(config, message):
    with pytest.raises(UserError) as raised:
        validate_config(config, SCHEMA)
    text = str(raised.value)
    assert text.startswith("config.yaml: ")
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize(
    "config, message",
    [
        (
            {"themes": {"min_themes": 30, "max_themes": 25}},
            "themes.min_themes (30) is above themes.max_themes (25); set min_themes <= max_themes.",
        ),
        (
            {"embedding": {"device": "cuda", "backend": "openvino"}},
            "embedding.backend 'openvino' runs on the CPU only but embedding.device is 'cuda'",
        ),
        (
            {"topics": {"max_share": 0.2}},
            "'topics.max_share' is now 'hdbscan.max_share' (HDBSCAN's size cap, with its other "
            "settings); move it there.",
        ),
        (
            {"sweep": {"topics.max_share": [0.1, 0.2]}},
            "'sweep: topics.max_share' is now 'sweep: hdbscan.max_share'",
        ),
        (
            {"stability": {"seeds": [42, 43, 44]}},
            "'stability.seeds' is gone; write 'consensus: {throws: N}' instead (N throws seeded "
            "from umap.random_state",
        ),
        (
            {"stability": {}},
            "'stability.seeds' is gone; write 'consensus: {throws: N}' instead",
        ),
        (
            {"consensus": {"throws": 3, "need": 4}},
            "consensus.need (4) is above consensus.throws (3)",
        ),
        (
            {"outliers": {"strategy": "probabilities"}},
            "outliers.strategy 'probabilities' reads one HDBSCAN's soft membership",
        ),
        (
            {"vectorizer": {"ngram_range": [3, 1]}},
            "'vectorizer.ngram_range' has [3, 1], its shortest keyword length above its longest",
        ),
        (
            {"sweep": {"vectorizer.ngram_range": [[1, 2], [2, 1]]}},
            "'sweep.vectorizer.ngram_range' has [2, 1]",
        ),
    ],
)
def test_keys_that_break_a_bound_between_them_or_moved_are_named_before_any_job(config, message):
    """Known from config alone, so validation (which the Snakefile runs before building
    its jobs) reports it, not the theme or labelling job after hours of work."""
    with pytest.raises(UserError) as raised:
        validate_config(config, SCHEMA)
    text = str(raised.value)
    assert text.startswith("config.yaml: ") and message in text and "\n" not in text
    assert validate_config({"themes": {"min_themes": 25, "max_themes": 25}}, SCHEMA)
