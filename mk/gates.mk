# Ecosystem gates (issue 5): ansible-test sanity, ansible-lint (production), galaxy-importer,
# antsibull-docs lint, antsibull-changelog lint + CHANGELOG.md freshness, rendered reference
# freshness, execution environment (ansible-builder), error messages and names in the docs, the
# links of the shipped Markdown, unit tests under Python 3.12/3.13. `make test` runs them before
# pytest. See docs/dev/gates.md.
# The driver is mk/gates/gates.py: one timing line per gate, full logs in build/gates/.
#   make gates                 every gate
#   make gates GATES="lint"    some of them (the artifact is always built first)
#   make test-other-pythons    unit tests under the other Pythons present (3.12, 3.13)
GATES ?=

.PHONY: gates gates-list test-other-pythons

gates: collection
	@$(BIN)/python mk/gates/gates.py run $(GATES)

gates-list: venv
	@$(BIN)/python mk/gates/gates.py list

# Unit tests under every other Python this machine has (python3.12, python3.13 on PATH or under
# pyenv), each in its own .venv-X.Y with the newest ansible-core that Python allows. Skips an
# absent interpreter with a line saying so. Also the last gate of `make gates` (gate "pythons").
OTHER_PYTHONS ?= 3.12 3.13
export OTHER_PYTHONS

test-other-pythons: collection
	@$(BIN)/python mk/gates/pythons.py $(OTHER_PYTHONS)
