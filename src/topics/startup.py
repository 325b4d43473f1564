"""Start-up and shut-down shortcuts that lean on libraries' private behaviour, in one place.

Every Snakemake job is a new Python process, so what a job imports, compiles and tears
down is paid again by every job. The shortcuts below cut that cost; each relies on
something its library does not promise, so each was checked against the versions in
CHECKED_WITH, and tests/test_startup.py fails loudly when an upgrade breaks one:

- `import_bertopic` imports BERTopic while torch, sentence-transformers, UMAP and hdbscan
  look uninstalled. BERTopic imports them at import time inside `try/except ImportError`,
  but labelling precomputed clusters uses none of them.
- `import_sentence_transformers` imports sentence-transformers while scikit-learn is a
  stand-in whose one function sentence-transformers takes at import time (its similarity
  helpers' `pairwise_distances`) loads the real one when called; encoding never calls it.
- `import_umap` turns on numba's on-disk cache for UMAP's jitted functions that UMAP did
  not mark `cache=True` (numba's private `_cache` and `NullCache`), so only the first
  process after installing compiles them.
- `quiet_uncacheable` silences numba's warning for the few of those functions numba
  cannot cache (they are compiled as before), only around the code that compiles them.
- `freeze_before_exit` moves every live object out of the garbage collector's reach, so
  the interpreter ends without walking torch's or Snakemake's object graph.
- `end_snakemake_promptly` cancels the rate limiter's `threading.Timer`s that Snakemake
  leaves armed after its last scheduling pass (non-daemon threads Python would wait for).
"""

import contextlib
import gc
import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
import types
import warnings
from collections.abc import Iterable, Iterator

# The versions each shortcut was checked against (tests/test_startup.py exercises them all).
CHECKED_WITH = {
    "bertopic": "0.17.4",
    "numba": "0.68.1",
    "umap-learn": "0.5.12",
    "snakemake": "9.27.1",
    "sentence-transformers": "6.2.0",
}
# What BERTopic imports at import time but never uses when it is given embeddings and
# clusters (see topics.label): its optional backends, reducers and clusterers, and torch
# (only needed by BERTopic to save models in safetensors).
BERTOPIC_UNUSED = ("sentence_transformers", "transformers", "torch", "umap", "hdbscan")
UNCACHEABLE_WARNING = r".*[Cc]annot cache.*"


class _Hide(importlib.abc.MetaPathFinder):
    """A finder that answers "not installed" for some top-level packages."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (hidden by topics)", name=fullname
            )
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


# What sentence-transformers takes from scikit-learn at import time (module -> names).
SENTENCE_TRANSFORMERS_LAZY = {"sklearn.metrics": ("pairwise_distances",)}


def _deferred(module: str, name: str):
    """A function that imports module.name when first called and calls it."""

    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


@contextlib.contextmanager
def deferred_functions(functions: dict[str, tuple[str, ...]]) -> Iterator[None]:
    """For the body, modules (not yet imported) are stand-ins holding the named functions,
    each importing the real module when called; afterwards the real modules import again.
    Only for imports that take functions without calling them."""
    stand_ins = {}
    for module, names in functions.items():
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):
            name = ".".join(parts[:depth])
            if name in sys.modules and name not in stand_ins:
                break  # the real one is loaded: nothing to defer
            stand_in = stand_ins.setdefault(name, types.ModuleType(name))
            stand_in.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
            stand_in.__path__ = []
            if depth > 1:
                setattr(stand_ins[".".join(parts[: depth - 1])], parts[depth - 1], stand_in)
        else:
            for function in names:
                setattr(stand_ins[module], function, _deferred(module, function))
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def import_sentence_transformers() -> types.ModuleType:
    """`sentence_transformers` without importing scikit-learn, which encoding never uses."""
    with deferred_functions(SENTENCE_TRANSFORMERS_LAZY):
        import sentence_transformers
    return sentence_transformers


def cache_numba_functions(*modules: types.ModuleType) -> int:
    """Give every numba-jitted function of `modules` an on-disk cache; return how many.

    Must run before the functions are first called (compiled). numba writes the cache
    beside the library's source (numba's default, shared by every project using this
    install, as the library's own `cache=True` functions are), or under NUMBA_CACHE_DIR
    when that is set.
    """
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    enabled = 0
    for module in modules:
        for value in vars(module).values():
            if (
                isinstance(value, CPUDispatcher)
                and isinstance(value._cache, NullCache)
                and not value.signatures
            ):
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
    return UMAP


@contextlib.contextmanager
def quiet_uncacheable() -> Iterator[None]:
    """Silence numba's "cannot cache" warning in the body (where UMAP compiles)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=UNCACHEABLE_WARNING)
        yield


def freeze_before_exit() -> None:
    """Call when a process has nothing left to do but exit."""
    gc.freeze()


def end_snakemake_promptly() -> None:
    """Let Snakemake's process end as soon as its run has ended (onsuccess/onerror).

    Its job rate limiter arms a `threading.Timer` after each scheduling pass to look for
    runnable jobs again; they are not daemon threads, so Python would wait up to a second
    for the last one, though with the run over there is nothing left for them to find.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()
    freeze_before_exit()
