# Headless Chromium for the report screenshot test (issue 12, tests/integration/roles/test_report_screenshots.py):
# the HTML reports are rendered to PNG. `make test` runs this first. As root with apt-get it installs the Debian
# package `chromium` when no Chromium is on PATH; elsewhere it prints one loud line, and the screenshot test skips
# with the same reason (or fails when CI is set).

.PHONY: chromium-bootstrap

CHROMIUM_NAMES := chromium chromium-browser google-chrome google-chrome-stable

chromium-bootstrap:
	@for b in $(CHROMIUM_NAMES); do command -v $$b >/dev/null 2>&1 && exit 0; done; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "chromium-bootstrap: apt-get install -y chromium (headless Chromium for the report screenshots)"; \
	  if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
	     && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then \
	    echo "chromium-bootstrap: installed $$(command -v chromium)"; \
	  else \
	    echo "*** make test: REPORT SCREENSHOT TEST WILL SKIP (FAIL with CI set): apt-get install chromium failed ***"; \
	  fi; \
	else \
	  echo "*** make test: REPORT SCREENSHOT TEST WILL SKIP (FAIL with CI set): no Chromium on PATH and cannot install it here (not root or no apt-get): install the package chromium ***"; \
	fi
