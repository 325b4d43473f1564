"""Import only what a job needs, and compile numba code once per machine, not once per job.

Every Snakemake job is a new Python process, so import time and JIT compilation are paid
by every job that touches torch, BERTopic or UMAP. Two helpers keep that cost down:

- `without_modules` imports a library while some of its optional dependencies look
  uninstalled. BERTopic imports sentence-transformers (hence torch and transformers), UMAP
  and hdbscan at import time, each inside `try: ... except ImportError`, but labelling
  precomputed clusters uses none of them: hiding them halves the import.
- `cache_numba_functions` turns on numba's on-disk cache for jitted functions that their
  library did not mark `cache=True` (most of UMAP's), so the second process that runs
  UMAP loads machine code from numba's cache instead of compiling it again.
"""

import contextlib
import importlib.abc
import sys
import types
import warnings
from collections.abc import Iterable, Iterator

# What BERTopic imports at import time but never uses when it is given embeddings and
# clusters (see topics.label): its optional backends, reducers and clusterers, and torch
# (only needed by BERTopic to save models in safetensors).
BERTOPIC_UNUSED = ("sentence_transformers", "transformers", "torch", "umap", "hdbscan")


class _Hide(importlib.abc.MetaPathFinder):
    """A finder that answers "not installed" for some top-level packages."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden by topics)",
                                      name=fullname)
        return None


@contextlib.contextmanager
def without_modules(names: Iterable[str]) -> Iterator[None]:
    """Make `names` (top-level packages) unimportable for the body, unless already imported.

    Only for libraries that treat these packages as optional (they catch ImportError);
    afterwards the packages import normally again.
    """
    hidden = [name for name in names if name not in sys.modules]
    finder = _Hide(hidden)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def import_bertopic() -> types.ModuleType:
    """`bertopic` without the heavy optional dependencies that labelling does not use."""
    with without_modules(BERTOPIC_UNUSED):
        import bertopic
        import bertopic.cluster
        import bertopic.dimensionality
        import bertopic.vectorizers
    return bertopic


def cache_numba_functions(*modules: types.ModuleType) -> int:
    """Give every numba-jitted function of `modules` an on-disk cache; return how many.

    Must run before the functions are first called (compiled). numba writes the cache
    beside the library's source (numba's default, shared by every project using this
    install, as the library's own `cache=True` functions are), or under NUMBA_CACHE_DIR
    when that is set.
    """
    try:
        from numba.core.caching import NullCache
        from numba.core.registry import CPUDispatcher
    except ImportError:  # pragma: no cover - numba always comes with umap
        return 0
    enabled = 0
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, CPUDispatcher) and isinstance(value._cache, NullCache)
                    and not value.signatures):
                value.enable_caching()
                enabled += 1
    return enabled


def import_umap() -> type:
    """UMAP's estimator class, with numba's on-disk cache on for all its jitted code."""
    import umap.distances
    import umap.layouts
    import umap.spectral
    import umap.umap_
    import umap.utils
    from umap import UMAP

    cache_numba_functions(umap.umap_, umap.layouts, umap.utils, umap.distances, umap.spectral)
    # A function numba cannot cache (dynamic globals) is compiled as before, with a warning.
    warnings.filterwarnings("ignore", message=r".*[Cc]annot cache.*")
    return UMAP
