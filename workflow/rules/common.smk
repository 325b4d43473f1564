import sys

from topics.errors import UserError
from topics.parse import list_seed_files


def seed_files():
    """Every listing file in config's seeds_dir; an empty or missing folder stops the run."""
    try:
        return [str(path) for path in list_seed_files(config["seeds_dir"])]
    except UserError as error:
        sys.exit(f"topics: {error}")
