"""Validate config.yaml against its JSON schema, fill defaults, explain mistakes in one sentence."""

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from topics.errors import UserError


def load_schema(schema_path: str | Path) -> dict:
    with open(schema_path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _fill_defaults(config: dict, schema: Mapping) -> None:
    """Insert each missing key's schema default, recursing into sections."""
    for key, sub in schema.get("properties", {}).items():
        if key not in config and "default" in sub:
            config[key] = copy.deepcopy(sub["default"])
        if isinstance(config.get(key), dict) and "properties" in sub:
            _fill_defaults(config[key], sub)


def _explain(error: ValidationError, schema: Mapping, source: str) -> str:
    """One sentence naming the key at fault and what would be right."""
    path = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        where = f"'{path}.{unknown[0]}'" if path else f"'{unknown[0]}'"
        return (
            f"{source}: unknown key {where}; the keys allowed "
            f"{'in ' + repr(path) if path else 'at the top level'} are: {', '.join(allowed)}."
        )
    described = error.schema.get("description")
    if error.validator == "enum":
        allowed = ", ".join(repr(value) for value in error.validator_value)
        # An enum under an if/then depends on another key, which its description names.
        condition = f" {described}" if described and "then" in error.schema_path else ""
        return f"{source}: '{path}' is {error.instance!r}{condition}; allowed values are {allowed}."
    if error.validator == "oneOf" and described:
        # A section of several forms: say which forms, not the section's contents back.
        return f"{source}: '{path}' matches none of its forms; it should be {described}."
    hint = f" ({described})" if described else ""
    return f"{source}: '{path}' is {error.instance!r}, but {error.message}{hint}."


# Keys that moved: old "section.key" -> new, with why.
MOVED = {"topics.max_share": ("hdbscan.max_share", "HDBSCAN's size cap, with its other settings")}


# Keys that are gone: old "section.key" -> what to write instead, and why.
GONE = {
    "stability.seeds": (
        "consensus: {throws: N}",
        "N throws seeded from umap.random_state (topics.cluster.throw_seeds), so that runs "
        "with different random_state never share throws; their agreement now makes the "
        "topics, and N: 1 is one seed's topics as before",
    )
}


def _moved_error(config: Mapping[str, Any], source: str) -> str | None:
    """One sentence for a key written where an older config.yaml had it."""
    for old, (new, why) in GONE.items():
        # The whole section is gone: an empty one (stability: {}) is told the same.
        section = old.partition(".")[0]
        if section in config:
            return f"{source}: '{old}' is gone; write '{new}' instead ({why})."
    for old, (new, why) in MOVED.items():
        section, _, key = old.partition(".")
        if isinstance(config.get(section), Mapping) and key in config[section]:
            return f"{source}: '{old}' is now '{new}' ({why}); move it there."
        if isinstance(config.get("sweep"), Mapping) and old in config["sweep"]:
            return f"{source}: 'sweep: {old}' is now 'sweep: {new}' ({why}); rename it."
    return None


def _bounds_errors(config: Mapping[str, Any], source: str) -> list[str]:
    """One sentence per bound that two keys (or a pair's two ends) break between them,
    which the schema checks key by key and cannot see: known from config alone, so
    reported before the first job rather than by the job that reads them."""
    errors = []
    themes = config["themes"]
    if themes["min_themes"] > themes["max_themes"]:
        errors.append(
            f"{source}: themes.min_themes ({themes['min_themes']}) is above themes.max_themes "
            f"({themes['max_themes']}); set min_themes <= max_themes."
        )
    consensus = config["consensus"]
    if consensus["need"] is not None and consensus["need"] > consensus["throws"]:
        errors.append(
            f"{source}: consensus.need ({consensus['need']}) is above consensus.throws "
            f"({consensus['throws']}); no more throws can agree than are thrown: set need <= "
            f"throws, or null for a majority."
        )
    if consensus["throws"] > 1 and config["outliers"]["strategy"] == "probabilities":
        errors.append(
            f"{source}: outliers.strategy 'probabilities' reads one HDBSCAN's soft membership, "
            f"which topics agreed by {consensus['throws']} throws (consensus.throws) do not "
            f"have; choose embeddings, c-tf-idf, distributions or keep, or consensus.throws: 1."
        )
    embedding = config["embedding"]
    if embedding["device"] in ("cuda", "mps") and embedding["backend"] in ("onnx", "openvino"):
        errors.append(
            f"{source}: embedding.backend '{embedding['backend']}' runs on the CPU only but "
            f"embedding.device is '{embedding['device']}'; set embedding.device to cpu (or "
            f"auto) or embedding.backend to torch."
        )
    swept = config["sweep"].get("vectorizer.ngram_range", [])
    ranges = [("vectorizer.ngram_range", config["vectorizer"]["ngram_range"])]
    ranges += [("sweep.vectorizer.ngram_range", pair) for pair in swept]
    for key, pair in ranges:
        if pair[0] > pair[1]:
            errors.append(
                f"{source}: '{key}' has {list(pair)}, its shortest keyword length above its "
                f"longest; write [shortest, longest], e.g. [{pair[1]}, {pair[0]}]."
            )
    return errors


def validate_config(
    config: Mapping[str, Any], schema_path: str | Path, source: str = "config.yaml"
) -> dict:
    """Return the config with defaults filled in, or raise UserError naming the bad key."""
    if (moved := _moved_error(config, source)) is not None:
        raise UserError(moved)
    schema = load_schema(schema_path)
    checked = copy.deepcopy(dict(config))
    _fill_defaults(checked, schema)
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(checked), key=lambda e: list(e.absolute_path))
    if errors:
        # The deepest error is the most specific one ("hdbscan.min_cluster_size" beats "hdbscan").
        # At one depth an unknown key says most ("labels.llm.modle" beats "matches no form").
        error = max(
            errors, key=lambda e: (len(e.absolute_path), e.validator == "additionalProperties")
        )
        raise UserError(_explain(error, schema, source))
    bounds = _bounds_errors(checked, source)
    if bounds:
        raise UserError(bounds[0])
    return checked


def workflow_config(config: Mapping[str, Any], schema_path: str | Path) -> dict:
    """validate_config for the Snakefile: a bad config ends the run with its one sentence."""
    import sys

    try:
        return validate_config(config, schema_path)
    except UserError as error:
        sys.exit(f"topics: {error}")
