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


def validate_config(
    config: Mapping[str, Any], schema_path: str | Path, source: str = "config.yaml"
) -> dict:
    """Return the config with defaults filled in, or raise UserError naming the bad key."""
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
    return checked


def workflow_config(config: Mapping[str, Any], schema_path: str | Path) -> dict:
    """validate_config for the Snakefile: a bad config ends the run with its one sentence."""
    import sys

    try:
        return validate_config(config, schema_path)
    except UserError as error:
        sys.exit(f"topics: {error}")
