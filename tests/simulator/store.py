"""SQLite-backed state and the lifecycle rules of the simulator.

One connection, guarded by a lock: every query is a primary-key or index lookup that
takes microseconds, and the lock makes each rule check and its write one atomic step.
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
from .model import (
    APPROVED, DENIED, EXECUTING, PENDING,
    REQUEST_STATUS, REQUEST_STATUS_NAME, REQUEST_TRANSITIONS, REQUEST_TYPE,
    REQUEST_TYPE_NAME, SMARTCARD_STATUS, SMARTCARD_STATUS_NAME, TRANSITIONS,
    UNSET_DATE, ZERO_GUID, lookup_enum, operations_for,
)

SCHEMA_VERSION = "1"
GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")

CARD_COLUMNS = (
    "Uuid", "Status", "Flags", "ParentSmartcardUuid", "PrimarySmartcardUuid",
    "PermanentSmartcardUuid", "AssignedUserUuid", "ProfileTemplateUuid",
    "ProfileTemplateVersion", "Comment", "SerialNumber", "Middleware", "Atr",
)
_CARD_SELECT = "SELECT " + ", ".join('"%s"' % c for c in CARD_COLUMNS) + " FROM cards "

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
    originator TEXT NOT NULL, target TEXT NOT NULL, submitted TEXT NOT NULL,
    completed TEXT NOT NULL, card TEXT, card_norm TEXT, template TEXT,
    priority INTEGER NOT NULL, comment TEXT NOT NULL);
CREATE INDEX requests_card ON requests (card_norm);
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


class ApiError(Exception):
    """An answer other than success: HTTP status and message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


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
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


