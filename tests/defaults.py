"""config.yaml's defaults as the schema declares them: what tests pass to stage functions,
which take every parameter from the rule (their only defaults live in the schema)."""

from pathlib import Path

from topics.config import validate_config

SCHEMA = Path(__file__).resolve().parents[1] / "workflow" / "schemas" / "config.schema.yaml"
DEFAULTS = validate_config({}, SCHEMA)
# The embedding section as the embedding functions take it: shard_size is the workflow's
# (how the papers are split into jobs), not an argument of the encoder.
EMBEDDING = {key: value for key, value in DEFAULTS["embedding"].items() if key != "shard_size"}
