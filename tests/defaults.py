"""config.yaml's defaults as the schema declares them: what tests pass to stage functions,
which take every parameter from the rule (their only defaults live in the schema)."""

from pathlib import Path

from topics.config import validate_config
from topics.shards import embedding_settings

SCHEMA = Path(__file__).resolve().parents[1] / "workflow" / "schemas" / "config.schema.yaml"
DEFAULTS = validate_config({}, SCHEMA)
# The embedding section as the embedding functions take it.
EMBEDDING = embedding_settings(DEFAULTS["embedding"])
