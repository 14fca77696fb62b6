"""The HTML reports as a reader sees them (issue 12): a plan, an apply in check mode, a real apply and
an inventory report, made by the roles against the simulator, rendered to PNG by headless Chromium.
The test checks each page's title and headline (in the HTML) and that Chromium drew a page that is
not blank (a pure-Python PNG decoder counts its colours).

Chromium is installed by `make test` (mk/chromium.mk) where it can be; elsewhere this test skips with
a loud reason, and fails instead when CI is set. MIMCM_SCREENSHOT_DIR=<dir> keeps the PNGs there.
"""

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from mimcm_roles_helpers import HtmlChecker

ACTIVE = 3
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser():
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found is None:
        reason = ("NO HEADLESS CHROMIUM: the report screenshot test cannot run; install the package chromium "
                  "(`make chromium-bootstrap` does as root with apt-get)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def screenshot(chromium, html, png, profile):
    argv = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=%s" % profile, "--screenshot=%s" % png, "--window-size=1200,1600",
            Path(html).resolve().as_uri()]
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=180, check=False)
    assert png.exists(), proc.stdout[-3000:]


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG, no library needed."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = prev[x]
            corner = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        prev = line
    return width, height, rows


def page_facts(path):
    """The title and the headline (the first <p class="headline ..."> or the <h1>) of a report page."""
    page = Path(path).read_text()
    checker = HtmlChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [] and checker.external == []
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    found = re.search(r'<p class="headline (\w+)"><span class="badge">(.*?)</span>(.*?)</p>', page)
    headline = (found.group(1), found.group(2), found.group(3)) if found else None
    return page, title, headline


def colours(rows):
    """The distinct colours of every 4th pixel of every 4th row."""
    return {pixel for row in rows[::4] for pixel in row[::4]}


def test_reports_rendered_by_chromium(simulator, runner, tmp_path):
    chromium = browser()
    sim = simulator
    normal = [c["Uuid"].lower() for c in sim.cards(status=ACTIVE, approval_required=False, restricted=False, limit=5)]
    approval = [c["Uuid"].lower() for c in sim.cards(status=ACTIVE, approval_required=True, restricted=False, limit=2)]
    restricted = [c["Uuid"].lower() for c in sim.cards(status=ACTIVE, restricted=True, approval_required=None, limit=1)]
    cards = normal + approval + restricted + ["00000000-0000-4000-8000-000000000077"]
    plan = runner.plan(cards)[1]
    digest = plan["digest"]
    assert runner.apply(cards, digest, check=True).returncode == 0
    assert runner.apply(cards, digest).returncode == 0
    proc = runner.run("mim.cm.smartcard_report", {
        "smartcard_report_cards": cards, "smartcard_report_dir": str(runner.report_dir),
        "smartcard_report_name": "inventory"})
    assert proc.returncode == 0, proc.stdout[-4000:]
    reports = runner.report_dir
    pages = {
        "plan": reports / ("plan-%s.html" % digest),
        "apply-check": reports / ("apply-%s-localhost-check.html" % digest[:12]),
        "apply-real": reports / ("apply-%s-localhost.html" % digest[:12]),
        "inventory": reports / "inventory-localhost.html",
    }
    keep = os.environ.get("MIMCM_SCREENSHOT_DIR")
    facts = {}
    for name, html in pages.items():
        png = tmp_path / ("%s.png" % name)
        screenshot(chromium, html, png, tmp_path / "chromium-profile")
        width, height, rows = png_pixels(png)
        assert (width, height) == (1200, 1600)
        assert len(colours(rows)) > 20, "%s: the screenshot is blank" % name
        facts[name] = page_facts(html)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(png, Path(keep) / png.name)
            shutil.copy(html, Path(keep) / ("%s.html" % name))

    # the plan, for the approver: what, how many, by profile template (their names from the simulator)
    page, title, dummy = facts["plan"]
    assert title == "Smart card change plan CHG0042: 7 card(s) to change to Retired"
    assert "Executive Smart Card" in page or "Contractor Smart Card" in page or "PKI Officer Smart Card" in page
    assert "By profile template" in page and digest in page

    # check mode: said in the title, the banner and the headline, in its own colour; the chart "would be"
    page, title, headline = facts["apply-check"]
    assert title == "CHECK MODE: nothing was written - Smart card apply CHG0042 (Retired)"
    assert headline == ("check", "CHECK MODE", "7 would be changed, 1 cannot be changed, 1 not found")
    assert '<p class="banner">CHECK MODE: nothing was written' in page and "before and would be" in page

    # the real run: what happened, in the colour of the worst outcome (cards wait for approval)
    page, title, headline = facts["apply-real"]
    assert title == ("Smart card apply CHG0042 (Retired): 5 changed, 2 waiting for approval, 1 cannot be changed, "
                     "1 not found")
    assert headline == ("warn", "NOT FINISHED", "5 changed, 2 waiting for approval, 1 cannot be changed, 1 not found")
    assert "CHECK MODE" not in page and "<details><summary>Show every card with its outcome (9)</summary>" in page

    # the inventory report
    page, title, dummy = facts["inventory"]
    assert title == "Smart card inventory: 8 card(s), 1 missing"
