"""SQLite-backed state and the lifecycle rules of the simulator.

One connection, guarded by a lock: every query is a primary-key or index lookup that
takes microseconds, and the lock makes each rule check and its write one atomic step.

Integers are stored in the internal numbering of model.py; ``self.dialect`` (dialects.py)
translates them on the way in and out, so a dialect can change at run time.
"""

import json
import os
import re
import secrets
import sqlite3
import threading
import time
import uuid as uuidlib
from datetime import datetime, timezone

from . import data
from .dialects import Dialect
from .model import (
    APPROVED, COMPLETED, DENIED, EXECUTING, PENDING, REQUEST_STATUS_NAME, REQUEST_TRANSITIONS,
    REQUEST_TYPE, REQUEST_TYPE_NAME, REQUIRED_DATA_ITEMS, SMARTCARD_STATUS, SMARTCARD_STATUS_NAME,
    TRANSITIONS, UNSET_DATE, ZERO_GUID, operations_for,
)

SCHEMA_VERSION = "2"
GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")

CARD_COLUMNS = (
    "Uuid", "Status", "Flags", "ParentSmartcardUuid", "PrimarySmartcardUuid",
    "PermanentSmartcardUuid", "AssignedUserUuid", "ProfileTemplateUuid",
    "ProfileTemplateVersion", "Comment", "SerialNumber", "Middleware", "Atr",
)
_CARD_SELECT = "SELECT " + ", ".join('"%s"' % c for c in CARD_COLUMNS) + " FROM cards "
REQUEST_COLUMNS = (
    "seq", "uuid", "uuid_norm", "type", "status", "datacollection", "dc_complete", "originator",
    "target", "submitted", "completed", "card", "card_norm", "new_card", "template", "priority",
    "comment", "security", "unrelated",
)
_REQUEST_SELECT = "SELECT " + ", ".join(REQUEST_COLUMNS) + " FROM requests "
_REQUEST_INSERT = ("INSERT INTO requests (%s) VALUES (%s)"
                   % (", ".join(REQUEST_COLUMNS[1:]), ",".join("?" * (len(REQUEST_COLUMNS) - 1))))
# Flags and DataCollectionFlags of every request: the values of the reference's examples.
REQUEST_FLAGS, DATA_COLLECTION_FLAGS = 2, 32
REFERENCE_CARD_UUIDS = {c["Uuid"].lower() for c in data.REFERENCE_CARDS}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (uuid TEXT NOT NULL, uuid_norm TEXT PRIMARY KEY, name TEXT NOT NULL,
                    role TEXT, key TEXT);
CREATE TABLE templates (uuid TEXT NOT NULL, uuid_norm TEXT PRIMARY KEY, name TEXT NOT NULL,
                        version INTEGER NOT NULL, approval_required INTEGER NOT NULL,
                        restricted INTEGER NOT NULL);
CREATE TABLE cards (
    uuid_norm TEXT NOT NULL, serial_norm TEXT NOT NULL, owner_norm TEXT NOT NULL,
    template_norm TEXT NOT NULL,
    "Uuid" TEXT NOT NULL, "Status" INTEGER NOT NULL, "Flags" INTEGER NOT NULL,
    "ParentSmartcardUuid" TEXT NOT NULL, "PrimarySmartcardUuid" TEXT NOT NULL,
    "PermanentSmartcardUuid" TEXT NOT NULL, "AssignedUserUuid" TEXT NOT NULL,
    "ProfileTemplateUuid" TEXT NOT NULL, "ProfileTemplateVersion" INTEGER NOT NULL,
    "Comment" TEXT NOT NULL, "SerialNumber" TEXT NOT NULL, "Middleware" TEXT NOT NULL,
    "Atr" TEXT NOT NULL);
CREATE TABLE requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL, uuid_norm TEXT NOT NULL UNIQUE,
    type INTEGER NOT NULL, status INTEGER NOT NULL, datacollection TEXT NOT NULL,
    dc_complete INTEGER NOT NULL DEFAULT 1,
    originator TEXT NOT NULL, target TEXT NOT NULL, submitted TEXT NOT NULL,
    completed TEXT NOT NULL, card TEXT, card_norm TEXT, new_card TEXT, template TEXT,
    priority INTEGER NOT NULL, comment TEXT NOT NULL, security TEXT NOT NULL DEFAULT '',
    unrelated INTEGER NOT NULL DEFAULT 0);
CREATE INDEX requests_card ON requests (card_norm);
CREATE INDEX requests_unrelated ON requests (unrelated);
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, user TEXT NOT NULL,
    kind TEXT NOT NULL, request_id TEXT, card TEXT, before INTEGER, after INTEGER,
    request_type TEXT);
