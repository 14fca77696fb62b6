# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first-contact probe's result (mim.cm.mimcm_server_info) as Markdown, for a person first: the
findings in words, then the connection, the verdicts per point, the request statuses, the sample cards and
the profile templates. Exposed by the filter ``probe_markdown`` (plugins/filter/probe.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import RequestStatus
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.render_common import escape_md, meta_rows
from ansible_collections.mim.cm.plugins.plugin_utils.render_markdown import md_table

REQUIRED_KEYS = ("summary", "server", "tls", "authentication", "api", "verdicts")
LEVEL_WORDS = {"problem": "**Problem**", "warning": "**Warning**", "info": "Info"}


def _angle(value):
    """Text with ``<`` and ``>`` as entities: the findings name ``<ClmConfiguration>`` and ``<id>``, which Markdown
    viewers would take for HTML tags. Other values pass unchanged."""
    return value.replace("<", "&lt;").replace(">", "&gt;") if isinstance(value, str) else value


def _table(headers, rows):
    return md_table(headers, [[_angle(cell) for cell in row] for row in rows])


def _yes_no(value, unknown="not known"):
    return unknown if value is None else ("yes" if value else "no")


def _words(values):
    return ", ".join(str(v) for v in values or ()) or "(none)"


def _tls(tls):
    if tls.get("error"):
        return "verification FAILED with %s: %s" % (tls.get("ca_setting"), tls.get("error"))
    if tls.get("verified"):
        return "verified with %s" % tls.get("ca_setting")
    return tls.get("ca_setting") or "not known"


def _login(auth):
    who = "%s (auth=%s)" % (auth.get("username") or "(no user name)", auth.get("method"))
    text = "%s as %s" % (auth.get("login"), who)
    return text + (": %s" % auth["error"] if auth.get("error") else "")


def _latency(latency):
    if "kept_alive_ms" not in (latency or {}):
        return "not measured (%s)" % (latency or {}).get("error", "not measured")
    return "%s ms on a kept-alive connection; %s ms for a new authenticated connection (handshake about %s ms)" % (
        latency["kept_alive_ms"], latency["new_connection_ms"], latency["handshake_ms"])


def connection_rows(result):
    server, auth, api = result["server"], result["authentication"], result["api"]
    caller = auth.get("caller_uuid")
    status = server.get("http_status_without_credentials")
    return [
        ("server", server.get("url")),
        ("API base", server.get("api_url")),
        ("reachable", _yes_no(server.get("reachable"))),
        ("answer without credentials", "HTTP %s" % status if status is not None else "none"),
        ("TLS", _tls(result["tls"])),
        ("authentication schemes offered", _words(auth.get("offered"))),
        ("login", _login(auth)),
        ("the server sees the caller as", "%s (%s)" % (caller, auth.get("caller_source")) if caller else "cannot tell"),
        ("API enabled", _yes_no(api.get("enabled")) + (
            " (HTTP 404 for %s)" % _words(api.get("not_found_paths")) if api.get("not_found_paths") else "")),
        ("latency", _latency(result.get("latency"))),
        ("profile templates visible", len(result.get("profile_templates") or [])),
        ("HTTP requests sent (all GET)", result.get("calls")),
    ]


def status_rows(request_statuses):
    rows = []
    for listing in request_statuses.get("listings") or []:
        mine = listing.get("count_targeting_caller")
        rows.append((listing.get("status"), listing.get("count"), "" if mine is None else mine,
                     _words(listing.get("integers")) if listing.get("integers") else "",
                     RequestStatus.code(listing.get("status")), listing.get("error") or ""))
    return rows


def card_rows(cards):
    return [(c.get("uuid"), c.get("status"), c.get("status_name"), _words(c.get("operation_words")),
             c.get("error") or "") for c in cards or []]


def verdict_rows(verdicts):
    return [(v.get("title"), v.get("mark"), v.get("default"), "**%s**" % v.get("verdict"), v.get("seen"),
             v.get("advice")) for v in verdicts]


def probe_markdown(result, meta=None):
    """Markdown for the registered result of mim.cm.mimcm_server_info."""
    if not isinstance(result, Mapping) or any(key not in result for key in REQUIRED_KEYS):
        raise InvalidInput("probe_markdown: expected the registered result of mim.cm.mimcm_server_info (with %s), got %s"
                           % (", ".join(REQUIRED_KEYS), type(result).__name__ if not isinstance(result, Mapping)
                              else "a dict without %s" % ", ".join(k for k in REQUIRED_KEYS if k not in result)))
    server = result["server"]
    lines = ["# MIM CM first contact: %s" % escape_md(server.get("url")), "",
             "%s. A read-only probe by `mim.cm.mimcm_server_info`: every request was a GET, nothing was written." % (
                 "**OK**" if result.get("ok") else "**Problems found**"), ""]
    lines.extend("- %s: %s" % (escape_md(k), escape_md(v)) for k, v in meta_rows(meta or {}))
    lines += ["", "## Findings", ""]
    lines.extend("- %s: %s" % (LEVEL_WORDS.get(n.get("level"), n.get("level")), _angle(escape_md(n.get("msg"))))
                 for n in result["summary"])
    lines += ["", "## Connection", "", _table(["", ""], connection_rows(result)), "",
              "## Verdicts", "",
              "Each point where the collection reads the vendor reference one way (docs/enumerations.md): "
              "`confirmed`, `contradicted` (with what to set), `inconclusive` (nothing seen decides it) or "
              "`not testable read-only`.", "",
              _table(["point", "mark", "the collection's reading", "verdict", "seen", "to do"],
                     verdict_rows(result["verdicts"]))]
    statuses = result.get("request_statuses") or {}
    if statuses.get("listings"):
        lines += ["", "## Request statuses", "",
                  "`GET /requests?status=<name>` lists the requests of each status whatever their integers: the "
                  "integers below are this server's.", "",
                  _table(["status", "listed", "targeting the caller", "integers seen", "collection's integer",
                          "error"], status_rows(statuses))]
        if statuses.get("conflicts"):
            lines += ["", "Integers listed under more than one name: %s" % escape_md(", ".join(
                "%s (%s)" % (code, _words(names)) for code, names in sorted(statuses["conflicts"].items())))]
    if result.get("smartcards") or result.get("missing"):
        lines += ["", "## Sample cards", "",
                  _table(["card", "status", "name in the collection's table", "operations (server's words)",
                          "error"], card_rows(result.get("smartcards")))]
        if result.get("missing"):
            lines += ["", "Not found: %s" % escape_md(_words(result["missing"]))]
    if result.get("profile_templates") or result.get("profile_templates_error"):
        lines += ["", "## Profile templates", ""]
        if result.get("profile_templates_error"):
            lines.append(_angle(escape_md(result["profile_templates_error"])))
        else:
            lines.append(_table(["name", "uuid", "description"], [
                (t.get("name"), t.get("uuid"), t.get("description") or "") for t in result["profile_templates"]]))
    return "\n".join(lines) + "\n"
