"""Each start-up shortcut of topics.startup still does what it is there for.

They rely on behaviour their libraries do not promise (topics.startup.CHECKED_WITH lists
the versions they were checked against): after an upgrade these tests say which broke.
"""

import gc
import threading
import warnings
from importlib import metadata

import pytest
from test_imports import modules_after

from topics import startup


def installed() -> str:
    return ", ".join(
        f"{name} {metadata.version(name)} (checked with {version})"
        for name, version in startup.CHECKED_WITH.items()
    )


def test_bertopic_imports_without_torch_umap_or_hdbscan():
    loaded = modules_after("""
        from topics.startup import import_bertopic
        import_bertopic()
    """)
    assert "bertopic" in loaded, installed()
    hidden = loaded & {"torch", "transformers", "sentence_transformers", "umap", "hdbscan"}
    assert not hidden, f"BERTopic now needs {sorted(hidden)} at import: {installed()}"


def test_hidden_modules_import_again_afterwards():
    loaded = modules_after("""
        from topics.startup import without_modules
        with without_modules(["os", "colorsys"]):
            try:
                import colorsys
            except ModuleNotFoundError:
                pass
            else:
                raise SystemExit("colorsys was importable while hidden")
            import os  # already imported before: stays importable
        import colorsys
    """)
    assert "colorsys" in loaded


def test_umaps_jitted_functions_get_an_on_disk_cache():
    loaded = modules_after("""
        import umap.layouts
        from topics.startup import cache_numba_functions, import_umap
        import_umap()
        from numba.core.caching import NullCache
        cached = [f for f in vars(umap.layouts).values()
                  if hasattr(f, "_cache") and not isinstance(f._cache, NullCache)]
        assert len(cached) >= 3, f"only {len(cached)} of umap.layouts' functions cached"
    """)
    assert "umap" in loaded, installed()


def test_uncacheable_warnings_are_silenced_only_inside():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with startup.quiet_uncacheable():
            warnings.warn("Cannot cache compiled function", stacklevel=1)
        warnings.warn("another warning", stacklevel=1)
    assert [str(w.message) for w in caught] == ["another warning"]
    with pytest.warns(UserWarning, match="Cannot cache"):
        warnings.warn("Cannot cache compiled function", stacklevel=1)


def test_the_end_of_a_run_cancels_snakemakes_timers_and_freezes_gc():
    timer = threading.Timer(60, lambda: None)
    timer.start()
    try:
        startup.end_snakemake_promptly()
        timer.join(timeout=5)
        assert not timer.is_alive()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_sentence_transformers_imports_without_scikit_learn_which_loads_when_called():
    loaded = modules_after("""
        import sys
        from topics.startup import import_sentence_transformers
        import_sentence_transformers()
        assert "sklearn" not in sys.modules, "scikit-learn was imported"
        import numpy as np
        from sentence_transformers.util import similarity
        distances = similarity.pairwise_distances(np.eye(2))  # the real one, loaded now
        assert abs(distances[0, 1] - 2 ** 0.5) < 1e-9
        import sklearn.metrics
        assert sklearn.metrics.pairwise_distances.__module__.startswith("sklearn.")
    """)
    assert "sentence_transformers" in loaded, installed()