"""
INDEXES = """
CREATE UNIQUE INDEX cards_uuid ON cards (uuid_norm);
CREATE INDEX cards_serial ON cards (serial_norm);
CREATE INDEX cards_owner ON cards (owner_norm);
"""
# schema 1 numbered request statuses sequentially: old -> internal
_SEQUENTIAL_TO_INTERNAL = {1: 16, 2: 4, 4: 18, 5: 9, 6: 17, 7: 20}
_REQUEST_KINDS = ("request_created", "request_status")
_LIFECYCLE = [PENDING, APPROVED, EXECUTING, COMPLETED]  # the order request statuses are named in messages
RULE_500_MESSAGE = "An error has occurred. Please contact your administrator with correlation ID %s."


class ApiError(Exception):
    """An answer other than success: HTTP status and message (``body``: the exact answer body)."""

    def __init__(self, status, message, body=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.body = body


def dumps(obj):
    """JSON as the server sends it (compact, ASCII: NUL characters as \\u0000)."""
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def norm_guid(value):
    """Lower-case GUID without braces, or None when the text is not a GUID."""
    if not isinstance(value, str):
        return None
    m = GUID_RE.match(value.strip())
    return m.group(1).lower() if m else None


def require_guid(value, what):
    g = norm_guid(value)
    if g is None:
        raise ApiError(400, "The %s %r is not a valid GUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)." % (what, value))
    return g


def now_text():
    return data.format_time(datetime.now(timezone.utc))


def rule_error(dialect, message):
    """A lifecycle rule violation, answered as the dialect's ``rule-errors`` says."""
    if dialect.rule_status == 500:
        text = RULE_500_MESSAGE % uuidlib.uuid4()
        return ApiError(500, text, body={"Message": text})
    return ApiError(dialect.rule_status, message)


def parse_datacollection(value, string_only=False):
    """The ``datacollection`` of POST /requests as a list of {"Name", "Value"} items.

    Accepts a JSON array or a string holding one (only the string when ``string_only``). Each
    element is either a name/value pair ({"name": n, "value": v}, keys in any case) or an object
    keyed by item names ({"Request Reason": "Need VPN Certs"}, as the walkthrough sends).
    """
    if string_only and not isinstance(value, str):
        raise ApiError(400, "The key 'datacollection' must be a string holding a JSON array, for example \"[]\";"
                            " this server does not take %s." % ("an array" if isinstance(value, list) else type(value).__name__))
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            raise ApiError(400, "The key 'datacollection' holds a string that is not a JSON array.")
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise ApiError(400, "The key 'datacollection' must be an array of objects (or a string holding one).")
    items = []
    for element in value:
        lowered = {str(k).lower(): v for k, v in element.items()}
        pairs = [(lowered["name"], lowered["value"])] if set(lowered) == {"name", "value"} else list(element.items())
        for name, item in pairs:
            if not isinstance(name, str) or not name.strip():
                raise ApiError(400, "A data collection item name must be a non-empty string, not %r." % (name,))
            if isinstance(item, (dict, list)):
                raise ApiError(400, "The data collection item %r must have a string value." % name)
            items.append({"Name": name, "Value": item})
    return items


