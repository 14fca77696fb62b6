# Ecosystem gates (ansible-test sanity, ansible-lint, galaxy-importer, antsibull). Filled in by issue 5.
.PHONY: gates
gates: collection
	@echo "gates: none yet"
