import os
import sys

from topics.errors import UserError
from topics.parse import list_seed_files

# numba (UMAP, pynndescent, hdbscan) keeps compiled code here, so only the first job on a
# machine pays for compiling it; every job inherits this environment. Set NUMBA_CACHE_DIR
# yourself to share one cache between checkouts.
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.abspath(".cache/numba"))


def seed_files():
    """Every listing file in config's seeds_dir; an empty or missing folder stops the run."""
    try:
        return [str(path) for path in list_seed_files(config["seeds_dir"])]
    except UserError as error:
        sys.exit(f"topics: {error}")
