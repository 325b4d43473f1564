"""topics: topic maps and reading lists for paper corpora.

Each stage is a module with a pure function and a thin ``run_<stage>`` that reads and
writes files; Snakemake rules call the ``run_`` functions.
"""

__version__ = "0.1.0"