class Store:
    def __init__(self, path, dialect=None):
        self.path = path
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-65536")
        self.dialect = dialect or Dialect()
        # GET /requests answers, pre-serialised per request (uuid_norm -> JSON bytes) for the
        # dialect in _cache_dialect; a write to a request drops its entry
        self._json_cache = {}
        self._cache_dialect = None
        self._templates = None
        self._users = None

    # ----------------------------------------------------------------- setup
    def initialized(self):
        row = self.db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not row[0]:
            return False
        return self.db.execute("SELECT count(*) FROM meta WHERE key='initialized'").fetchone()[0] == 1

    def meta(self, key, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    @staticmethod
    def _request_row(req, unrelated=0):
        card = req["card"]
        return (req["uuid"], req["uuid"].lower(), req["type"], req["status"], json.dumps(req["datacollection"]),
                int(req["dc_complete"]), req["originator"], req["target"], req["submitted"],
                req.get("completed") or UNSET_DATE, card, card.lower() if card else None, req["new_card"],
                req["template"], req.get("priority", 0), req["comment"], req["security"], unrelated)

    def create(self, seed, cards):
        users, templates, card_list = data.generate(seed, cards)
        secrets_by_key = {}
        for u in users:
            if u["key"] == "bearer":
                secrets_by_key[u["key"]] = {"token": secrets.token_urlsafe(32)}
            elif u["key"]:
                secrets_by_key[u["key"]] = {"password": secrets.token_urlsafe(18)}
        db = self.db
        db.execute("BEGIN")
        for stmt in SCHEMA.split(";"):
            if stmt.strip():
                db.execute(stmt)
        db.executemany(
            "INSERT INTO users VALUES (?,?,?,?,?)",
            [(u["uuid"], u["uuid"].lower(), u["name"], u["role"], u["key"]) for u in users],
        )
        db.executemany(
            "INSERT INTO templates VALUES (?,?,?,?,?,?)",
            [(t["uuid"], t["uuid"].lower(), t["name"], t["version"], int(t["approval_required"]),
              int(t["restricted"])) for t in templates],
        )
        db.executemany(
            "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(c["Uuid"].lower(), c["SerialNumber"].strip("{}").lower(), c["AssignedUserUuid"].lower(),
              c["ProfileTemplateUuid"].lower()) + tuple(c[k] for k in CARD_COLUMNS) for c in card_list],
        )
        if cards >= 1:
            db.executemany(_REQUEST_INSERT, [self._request_row(r) for r in data.REFERENCE_REQUESTS])
        for stmt in INDEXES.split(";"):
            if stmt.strip():
                db.execute(stmt)
        for key, value in (("schema", SCHEMA_VERSION), ("seed", seed), ("cards", cards),
                           ("secrets", secrets_by_key), ("created", now_text()),
                           ("initialized", True)):
            db.execute("INSERT INTO meta VALUES (?,?)", (key, json.dumps(value)))
        db.execute("COMMIT")

    def migrate(self, log):
        """Bring a state dir of an older simulator to this schema (data kept)."""
        schema = str(self.meta("schema", "1"))
        if schema == SCHEMA_VERSION:
            return
        if schema != "1":
            raise RuntimeError("state dir holds schema %s, unknown to this simulator; use --reset" % schema)
        db = self.db
        db.execute("BEGIN")
        for col in ("dc_complete INTEGER NOT NULL DEFAULT 1", "new_card TEXT",
                    "security TEXT NOT NULL DEFAULT ''", "unrelated INTEGER NOT NULL DEFAULT 0"):
            db.execute("ALTER TABLE requests ADD COLUMN " + col)
        db.execute("CREATE INDEX requests_unrelated ON requests (unrelated)")
        case = "CASE %s " + " ".join("WHEN %d THEN %d" % kv for kv in _SEQUENTIAL_TO_INTERNAL.items()) + " ELSE %s END"
        db.execute("UPDATE requests SET status=" + case % ("status", "status"))
        db.execute("UPDATE journal SET before=%s, after=%s WHERE kind IN ('request_created', 'request_status')"
                   % (case % ("before", "before"), case % ("after", "after")))
        for norm, originator, dc in db.execute("SELECT uuid_norm, originator, datacollection FROM requests").fetchall():
            try:
                items = json.dumps(parse_datacollection(json.loads(dc)))
            except (ApiError, ValueError):
                items = "[]"
            db.execute("UPDATE requests SET security=?, datacollection=? WHERE uuid_norm=?",
                       (data.security_descriptor(originator), items, norm))
        if self.meta("cards", 0) >= 1:
            for ref in data.REFERENCE_REQUESTS:
                if not db.execute("SELECT 1 FROM requests WHERE uuid_norm=?", (ref["uuid"],)).fetchone():
                    db.execute(_REQUEST_INSERT, self._request_row(ref))
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (json.dumps(SCHEMA_VERSION),))
        db.execute("COMMIT")
        log("simulator: state dir migrated from schema 1 to %s (request statuses renumbered)" % SCHEMA_VERSION)

    def ensure_unrelated(self, count):
        """Hold exactly ``count`` unrelated requests of other users (request-listing=all)."""
        db = self.db
        have = db.execute("SELECT count(*) FROM requests WHERE unrelated > 0").fetchone()[0]
        if have == count:
            return 0
        db.execute("BEGIN")
        if have > count:
            db.execute("DELETE FROM requests WHERE unrelated > ?", (count,))
        else:
            owners = [r[0] for r in db.execute("SELECT uuid FROM users WHERE key IS NULL ORDER BY uuid_norm")]
            cards = [r for r in db.execute(
                'SELECT "Uuid", "AssignedUserUuid", "ProfileTemplateUuid" FROM cards ORDER BY rowid LIMIT 5002')
                if r[0].lower() not in REFERENCE_CARD_UUIDS]
            seed = self.meta("seed", 0)
            rows = [self._request_row(r, unrelated=have + i + 1)
                    for i, r in enumerate(data.generate_unrelated(seed, have, count, owners, cards))]
            db.executemany(_REQUEST_INSERT, rows)
        db.execute("COMMIT")
        return count - have

    def load(self):
        self._templates = {}
        for uuid, uuid_norm, name, version, approval, restricted in self.db.execute("SELECT * FROM templates"):
            self._templates[uuid_norm] = {"uuid": uuid, "name": name, "version": version,
                                          "approval_required": bool(approval), "restricted": bool(restricted)}
        self._users = {}
        secrets_by_key = self.meta("secrets", {})
        for uuid, uuid_norm, name, role, key in self.db.execute("SELECT * FROM users WHERE key IS NOT NULL"):
            u = {"uuid": uuid, "name": name, "role": role, "key": key}
            u.update(secrets_by_key.get(key, {}))
            self._users[key] = u

    def named_users(self):
        return self._users

    def templates(self):
        return self._templates

    def set_dialect(self, dialect):
        self.dialect = dialect

    def close(self):
        with self.lock:
            self.db.close()

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _card(row):
        """A card in internal numbering."""
        return dict(zip(CARD_COLUMNS, row)) if row else None

    def _out_card(self, card, dialect=None):
        """A card as the API answers it (the dialect's numbering)."""
        if card is None:
            return None
        out = dict(card)
        out["Status"] = (dialect or self.dialect).card_status.out(card["Status"])
        return out

    def _get_card(self, norm):
        return self._card(self.db.execute(_CARD_SELECT + "WHERE uuid_norm=?", (norm,)).fetchone())

    def _get_request(self, norm):
        row = self.db.execute(_REQUEST_SELECT + "WHERE uuid_norm=?", (norm,)).fetchone()
        return dict(zip(REQUEST_COLUMNS, row)) if row else None

    @staticmethod
    def _request_obj(req, dialect):
        """A request as the API answers it: PascalCase keys, the dialect's numbering."""
        card, new_card = req["card"], req["new_card"] or req["card"]
        return {
            "Uuid": req["uuid"],
            "RequestType": dialect.request_type.out(req["type"]),
            "Status": dialect.request_status.out(req["status"]),
            "Flags": REQUEST_FLAGS,
            "DataCollection": json.loads(req["datacollection"]),
            "DataCollectionFlags": DATA_COLLECTION_FLAGS,
            "OriginatorUserUuid": req["originator"],
            "TargetUserUuid": req["target"],
            "Submitted": req["submitted"],
            "Completed": req["completed"],
            "NewProfileUuid": data.profile_uuid(new_card) or ZERO_GUID,
            "OldProfileUuid": data.profile_uuid(card) or ZERO_GUID,
            "NewSmartcardUuid": new_card or ZERO_GUID,
            "OldSmartcardUuid": card or ZERO_GUID,
            "Priority": req["priority"],
            "Comment": req["comment"],
            "ProfileTemplateUuid": req["template"] or ZERO_GUID,
            "SecurityDescriptor": req["security"],
            "IsSmartcard": True,
            "IsEnrollmentAgent": False,
            "IsDataCollectionComplete": bool(req["dc_complete"]),
        }

    def _journal(self, user, kind, request_id, card, before, after, request_type):
        self.db.execute(
            "INSERT INTO journal (time, user, kind, request_id, card, before, after, request_type)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), user, kind, request_id,
             card, before, after, request_type),
        )

    def _set_request_status(self, user, req, new, card_uuid, completed=None):
        completed = completed or req["completed"]
        self.db.execute("UPDATE requests SET status=?, completed=? WHERE uuid_norm=?",
                        (new, completed, req["uuid_norm"]))
        self._journal(user["key"], "request_status", req["uuid"], card_uuid, req["status"], new,
                      REQUEST_TYPE_NAME.get(req["type"]))
        req["status"], req["completed"] = new, completed
        self._json_cache.pop(req["uuid_norm"], None)

    def _template_of(self, card):
        return self._templates.get(card["ProfileTemplateUuid"].lower())

    @staticmethod
    def _visible(user, card):
        if user["role"] == "self":
            return card["AssignedUserUuid"].lower() == user["uuid"].lower()
        return True

    @staticmethod
    def _sees_request(user, req):
        if user["role"] != "self":
            return True
        return user["uuid"].lower() in (req["originator"].lower(), req["target"].lower())

    @staticmethod
    def _deny(user, what):
        raise ApiError(403, "Access denied: user %s\\%s (role %s) lacks the permission to %s."
                       % (data.DOMAIN, user["name"], user["role"], what))

    @staticmethod
    def _status_body(body, table):
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object with the key 'status'.")
        body = {str(k).lower(): v for k, v in body.items()}
        if "status" not in body:
            raise ApiError(400, "The request body lacks the required key 'status'.")
        try:
            return table.parse(body["status"])
        except ValueError as exc:
            raise ApiError(400, "The " + str(exc))

    # ----------------------------------------------------------------- API reads
    def _read_card(self, user, uuid):
        norm = require_guid(uuid, "smart card uuid")
        with self.lock:
            card = self._get_card(norm)
        if card is None or not self._visible(user, card):
            return None
        return card

    def card(self, user, uuid):
        return self._out_card(self._read_card(user, uuid))

    def card_by_cardid(self, user, cardid):
        norm = require_guid(cardid, "cardid")
        with self.lock:
            card = self._card(self.db.execute(_CARD_SELECT + "WHERE serial_norm=? LIMIT 1", (norm,)).fetchone())
        if card is None or not self._visible(user, card):
            return None
        return self._out_card(card)

    def own_cards(self, user):
        with self.lock:
            rows = self.db.execute(_CARD_SELECT + "WHERE owner_norm=? ORDER BY uuid_norm",
                                   (user["uuid"].lower(),)).fetchall()
        d = self.dialect
        return [self._out_card(self._card(r), d) for r in rows]

    def operations(self, user, uuid):
        card = self._read_card(user, uuid)
        if card is None:
            return None
        return self.dialect.operations(operations_for(user["role"], user["uuid"], card, self._template_of(card)))

    def profile_templates(self, user):
        """GET /profiletemplates: ProfileTemplateLimitedView objects (every template, every role)."""
        return [{"Name": t["name"], "Description": data.TEMPLATE_DESCRIPTIONS.get(t["name"], ""),
                 "Uuid": t["uuid"], "IsSmartcardProfileTemplate": True,
                 "IsVirtualSmartcardProfileTemplate": t["name"].startswith("Virtual")}
                for t in self._templates.values()]

    def request(self, user, rid):
        norm = require_guid(rid, "request id")
        with self.lock:
            req = self._get_request(norm)
        if req is None or not self._sees_request(user, req):
            return None
        return self._request_obj(req, self.dialect)

    def list_requests(self, user, status=None, targetuser=None):
        d = self.dialect
        me = user["uuid"].lower()
        if targetuser is None:
            if d.list_all and user["role"] != "self":
                where, args = "1=1", []
            else:
                where, args = "(lower(target)=? OR lower(originator)=?)", [me, me]
        elif targetuser.lower() == "current":
            where, args = "lower(target)=?", [me]
        else:
            raise ApiError(400, "The targetuser parameter %r is not supported; use targetuser=current." % targetuser)
        if status is not None:
            try:
                code = d.request_status.parse(status)
            except ValueError as exc:
                raise ApiError(400, "The query parameter " + str(exc))
            where += " AND status=?"
            args.append(code)
        with self.lock:
            norms = [r[0] for r in self.db.execute(
                "SELECT uuid_norm FROM requests WHERE " + where + " ORDER BY seq", args)]
            return self._serialise(norms, d)

    def _serialise(self, norms, dialect):
        """The requests ``norms`` as one JSON array in bytes (None when empty), from the cache of
        pre-serialised requests (filled for the misses). Call with the lock held."""
        if not norms:
            return None
        if self._cache_dialect is not dialect:
            self._json_cache = {}
            self._cache_dialect = dialect
        cache = self._json_cache
        missing = [n for n in norms if n not in cache]
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            for r in self.db.execute(_REQUEST_SELECT + "WHERE uuid_norm IN (%s)" % ",".join("?" * len(chunk)), chunk):
                cache[r[2]] = dumps(self._request_obj(dict(zip(REQUEST_COLUMNS, r)), dialect))
        return b"[" + b",".join([cache[n] for n in norms]) + b"]"

    def warm(self, stop=None):
        """Pre-serialise the unrelated requests, 500 at a time (so a first large listing is as
        fast as the next); runs in a background thread after start, ``stop`` an Event."""
        with self.lock:
            norms = [r[0] for r in self.db.execute("SELECT uuid_norm FROM requests WHERE unrelated > 0")]
        for i in range(0, len(norms), 500):
            if stop is not None and stop.is_set():
                return
            with self.lock:
                if stop is not None and stop.is_set():  # the store may be closed by now
                    return
                self._serialise(norms[i:i + 500], self.dialect)

    # ----------------------------------------------------------------- API writes
    def create_request(self, user, body):
        """POST /requests: returns the new request's id."""
        d = self.dialect
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object with the keys type, smartcard, datacollection and comment.")
        body = {str(k).lower(): v for k, v in body.items()}
        if "type" not in body:
            raise ApiError(400, "The request body lacks the required key 'type'.")
        try:
            rtype = d.request_type.parse(body["type"])
        except ValueError as exc:
            raise ApiError(400, "The " + str(exc))
        type_name = REQUEST_TYPE_NAME[rtype]
        if "datacollection" not in body:
            raise ApiError(400, "The request body lacks the required key 'datacollection' (use \"[]\" when there is nothing to collect).")
        items = parse_datacollection(body["datacollection"], d.datacollection_string_only)
        if "comment" not in body:
            raise ApiError(400, "The request body lacks the required key 'comment' (it may be empty).")
        comment = body["comment"]
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            raise ApiError(400, "The key 'comment' must be a string.")
        priority = body.get("priority", 0)
        if priority is None:
            priority = 0
        if isinstance(priority, bool) or not isinstance(priority, int):
            if isinstance(priority, str) and priority.strip().isdigit():
                priority = int(priority)
            else:
                raise ApiError(400, "The key 'priority' must be an integer.")
        if d.post_fields_required:
            for key, what in (("profiletemplateuuid", "the card's profile template uuid"),
                              ("target", "the card owner's user uuid")):
                if body.get(key) in (None, ""):
                    raise ApiError(400, "The request body lacks the required key '%s' (%s)." % (key, what))
        target = user["uuid"]
        if body.get("target") not in (None, ""):
            require_guid(body["target"], "target user uuid")
            target = str(body["target"]).strip().strip("{}")
        asked_template = None
        if body.get("profiletemplateuuid") not in (None, ""):
            asked_template = require_guid(body["profiletemplateuuid"], "profiletemplateuuid")
        if user["role"] == "reader":
            self._deny(user, "request %s (readers may not make requests)" % type_name)

        card_uuid = card_norm = template_uuid = None
        template = None
        if body.get("smartcard") not in (None, ""):
            card_norm = require_guid(body["smartcard"], "smartcard uuid")
        elif rtype != REQUEST_TYPE["Enroll"]:
            raise ApiError(400, "The request body lacks the key 'smartcard' (the card uuid), required for a %s request." % type_name)
        if rtype == REQUEST_TYPE["Enroll"] and card_norm is None:
            if asked_template is None:
                raise ApiError(400, "The request body lacks the key 'profiletemplateuuid', required for an Enroll request.")
            if asked_template not in self._templates:
                raise ApiError(400, "No profile template with uuid %s." % body.get("profiletemplateuuid"))
            template = self._templates[asked_template]
            if user["role"] == "self" and target.lower() != user["uuid"].lower():
                self._deny(user, "request Enroll for another user")
            template_uuid = template["uuid"]

        required = REQUIRED_DATA_ITEMS.get(type_name, []) if d.data_items_required else []
        given = {i["Name"].lower(): i for i in items}
        for name in required:
            if name.lower() not in given:
                items.append({"Name": name, "Value": None})
        complete = all(given.get(n.lower(), {}).get("Value") not in (None, "") for n in required)

        with self.lock:
            if card_norm is not None:
                card = self._get_card(card_norm)
                if card is None or (user["role"] == "self" and not self._visible(user, card)):
                    if card is not None:
                        self._deny(user, "request %s for smart card %s (a self-service user acts on own cards only)"
                                   % (type_name, card["Uuid"]))
                    raise ApiError(400, "No smart card with uuid %s." % body["smartcard"])
                template = self._template_of(card)
                ops = operations_for(user["role"], user["uuid"], card, template)
                allowed = type_name.lower() in ops or (
                    type_name == "TemporaryCards" and user["role"] == "operator" and card["Status"] == 3)
                if not allowed:
                    reason = "the operations list of this card for this user is [%s]" % ", ".join(d.operations(ops))
                    if template and template["restricted"] and type_name.lower() in ("retire", "revoke", "reinstate"):
                        reason = "profile template %r is restricted" % template["name"]
                    status_text = SMARTCARD_STATUS_NAME.get(card["Status"], d.card_status.out(card["Status"]))
                    self._deny(user, "request %s for smart card %s (status %s): %s"
                               % (type_name, card["Uuid"], status_text, reason))
                if d.post_fields_required:
                    if target.lower() != card["AssignedUserUuid"].lower():
                        raise rule_error(d, "The target user %s is not the owner of smart card %s (AssignedUserUuid %s)."
                                         % (target, card["Uuid"], card["AssignedUserUuid"]))
                    if asked_template != card["ProfileTemplateUuid"].lower():
                        raise rule_error(d, "Profile template %s is not the template of smart card %s (%s)."
                                         % (body["profiletemplateuuid"], card["Uuid"], card["ProfileTemplateUuid"]))
                card_uuid = card["Uuid"]
                template_uuid = card["ProfileTemplateUuid"]
            approval = bool(template and template["approval_required"])
            status = PENDING if approval else APPROVED
            rid = str(uuidlib.uuid4())
            req = {"uuid": rid, "type": rtype, "status": status, "datacollection": items, "dc_complete": complete,
                   "originator": user["uuid"], "target": target, "submitted": now_text(), "card": card_uuid,
                   "new_card": None, "template": template_uuid, "priority": priority, "comment": comment,
                   "security": data.security_descriptor(user["uuid"], extra=2)}
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute(_REQUEST_INSERT, self._request_row(req))
                self._journal(user["key"], "request_created", rid, card_uuid, None, status, type_name)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return rid

    def update_request(self, user, rid, body):
        """PUT /requests/{id}: the request after the change, or None (answer 204)."""
        d = self.dialect
        norm = require_guid(rid, "request id")
        new = self._status_body(body, d.request_status)
        if new not in REQUEST_TRANSITIONS:
            raise ApiError(400, "Request status %s cannot be set through PUT /requests/{id}; settable: Completed, Canceled, Abandoned."
                           % REQUEST_STATUS_NAME[new])
        if user["role"] == "reader":
            self._deny(user, "change requests")
        with self.lock:
            req = self._get_request(norm)
            if req is None:
                raise ApiError(400, "No request with id %s." % rid)
            if user["role"] == "self" and req["originator"].lower() != user["uuid"].lower():
                self._deny(user, "change request %s (a self-service user may change only own requests)" % req["uuid"])
            old = req["status"]
            if old == new == COMPLETED and d.put_completes:
                if d.complete_again == "200":
                    return self._request_obj(req, d)
                if d.complete_again == "204":
                    return None
                raise rule_error(d, "Request %s is already Completed." % req["uuid"])
            if old not in REQUEST_TRANSITIONS[new]:
                raise rule_error(d, "Request %s is %s; %s is allowed only from %s." % (
                    req["uuid"], REQUEST_STATUS_NAME.get(old, old), REQUEST_STATUS_NAME[new],
                    "/".join(REQUEST_STATUS_NAME[s] for s in sorted(REQUEST_TRANSITIONS[new], key=_LIFECYCLE.index))))
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self._set_request_status(user, req, new, req["card"] or req["new_card"], completed=now_text())
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            return self._request_obj(req, d)

    def request_card(self, user, rid, scid):
        rnorm = require_guid(rid, "request id")
        require_guid(scid, "smart card uuid")
        with self.lock:
            req = self._get_request(rnorm)
        if req is None:
            return None
        return self.card(user, scid)

    def set_card_status(self, user, rid, scid, body):
        """PUT /requests/{rid}/smartcards/{uuid}: the updated card."""
        d = self.dialect
        rnorm = require_guid(rid, "request id")
        cnorm = require_guid(scid, "smart card uuid")
        new = self._status_body(body, d.card_status)
        if new not in TRANSITIONS:
            raise ApiError(400, "Smart card status %s cannot be set; settable: %s." % (
                SMARTCARD_STATUS_NAME[new], ", ".join(SMARTCARD_STATUS_NAME[s] for s in TRANSITIONS)))
        if user["role"] == "reader":
            self._deny(user, "change the status of smart cards")
        need_type, from_statuses = TRANSITIONS[new]
        new_name = SMARTCARD_STATUS_NAME[new]
        with self.lock:
            card = self._get_card(cnorm)
            if card is None:
                raise ApiError(400, "No smart card with uuid %s." % scid)
            if not self._visible(user, card):
                self._deny(user, "change smart card %s (a self-service user acts on own cards only)" % card["Uuid"])
            template = self._template_of(card)
            if (user["role"] == "operator" and template and template["restricted"]
                    and need_type in ("Retire", "Revoke", "Reinstate")):
                self._deny(user, "%s smart card %s: profile template %r is restricted"
                           % (need_type.lower(), card["Uuid"], template["name"]))
            if user["role"] == "self":
                self._deny(user, "set smart card %s to %s" % (card["Uuid"], new_name))
            req = self._get_request(rnorm)
            if req is None:
                raise ApiError(400, "No request with id %s." % rid)
            if req["card_norm"] != cnorm:
                raise rule_error(d, "Request %s is not a request for smart card %s (it is for %s)." % (
                    req["uuid"], card["Uuid"], req["card"] or ZERO_GUID))
            rtype_name = REQUEST_TYPE_NAME.get(req["type"], str(req["type"]))
            if rtype_name != need_type:
                raise rule_error(d, "Setting a smart card to %s needs a %s request; request %s is a %s request." % (
                    new_name, need_type, req["uuid"], rtype_name))
            if req["status"] not in (APPROVED, EXECUTING):
                raise rule_error(d, "Request %s is %s; a request must be Approved or Executing to change a smart card." % (
                    req["uuid"], REQUEST_STATUS_NAME.get(req["status"], req["status"])))
            if not req["dc_complete"]:
                missing = [i["Name"] for i in json.loads(req["datacollection"]) if i.get("Value") in (None, "")]
                raise rule_error(d, "Request %s cannot be executed: its data collection is incomplete (missing: %s)."
                                 % (req["uuid"], ", ".join(missing) or "?"))
            old = card["Status"]
            if old not in from_statuses:
                if old == 6:
                    msg = "Smart card %s is Retired; Retired is terminal and the card cannot change any more." % card["Uuid"]
                else:
                    msg = "Smart card %s is %s; %s is allowed only from %s." % (
                        card["Uuid"], SMARTCARD_STATUS_NAME.get(old, old), new_name,
                        "/".join(SMARTCARD_STATUS_NAME[s] for s in sorted(from_statuses)))
                raise rule_error(d, msg)
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if req["status"] == APPROVED:
                    self._set_request_status(user, req, EXECUTING, card["Uuid"])
                self.db.execute('UPDATE cards SET "Status"=? WHERE uuid_norm=?', (new, cnorm))
                self._journal(user["key"], "card_status", req["uuid"], card["Uuid"], old, new, rtype_name)
                if d.put_completes:
                    self._set_request_status(user, req, COMPLETED, card["Uuid"], completed=now_text())
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            card["Status"] = new
        return self._out_card(card, d)

    def assign_smartcard(self, user, body):
        """POST /smartcards (assign a smart card to a request): the card's uuid.

        The request must be an Approved or Executing Enroll/Duplicate/TemporaryCards request the
        caller may act on. A card whose serial number is ``cardid`` is bound when it belongs to the
        request's target user (or to nobody yet); otherwise a new card is made (Assigned, owned by
        the target user, of the request's template). The request moves Approved -> Executing.
        Binding the card already bound again answers the same card and writes nothing.
        """
        d = self.dialect
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object with the keys requestid, cardid and atr.")
        body = {str(k).lower(): v for k, v in body.items()}
        for key in ("requestid", "cardid"):
            if body.get(key) in (None, ""):
                raise ApiError(400, "The request body lacks the required key '%s'." % key)
        rnorm = require_guid(body["requestid"], "requestid")
        serial = require_guid(body["cardid"], "cardid")
        atr = body.get("atr") or ""
        if not isinstance(atr, str) or (atr and not re.fullmatch(r"[0-9a-fA-F]+", atr)):
            raise ApiError(400, "The key 'atr' must be a hexadecimal string.")
        if user["role"] == "reader":
            self._deny(user, "assign smart cards to requests")
        with self.lock:
            req = self._get_request(rnorm)
            if req is None:
                raise ApiError(400, "No request with id %s." % body["requestid"])
            if not self._sees_request(user, req):
                self._deny(user, "assign a smart card to request %s (not the caller's request)" % req["uuid"])
            type_name = REQUEST_TYPE_NAME.get(req["type"], str(req["type"]))
            if type_name not in ("Enroll", "Duplicate", "TemporaryCards"):
                raise rule_error(d, "Request %s is a %s request; a smart card can be assigned only to an Enroll, "
                                    "Duplicate or TemporaryCards request." % (req["uuid"], type_name))
            if req["status"] not in (APPROVED, EXECUTING):
                raise rule_error(d, "Request %s is %s; a smart card can be assigned only to an Approved or Executing request."
                                 % (req["uuid"], REQUEST_STATUS_NAME.get(req["status"], req["status"])))
            card = self._card(self.db.execute(_CARD_SELECT + "WHERE serial_norm=? LIMIT 1", (serial,)).fetchone())
            if req["new_card"]:
                if card is not None and card["Uuid"].lower() == req["new_card"].lower():
                    return card["Uuid"]
                raise rule_error(d, "Request %s already has smart card %s assigned." % (req["uuid"], req["new_card"]))
            if card is not None and card["AssignedUserUuid"].lower() not in (req["target"].lower(), ZERO_GUID):
                raise rule_error(d, "Smart card %s (cardid %s) is assigned to another user." % (card["Uuid"], serial))
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if card is None:
                    template = self._templates.get((req["template"] or "").lower())
                    card = {"Uuid": str(uuidlib.uuid4()), "Status": SMARTCARD_STATUS["Assigned"], "Flags": 1,
                            "ParentSmartcardUuid": ZERO_GUID, "PrimarySmartcardUuid": ZERO_GUID,
                            "PermanentSmartcardUuid": ZERO_GUID, "AssignedUserUuid": req["target"],
                            "ProfileTemplateUuid": template["uuid"] if template else (req["template"] or ZERO_GUID),
                            "ProfileTemplateVersion": template["version"] if template else 1, "Comment": "",
                            "SerialNumber": "{%s}" % str(body["cardid"]).strip().strip("{}"),
                            "Middleware": "MSBaseCSP", "Atr": atr}
                    self.db.execute(
                        "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (card["Uuid"].lower(), serial, card["AssignedUserUuid"].lower(),
                         card["ProfileTemplateUuid"].lower()) + tuple(card[k] for k in CARD_COLUMNS))
                    before = None
                else:
                    before = card["Status"]
                self.db.execute("UPDATE requests SET new_card=? WHERE uuid_norm=?", (card["Uuid"], rnorm))
                self._json_cache.pop(rnorm, None)
                self._journal(user["key"], "card_assigned", req["uuid"], card["Uuid"], before, card["Status"], type_name)
                if req["status"] == APPROVED:
                    self._set_request_status(user, req, EXECUTING, card["Uuid"])
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return card["Uuid"]

    # ----------------------------------------------------------------- admin
    def admin_cards(self, status=None, approval_required=None, restricted=None, limit=None, owner=None):
        d = self.dialect
        sql = _CARD_SELECT + "WHERE 1=1"
        args = []
        if status is not None:
            sql += ' AND "Status"=?'
            args.append(self._admin_card_status(status))
        if owner is not None:
            sql += " AND owner_norm=?"
            args.append(owner.lower())
        tsel = [n for n, t in self._templates.items()
                if (approval_required is None or t["approval_required"] == approval_required)
                and (restricted is None or t["restricted"] == restricted)]
        if approval_required is not None or restricted is not None:
            if not tsel:
                return []
            sql += " AND template_norm IN (%s)" % ",".join("?" * len(tsel))
            args += tsel
        sql += " ORDER BY uuid_norm"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self.lock:
            return [self._out_card(self._card(r), d) for r in self.db.execute(sql, args)]

    def admin_card(self, uuid):
        norm = require_guid(uuid, "smart card uuid")
        with self.lock:
            return self._out_card(self._get_card(norm))

    def _admin_card_status(self, status):
        """A status of the admin API: a name, or an integer in the dialect's numbering (others as they are)."""
        try:
            return self.dialect.card_status.parse(status, allow_unknown=True)
        except ValueError as exc:
            raise ApiError(400, "The " + str(exc))

    def admin_set_card(self, uuid, status):
        norm = require_guid(uuid, "smart card uuid")
        status = self._admin_card_status(status)
        with self.lock:
            card = self._get_card(norm)
            if card is None:
                raise ApiError(404, "No smart card with uuid %s." % uuid)
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute('UPDATE cards SET "Status"=? WHERE uuid_norm=?', (status, norm))
                self._journal("admin", "card_status", None, card["Uuid"], card["Status"], status, None)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            card["Status"] = status
            return self._out_card(card)

    def admin_requests(self, card=None, unrelated=False):
        """Requests (API shape) in creation order; the unrelated ones only when asked."""
        where = "1=1" if unrelated else "unrelated=0"
        args = []
        if card:
            where += " AND card_norm=?"
            args.append(require_guid(card, "card"))
        with self.lock:
            rows = self.db.execute(_REQUEST_SELECT + "WHERE " + where + " ORDER BY seq", args).fetchall()
        d = self.dialect
        return [self._request_obj(dict(zip(REQUEST_COLUMNS, r)), d) for r in rows]

    def admin_decide(self, rid, approve):
        norm = require_guid(rid, "request id")
        new = APPROVED if approve else DENIED
        with self.lock:
            req = self._get_request(norm)
            if req is None:
                raise ApiError(404, "No request with id %s." % rid)
            if req["status"] != PENDING:
                raise ApiError(409, "Request %s is %s; only a Pending request can be %s." % (
                    req["uuid"], REQUEST_STATUS_NAME.get(req["status"]), "approved" if approve else "denied"))
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self._set_request_status({"key": "admin"}, req, new, req["card"])
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            return self._request_obj(req, self.dialect)

    def journal(self, since=0):
        """Journal entries with before/after in the dialect's numbering, plus their names."""
        with self.lock:
            rows = self.db.execute(
                "SELECT seq, time, user, kind, request_id, card, before, after, request_type"
                " FROM journal WHERE seq > ? ORDER BY seq", (int(since),)).fetchall()
        d = self.dialect
        keys = ("seq", "time", "user", "kind", "request_id", "card", "before", "after", "request_type")
        out = []
        for r in rows:
            e = dict(zip(keys, r))
            table = d.request_status if e["kind"] in _REQUEST_KINDS else d.card_status
            for k in ("before", "after"):
                code = e[k]
                e[k] = None if code is None else table.out(code)
                e[k + "_name"] = None if code is None else table.name(code)
            out.append(e)
        return out

    def counts(self):
        with self.lock:
            return {
                "card_count": self.db.execute("SELECT count(*) FROM cards").fetchone()[0],
                "request_count": self.db.execute("SELECT count(*) FROM requests").fetchone()[0],
                "unrelated_count": self.db.execute("SELECT count(*) FROM requests WHERE unrelated > 0").fetchone()[0],
                "journal_count": self.db.execute("SELECT count(*) FROM journal").fetchone()[0],
            }


def open_store(state_dir, seed, cards, reset, log, dialect=None, unrelated=0):
    """Open (creating when needed) the state in state_dir/simulator.db."""
    path = os.path.join(state_dir, "simulator.db")
    if reset:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(path + suffix)
            except FileNotFoundError:
                pass
    store = Store(path, dialect)
    if store.initialized():
        log("simulator: state dir %s already holds data (seed %s, %s cards); --cards/--seed ignored (use --reset to start over)"
            % (state_dir, store.meta("seed"), store.meta("cards")))
        store.migrate(log)
    else:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            # a half-made database from an interrupted start: start over
            store.db.close()
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(path + suffix)
                except FileNotFoundError:
                    pass
            store = Store(path, dialect)
        t0 = time.monotonic()
        store.create(seed, cards)
        log("simulator: generated %d cards (seed %s) in %.2fs" % (cards, seed, time.monotonic() - t0))
    t0 = time.monotonic()
    added = store.ensure_unrelated(unrelated)
    if added:
        log("simulator: %s %d unrelated requests in %.2fs" % (
            "added" if added > 0 else "removed", abs(added), time.monotonic() - t0))
    store.load()
    return store
