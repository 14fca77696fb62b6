# Rendered reference (docs/reference/, antsibull-docs simplified RST from the plugin docs and role
# argument specs) and the generated CHANGELOG.md. `make gates` fails when either is stale.
.PHONY: docs changelog

docs: collection
	@$(BIN)/python mk/gates/gates.py docs

changelog: collection
	@$(BIN)/python mk/gates/gates.py changelog
