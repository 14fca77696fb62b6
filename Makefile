# mim.cm developer entry points. A new user needs two: `make demo` and `make test`.
# Every target bootstraps its own virtualenv from the pinned requirements-dev.txt.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements-dev.txt | cut -c1-12)
COLLECTIONS := $(CURDIR)/build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/mim/cm

# The collection is used from the working tree: build/collections/ansible_collections/mim/cm
# is a link to this checkout, so an edit is live without re-installing.
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0
export PATH := $(BIN):$(PATH)

PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

.PHONY: help venv collection demo test pytest unit gates clean
.DEFAULT_GOAL := help

help:
	@echo "For users:"
	@echo "  make demo                 start the bundled MIM CM simulator and run the retirement demo (check mode, then for real)"
	@echo "  make collection           .venv from requirements-dev.txt and build/collections/ansible_collections/mim/cm,"
	@echo "                            a link to this checkout (then: export ANSIBLE_COLLECTIONS_PATH=\$$PWD/build/collections)"
	@echo "  make test                 every gate and every test, side by side (what CI runs)"
	@echo "  make clean                remove the virtualenv and build output"
	@echo "For contributors:"
	@echo "  make unit                 unit tests only (fast, no network)"
	@echo "  make pytest               the pytest suite (PYTEST_ARGS=\"tests/integration/awx -q\", PYTEST_WORKERS=2)"
	@echo "  make gates                the ecosystem gates: sanity, lint, importer, docs, changelog, links, ... (GATES=\"lint links\")"
	@echo "  make gates-list           what each gate checks"
	@echo "  make test-other-pythons   unit tests under Python 3.12 and 3.13 (OTHER_PYTHONS)"
	@echo "  make kerberos-bootstrap   the MIT Kerberos tools and libraries the Kerberos tests need (make test runs it)"
	@echo "  make chromium-bootstrap   headless Chromium for the report screenshot test (make test runs it)"
	@echo "  make docs                 re-render the reference in docs/reference/"
	@echo "  make changelog            regenerate CHANGELOG.md from changelogs/"
	@echo "  make bench                benchmarks, not part of make test (about 70 min; see tests/benchmarks/README.md)"
	@echo "  make bench-smoke          the benchmark scripts with tiny sizes"

venv: $(STAMP)

$(STAMP): requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python >= 3.11 is required, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

collection: venv
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

demo: collection
	$(BIN)/python -m tests.demo

unit: collection
	$(BIN)/python -m pytest tests/unit -q $(PYTEST_ARGS)

# worksteal: a worker that runs out of tests takes queued ones from the other, so the long integration
# tests (started first, tests/conftest.py) and the quick unit tests share both cores to the end.
PYTEST_DIST := $(if $(filter 0,$(PYTEST_WORKERS)),,--dist worksteal)

pytest: collection
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST) --durations=15 $(PYTEST_ARGS)

# The ecosystem gates and the pytest suite run side by side: the suite alone keeps the 2 cores of CI
# about 60% busy (its tests wait on simulators, playbooks and a KDC), and the gates fill the rest. The
# gates' lines (build/gates/make-gates.log) are printed when the suite ends, then one verdict line. Both
# always run; the exit status is non-zero if either failed.
test: collection kerberos-bootstrap chromium-bootstrap
	@mkdir -p build/gates; rm -f build/gates/make-gates.rc; \
	( $(MAKE) --no-print-directory gates > build/gates/make-gates.log 2>&1; echo $$? > build/gates/make-gates.rc ) & \
	gates=$$!; rc=0; \
	$(MAKE) --no-print-directory pytest || rc=1; \
	wait $$gates; cat build/gates/make-gates.log; \
	if [ "$$(cat build/gates/make-gates.rc 2>/dev/null)" != 0 ]; then rc=1; echo "make test: a gate failed (logs in build/gates/)"; fi; \
	if [ $$rc = 0 ]; then echo "make test: every gate and every test passed"; else echo "make test: FAILED (see above)"; fi; \
	exit $$rc

clean:
	rm -rf $(VENV) build .pytest_cache

-include mk/*.mk