class Store:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-65536")
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
            ref = data.REFERENCE_REQUEST
            db.execute(
                "INSERT INTO requests (uuid, uuid_norm, type, status, datacollection, originator, target,"
                " submitted, completed, card, card_norm, template, priority, comment)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ref["uuid"], ref["uuid"], ref["type"], ref["status"], "[]", ref["originator"], ref["target"],
                 ref["submitted"], UNSET_DATE, ref["card"], ref["card"], ref["template"], 0, ref["comment"]))
        for stmt in INDEXES.split(";"):
            if stmt.strip():
                db.execute(stmt)
        for key, value in (("schema", SCHEMA_VERSION), ("seed", seed), ("cards", cards),
                           ("secrets", secrets_by_key), ("created", now_text()),
                           ("initialized", True)):
            db.execute("INSERT INTO meta VALUES (?,?)", (key, json.dumps(value)))
        db.execute("COMMIT")

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

    def close(self):
        with self.lock:
            self.db.close()

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _card(row):
        return dict(zip(CARD_COLUMNS, row)) if row else None

    def _get_card(self, norm):
        return self._card(self.db.execute(_CARD_SELECT + "WHERE uuid_norm=?", (norm,)).fetchone())

    def _request_row(self, norm):
        return self.db.execute("SELECT * FROM requests WHERE uuid_norm=?", (norm,)).fetchone()

    @staticmethod
    def _request_obj(row):
        (_seq, uuid, _norm, rtype, status, datacollection, originator, target, submitted,
         completed, card, _card_norm, template, priority, comment) = row
        return {
            "Uuid": uuid,
            "RequestType": rtype,
            "Status": status,
            "Flags": 0,
            "DataCollection": json.loads(datacollection),
            "DataCollectionFlags": 0,
            "OriginatorUserUuid": originator,
            "TargetUserUuid": target,
            "Submitted": submitted,
            "Completed": completed,
            "NewProfileUuid": ZERO_GUID,
            "OldProfileUuid": card or ZERO_GUID,
            "NewSmartcardUuid": ZERO_GUID,
            "OldSmartcardUuid": card or ZERO_GUID,
            "Priority": priority,
            "Comment": comment,
            "ProfileTemplateUuid": template or ZERO_GUID,
            "SecurityDescriptor": "O:SYG:SYD:(A;;CCLCSWRPWPDTLOCRRC;;;AU)",
            "IsSmartcard": card is not None,
            "IsEnrollmentAgent": False,
            "IsDataCollectionComplete": True,
        }

    def _journal(self, user, kind, request_id, card, before, after, request_type):
        self.db.execute(
            "INSERT INTO journal (time, user, kind, request_id, card, before, after, request_type)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), user, kind, request_id,
             card, before, after, request_type),
        )

    def _template_of(self, card):
        return self._templates.get(card["ProfileTemplateUuid"].lower())

    @staticmethod
    def _visible(user, card):
        if user["role"] == "self":
            return card["AssignedUserUuid"].lower() == user["uuid"].lower()
        return True

    @staticmethod
    def _deny(user, what):
        raise ApiError(403, "Access denied: user %s\\%s (role %s) lacks the permission to %s."
                       % (data.DOMAIN, user["name"], user["role"], what))

    # ----------------------------------------------------------------- API reads
    def card(self, user, uuid):
        norm = require_guid(uuid, "smart card uuid")
        with self.lock:
            card = self._get_card(norm)
        if card is None or not self._visible(user, card):
            return None
        return card

    def card_by_cardid(self, user, cardid):
        norm = require_guid(cardid, "cardid")
        with self.lock:
            card = self._card(self.db.execute(_CARD_SELECT + "WHERE serial_norm=? LIMIT 1", (norm,)).fetchone())
        if card is None or not self._visible(user, card):
            return None
        return card

    def own_cards(self, user):
        with self.lock:
            rows = self.db.execute(_CARD_SELECT + "WHERE owner_norm=? ORDER BY uuid_norm",
                                   (user["uuid"].lower(),)).fetchall()
        return [self._card(r) for r in rows]

    def operations(self, user, uuid):
        card = self.card(user, uuid)
        if card is None:
            return None
        return operations_for(user["role"], user["uuid"], card, self._template_of(card))

    def request(self, user, rid):
        norm = require_guid(rid, "request id")
        with self.lock:
            row = self._request_row(norm)
        if row is None:
            return None
        req = self._request_obj(row)
        if user["role"] == "self" and user["uuid"].lower() not in (
                req["OriginatorUserUuid"].lower(), req["TargetUserUuid"].lower()):
            return None
        return req

    def list_requests(self, user, status=None, targetuser=None):
        sql = "SELECT * FROM requests WHERE "
        me = user["uuid"].lower()
        if targetuser is None:
            sql += "(lower(target)=? OR lower(originator)=?)"
            args = [me, me]
        elif targetuser.lower() == "current":
            sql += "lower(target)=?"
            args = [me]
        else:
            raise ApiError(400, "The targetuser parameter %r is not supported; use targetuser=current." % targetuser)
        if status is not None:
            try:
                code = lookup_enum(REQUEST_STATUS, status, "status")
            except ValueError as exc:
                raise ApiError(400, "The query parameter " + str(exc))
            sql += " AND status=?"
            args.append(code)
        with self.lock:
            rows = self.db.execute(sql + " ORDER BY seq", args).fetchall()
        return [self._request_obj(r) for r in rows]

    # ----------------------------------------------------------------- API writes
    def create_request(self, user, body):
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object with the keys type, smartcard, datacollection and comment.")
        body = {str(k).lower(): v for k, v in body.items()}
        if "type" not in body:
            raise ApiError(400, "The request body lacks the required key 'type'.")
        try:
            rtype = lookup_enum(REQUEST_TYPE, body["type"], "request type")
        except ValueError as exc:
            raise ApiError(400, "The " + str(exc))
        type_name = REQUEST_TYPE_NAME[rtype]
        if "datacollection" not in body:
            raise ApiError(400, "The request body lacks the required key 'datacollection' (use [] when there is nothing to collect).")
        dc = body["datacollection"]
        if isinstance(dc, str):
            try:
                dc = json.loads(dc) if dc.strip() else []
            except ValueError:
                raise ApiError(400, "The key 'datacollection' holds a string that is not a JSON array.")
        if not isinstance(dc, list) or not all(isinstance(i, dict) for i in dc):
            raise ApiError(400, "The key 'datacollection' must be an array of name/value objects (or a string holding one).")
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
        target = user["uuid"]
        if body.get("target") not in (None, ""):
            require_guid(body["target"], "target user uuid")
            target = str(body["target"]).strip("{}")
        if user["role"] == "reader":
            self._deny(user, "request %s (readers may not make requests)" % type_name)

        card_uuid = card_norm = template_uuid = None
        if body.get("smartcard") not in (None, ""):
            card_norm = require_guid(body["smartcard"], "smartcard uuid")
        elif rtype != REQUEST_TYPE["Enroll"]:
            raise ApiError(400, "The request body lacks the key 'smartcard' (the card uuid), required for a %s request." % type_name)
        if rtype == REQUEST_TYPE["Enroll"] and card_norm is None:
            tnorm = require_guid(body.get("profiletemplateuuid"), "profiletemplateuuid")
            if tnorm not in self._templates:
                raise ApiError(400, "No profile template with uuid %s." % body.get("profiletemplateuuid"))
            if user["role"] != "operator":
                self._deny(user, "request Enroll")
            template = self._templates[tnorm]
            template_uuid = template["uuid"]

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
                    reason = "the operations list of this card for this user is [%s]" % ", ".join(ops)
                    if template and template["restricted"] and type_name.lower() in ("retire", "revoke", "reinstate"):
                        reason = "profile template %r is restricted" % template["name"]
                    self._deny(user, "request %s for smart card %s (status %s): %s"
                               % (type_name, card["Uuid"], SMARTCARD_STATUS_NAME.get(card["Status"], card["Status"]), reason))
                card_uuid = card["Uuid"]
                template_uuid = card["ProfileTemplateUuid"]
            approval = bool(template and template["approval_required"])
            status = PENDING if approval else APPROVED
            rid = str(uuidlib.uuid4())
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute(
                    "INSERT INTO requests (uuid, uuid_norm, type, status, datacollection, originator, target,"
                    " submitted, completed, card, card_norm, template, priority, comment)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (rid, rid, rtype, status, json.dumps(dc), user["uuid"], target, now_text(), UNSET_DATE,
                     card_uuid, card_norm, template_uuid, priority, comment),
                )
                self._journal(user["key"], "request_created", rid, card_uuid, None, status, type_name)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return rid

    @staticmethod
    def _status_body(body, table, what):
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object with the key 'status'.")
        body = {str(k).lower(): v for k, v in body.items()}
        if "status" not in body:
            raise ApiError(400, "The request body lacks the required key 'status'.")
        try:
            return lookup_enum(table, body["status"], what)
        except ValueError as exc:
            raise ApiError(400, "The " + str(exc))

    def update_request(self, user, rid, body):
        norm = require_guid(rid, "request id")
        new = self._status_body(body, REQUEST_STATUS, "request status")
        if new not in REQUEST_TRANSITIONS:
            raise ApiError(400, "Request status %s cannot be set through PUT /requests/{id}; settable: Completed, Canceled, Abandoned."
                           % REQUEST_STATUS_NAME[new])
        if user["role"] == "reader":
            self._deny(user, "change requests")
        with self.lock:
            row = self._request_row(norm)
            if row is None:
                raise ApiError(400, "No request with id %s." % rid)
            req = self._request_obj(row)
            if user["role"] == "self" and req["OriginatorUserUuid"].lower() != user["uuid"].lower():
                self._deny(user, "change request %s (a self-service user may change only own requests)" % req["Uuid"])
            old = req["Status"]
            if old not in REQUEST_TRANSITIONS[new]:
                raise ApiError(400, "Request %s is %s; %s is allowed only from %s." % (
                    req["Uuid"], REQUEST_STATUS_NAME.get(old, old), REQUEST_STATUS_NAME[new],
                    "/".join(REQUEST_STATUS_NAME[s] for s in sorted(REQUEST_TRANSITIONS[new]))))
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("UPDATE requests SET status=?, completed=? WHERE uuid_norm=?", (new, now_text(), norm))
                self._journal(user["key"], "request_status", req["Uuid"], req["OldSmartcardUuid"] if row[10] else None,
                              old, new, REQUEST_TYPE_NAME.get(req["RequestType"]))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            return self._request_obj(self._request_row(norm))

    def request_card(self, user, rid, scid):
        rnorm = require_guid(rid, "request id")
        require_guid(scid, "smart card uuid")
        with self.lock:
            row = self._request_row(rnorm)
        if row is None:
            return None
        return self.card(user, scid)

    def set_card_status(self, user, rid, scid, body):
        rnorm = require_guid(rid, "request id")
        cnorm = require_guid(scid, "smart card uuid")
        new = self._status_body(body, SMARTCARD_STATUS, "smart card status")
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
            row = self._request_row(rnorm)
            if row is None:
                raise ApiError(400, "No request with id %s." % rid)
            req = self._request_obj(row)
            if row[11] != cnorm:
                raise ApiError(400, "Request %s is not a request for smart card %s (it is for %s)." % (
                    req["Uuid"], card["Uuid"], req["OldSmartcardUuid"]))
            rtype_name = REQUEST_TYPE_NAME.get(req["RequestType"], str(req["RequestType"]))
            if rtype_name != need_type:
                raise ApiError(400, "Setting a smart card to %s needs a %s request; request %s is a %s request." % (
                    new_name, need_type, req["Uuid"], rtype_name))
            if req["Status"] not in (APPROVED, EXECUTING):
                raise ApiError(400, "Request %s is %s; a request must be Approved or Executing to change a smart card." % (
                    req["Uuid"], REQUEST_STATUS_NAME.get(req["Status"], req["Status"])))
            old = card["Status"]
            if old not in from_statuses:
                if old == 6:
                    msg = "Smart card %s is Retired; Retired is terminal and the card cannot change any more." % card["Uuid"]
                else:
                    msg = "Smart card %s is %s; %s is allowed only from %s." % (
                        card["Uuid"], SMARTCARD_STATUS_NAME.get(old, old), new_name,
                        "/".join(SMARTCARD_STATUS_NAME[s] for s in sorted(from_statuses)))
                raise ApiError(400, msg)
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if req["Status"] == APPROVED:
                    self.db.execute("UPDATE requests SET status=? WHERE uuid_norm=?", (EXECUTING, rnorm))
                    self._journal(user["key"], "request_status", req["Uuid"], card["Uuid"], APPROVED, EXECUTING, rtype_name)
                self.db.execute('UPDATE cards SET "Status"=? WHERE uuid_norm=?', (new, cnorm))
                self._journal(user["key"], "card_status", req["Uuid"], card["Uuid"], old, new, rtype_name)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            card["Status"] = new
        return card

    # ----------------------------------------------------------------- admin
    def admin_cards(self, status=None, approval_required=None, restricted=None, limit=None, owner=None):
        sql = _CARD_SELECT + "WHERE 1=1"
        args = []
        if status is not None:
            sql += ' AND "Status"=?'
            args.append(int(status))
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
            return [self._card(r) for r in self.db.execute(sql, args)]

    def admin_card(self, uuid):
        norm = require_guid(uuid, "smart card uuid")
        with self.lock:
            return self._get_card(norm)

    def admin_set_card(self, uuid, status):
        norm = require_guid(uuid, "smart card uuid")
        if isinstance(status, bool) or not isinstance(status, int):
            try:
                status = lookup_enum(SMARTCARD_STATUS, status, "smart card status")
            except ValueError as exc:
                raise ApiError(400, "The " + str(exc))
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
            return card

    def admin_requests(self, card=None):
        with self.lock:
            if card:
                norm = require_guid(card, "card")
                rows = self.db.execute("SELECT * FROM requests WHERE card_norm=? ORDER BY seq", (norm,)).fetchall()
            else:
                rows = self.db.execute("SELECT * FROM requests ORDER BY seq").fetchall()
        return [self._request_obj(r) for r in rows]

    def admin_decide(self, rid, approve):
        norm = require_guid(rid, "request id")
        new = APPROVED if approve else DENIED
        with self.lock:
            row = self._request_row(norm)
            if row is None:
                raise ApiError(404, "No request with id %s." % rid)
            req = self._request_obj(row)
            if req["Status"] != PENDING:
                raise ApiError(409, "Request %s is %s; only a Pending request can be %s." % (
                    req["Uuid"], REQUEST_STATUS_NAME.get(req["Status"]), "approved" if approve else "denied"))
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("UPDATE requests SET status=? WHERE uuid_norm=?", (new, norm))
                self._journal("admin", "request_status", req["Uuid"], row[10], PENDING, new,
                              REQUEST_TYPE_NAME.get(req["RequestType"]))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            return self._request_obj(self._request_row(norm))

    def journal(self, since=0):
        with self.lock:
            rows = self.db.execute(
                "SELECT seq, time, user, kind, request_id, card, before, after, request_type"
                " FROM journal WHERE seq > ? ORDER BY seq", (int(since),)).fetchall()
        keys = ("seq", "time", "user", "kind", "request_id", "card", "before", "after", "request_type")
        return [dict(zip(keys, r)) for r in rows]

    def counts(self):
        with self.lock:
            return {
                "card_count": self.db.execute("SELECT count(*) FROM cards").fetchone()[0],
                "request_count": self.db.execute("SELECT count(*) FROM requests").fetchone()[0],
                "journal_count": self.db.execute("SELECT count(*) FROM journal").fetchone()[0],
            }


def open_store(state_dir, seed, cards, reset, log):
    """Open (creating when needed) the state in state_dir/simulator.db."""
    path = os.path.join(state_dir, "simulator.db")
    if reset:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(path + suffix)
            except FileNotFoundError:
                pass
    store = Store(path)
    if store.initialized():
        log("simulator: state dir %s already holds data (seed %s, %s cards); --cards/--seed ignored (use --reset to start over)"
            % (state_dir, store.meta("seed"), store.meta("cards")))
    else:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            # a half-made database from an interrupted start: start over
            store.db.close()
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(path + suffix)
                except FileNotFoundError:
                    pass
            store = Store(path)
        t0 = time.monotonic()
        store.create(seed, cards)
        log("simulator: generated %d cards (seed %s) in %.2fs" % (cards, seed, time.monotonic() - t0))
    store.load()
    return store
