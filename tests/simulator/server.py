"""HTTP(S) front end of the simulator: NTLM/bearer authentication, routing, faults, admin API."""

import base64
import ipaddress
import itertools
import json
import socket
import ssl
import threading
import time
import traceback
import uuid as uuidlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import spnego

from . import adfs, kerberos
from .dialects import parse as parse_dialect
from .store import ApiError

API_PREFIX = "/certificatemanagement/api/v1.0"
ADMIN_PREFIX = "/_admin"
JSON_TYPE = "application/json; charset=utf-8"
REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
    411: "Length Required", 413: "Payload Too Large", 500: "Internal Server Error",
    503: "Service Unavailable",
}
MAX_BODY = 1 << 20


def _dumps(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


class Stats:
    def __init__(self, access_log=False):
        self.lock = threading.Lock()
        self.access_log_enabled = access_log
        self.reset()

    def reset(self):
        with self.lock:
            self.connections = 0
            self.ntlm_handshakes = 0
            self.kerberos_handshakes = 0
            self.adfs = {k: 0 for k in getattr(self, "adfs", {})}  # tests/simulator/adfs.py counters
            self.auth_failures = 0
            self.unauthenticated = 0
            self.requests = 0
            self.admin_requests = 0
            self.by_kind = {}
            self.by_status = {}
            self.faults = {}
            self.log = []

    def snapshot(self):
        with self.lock:
            return {
                "connections": self.connections,
                "ntlm_handshakes": self.ntlm_handshakes,
                "kerberos_handshakes": self.kerberos_handshakes,
                "adfs": dict(self.adfs),
                "auth_failures": self.auth_failures,
                "unauthenticated": self.unauthenticated,
                "requests": self.requests,
                "admin_requests": self.admin_requests,
                "by_kind": dict(self.by_kind),
                "by_status": {str(k): v for k, v in self.by_status.items()},
                "faults": dict(self.faults),
                "access_log": self.access_log_enabled,
            }


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, store, faults, stats, ssl_context=None):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.store = store
        self.faults = faults
        self.stats = stats
        self.ssl_context = ssl_context
        self.conn_ids = itertools.count(1)
        users = store.named_users()
        self.ntlm_users = {u["name"].lower(): u for u in users.values() if "password" in u}
        self.bearer_users = {u["token"]: u for u in users.values() if "token" in u}
        self.dialect_listeners = []  # called with the new Dialect after PUT /_admin/dialect
        self.api_disabled = False  # --api-disabled: Clm.WebApi.Enabled false, every API path answers 404
        super().__init__(address, Handler)

    def set_dialect(self, dialect):
        self.store.set_dialect(dialect)
        for listener in self.dialect_listeners:
            listener(dialect)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    timeout = 300  # idle keep-alive connections end after this many seconds

    # ------------------------------------------------------------ connection
    def setup(self):
        srv = self.server
        self.conn_id = next(srv.conn_ids)
        self.auth_user = None
        self.ntlm_ctx = None
        self.ntlm_scheme = None
        self.tls_ok = True
        self.counted = False  # counted in stats.connections at its first API request
        if srv.ssl_context is not None:
            try:
                self.request.settimeout(10)
                self.request = srv.ssl_context.wrap_socket(self.request, server_side=True)
            except (OSError, ssl.SSLError):  # a client that does not trust us, or not TLS at all
                self.tls_ok = False
                return
        super().setup()

    def finish(self):
        if not self.tls_ok:
            return
        try:
            super().finish()
        except OSError:
            pass
        if self.server.ssl_context is not None:
            try:
                self.request.close()
            except OSError:
                pass

    def handle(self):
        if not self.tls_ok:
            return
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError):
            pass

    def log_message(self, fmt, *args):  # no per-request logging to stderr
        pass

    _date_cache = (0, "")

    def date_time_string(self, timestamp=None):
        """The Date header, formatted once per second (email.utils is slow)."""
        now = int(time.time()) if timestamp is None else int(timestamp)
        cached = Handler._date_cache
        if cached[0] != now:
            cached = Handler._date_cache = (now, super().date_time_string(now))
        return cached[1]

    def parse_request(self):
        """http.server's parse_request with a plain header reader instead of the email parser.

        Same outcome for HTTP/1.0 and 1.1 requests: command, path, version, headers,
        keep-alive and Expect: 100-continue.
        """
        self.command = None
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if len(words) != 3 or not words[2].startswith("HTTP/"):
            self.send_error(400, "Bad request syntax (%r)" % requestline)
            return False
        command, path, version = words
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            self.send_error(505, "Invalid HTTP version (%s)" % version)
            return False
        self.command, self.path, self.request_version = command, path, version
        if version == "HTTP/1.1":
            self.close_connection = False
        headers = _Headers()
        while True:
            line = self.rfile.readline(65537)
            if len(line) > 65536:
                self.send_error(431, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            name, sep, value = line.decode("iso-8859-1").partition(":")
            if not sep:
                self.send_error(400, "Bad header line")
                return False
            headers.add(name.strip(), value.strip())
            if len(headers) > 100:
                self.send_error(431, "Too many headers")
                return False
        self.headers = headers
        conntype = headers.get("Connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        if headers.get("Expect", "").lower() == "100-continue" and version == "HTTP/1.1":
            if not self.handle_expect_100():
                return False
        return True

    def do_GET(self):
        try:
            self.dispatch()
        except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError):
            self.close_connection = True
        except Exception:  # never a stack trace to the client; log it here
            traceback.print_exc()
            self.close_connection = True
            try:
                self.error(500, "An error has occurred. Give the correlation ID to your administrator.",
                           correlation=True)
            except OSError:
                pass

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # ------------------------------------------------------------ responses
    def send(self, status, obj=None, headers=(), raw=None):
        if raw is not None:
            body = raw
        elif isinstance(obj, bytes):  # pre-serialised JSON (GET /requests)
            body = obj
        elif obj is not None and status != 204:
            body = _dumps(obj)
        else:
            body = b""
        lines = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Unknown")),
                 "Server: Microsoft-IIS/10.0",
                 "Date: " + self.date_time_string()]
        if status != 204:
            lines.append("Content-Type: " + JSON_TYPE)
            lines.append("Content-Length: %d" % len(body))
        for k, v in headers:
            lines.append("%s: %s" % (k, v))
        reply, self.auth_reply = getattr(self, "auth_reply", None), None  # Kerberos: the server's last token
        if reply:
            lines.append("%s: %s" % reply)
        if self.close_connection:
            lines.append("Connection: close")
        if self.command == "HEAD":
            body = b""
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.status_sent = status

    def error(self, status, message, headers=(), correlation=False):
        obj = {"Message": message}
        if correlation or status >= 500:
            obj["CorrelationId"] = str(uuidlib.uuid4())
        self.send(status, obj, headers)

    def drop(self):
        """End the connection without an answer."""
        self.close_connection = True
        self.status_sent = 0
        try:
            self.request.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ------------------------------------------------------------ dispatch
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            total = 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ApiError(413, "The request body is too large.")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            raise ApiError(400, "The Content-Length header is not a number.")
        if n > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "The request body is too large.")
        return self.rfile.read(n) if n > 0 else b""

    def dispatch(self):
        self.status_sent = None
        try:
            body = self.read_body()
        except ApiError as exc:
            self.error(exc.status, exc.message)
            return
        except (ValueError, OSError):
            self.close_connection = True
            self.error(400, "The request body could not be read.")
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        lower = path.lower().rstrip("/")
        if lower == ADMIN_PREFIX or lower.startswith(ADMIN_PREFIX + "/"):
            self.admin(lower[len(ADMIN_PREFIX):], path, parts.query, body)
        elif lower == API_PREFIX or lower.startswith(API_PREFIX + "/"):
            self.api(path[len(API_PREFIX) + 1:].strip("/"), parts.query, body)
        elif lower == adfs.TOKEN_PATH and getattr(self.server, "adfs", None) is not None:
            self.send(*self.server.adfs.token_endpoint(self.command, body))
        else:
            self.error(404, "No resource matches %s; the API is under /CertificateManagement/api/v1.0." % parts.path)

    # ------------------------------------------------------------ authentication
    def challenge(self, message="Authorization has been denied for this request."):
        with self.server.stats.lock:
            self.server.stats.unauthenticated += 1
        self.error(401, message, headers=(("WWW-Authenticate", "NTLM"), ("WWW-Authenticate", "Negotiate")))

    def authenticate(self):
        """Return the user of this request, or None after answering 401."""
        srv = self.server
        header = self.headers.get("Authorization")
        if not header:
            if self.auth_user is not None:
                return self.auth_user
            self.challenge()
            return None
        scheme, _, token = header.strip().partition(" ")
        scheme_l = scheme.lower()
        token = token.strip()
        if scheme_l == "bearer":
            user, reason = srv.bearer_users.get(token), None
            if user is None and getattr(srv, "adfs", None) is not None:
                user, reason = srv.adfs.user_for(token)  # a token from the ADFS stand-in
            if user is None:
                with srv.stats.lock:
                    srv.stats.auth_failures += 1
                self.error(401, reason or "The bearer token is not valid.",
                           headers=(("WWW-Authenticate", 'Bearer error="invalid_token"'),))
                return None
            return user
        if scheme_l not in ("ntlm", "negotiate"):
            self.challenge("Authentication scheme %s is not supported; use NTLM, Negotiate or Bearer." % scheme)
            return None
        try:
            raw = base64.b64decode(token, validate=True)
        except (ValueError, TypeError):
            raw = b""
        if not raw:
            self.challenge("The %s token is not valid base64." % scheme)
            return None
        ntlm_type = raw[8] if raw.startswith(b"NTLMSSP\x00") and len(raw) > 8 else None
        try:
            if ntlm_type == 1 or (ntlm_type is None and raw[:1] == b"\x60"):
                # a new handshake on this connection (raw NTLM, or SPNEGO-wrapped)
                self.auth_user = None
                self.ntlm_ctx = spnego.server(protocol="ntlm" if ntlm_type == 1 else "negotiate")
                self.ntlm_scheme = scheme
                out = self.ntlm_ctx.step(raw)
                if self.ntlm_ctx.complete:
                    return self._ntlm_done(out)
                self.error(401, "Authentication in progress.",
                           headers=(("WWW-Authenticate", "%s %s" % (scheme, base64.b64encode(out or b"").decode())),))
                return None
            if self.ntlm_ctx is None:
                self.challenge("The %s token does not continue a handshake on this connection." % scheme)
                return None
            out = self.ntlm_ctx.step(raw)
            if self.ntlm_ctx.complete:
                return self._ntlm_done(out)
            self.error(401, "Authentication in progress.",
                       headers=(("WWW-Authenticate", "%s %s" % (scheme, base64.b64encode(out or b"").decode())),))
            return None
        except Exception:  # wrong password, corrupt token, ...: 401, connection kept
            self.ntlm_ctx = None
            self.auth_user = None
            with srv.stats.lock:
                srv.stats.auth_failures += 1
            self.challenge("Authentication failed: the user name or password is incorrect.")
            return None

    def _ntlm_done(self, final=None):
        """A completed NTLM or Kerberos handshake (tests/simulator/kerberos.py): map the principal to a user;
        Kerberos's last token (mutual authentication) goes back in the answer's WWW-Authenticate."""
        srv = self.server
        principal = self.ntlm_ctx.client_principal or ""
        mech = kerberos.mechanism(self.ntlm_ctx)
        self.ntlm_ctx = None
        users = getattr(srv, "kerberos_users", None)
        if mech == "kerberos" and users is not None:
            user = users.user_for(principal)
        else:
            name = principal.replace("/", "\\").split("\\")[-1].split("@")[0].lower()
            user = srv.ntlm_users.get(name)
        if user is None:
            with srv.stats.lock:
                srv.stats.auth_failures += 1
            self.challenge("User %s is not known to Certificate Management." % principal)
            return None
        self.auth_user = user
        if final:
            self.auth_reply = ("WWW-Authenticate", "%s %s" % (self.ntlm_scheme, base64.b64encode(final).decode()))
        with srv.stats.lock:
            if mech == "kerberos":
                srv.stats.kerberos_handshakes += 1
            else:
                srv.stats.ntlm_handshakes += 1
        return user

    # ------------------------------------------------------------ API
    def route(self, rel, query):
        """Return (kind, allowed_methods, handler) for an API path, or None."""
        seg = [s for s in rel.split("/")] if rel else []
        low = [s.lower() for s in seg]
        st = self.server.store
        n = len(seg)
        if n == 1 and low[0] == "smartcards":
            if self.command == "POST":
                return "card_assign", ("GET", "POST"), self._assign
            cardid = _param(query, "cardid")
            if cardid is not None:
                return "card_by_cardid", ("GET", "POST"), lambda u, b: self._one(st.card_by_cardid(u, cardid))
            return "card_list", ("GET", "POST"), lambda u, b: self._many(st.own_cards(u))
        if n == 1 and low[0] == "profiletemplates":
            return "profile_templates", ("GET",), lambda u, b: self._many(st.profile_templates(u))
        if n == 2 and low[0] == "smartcards":
            return "card_get", ("GET",), lambda u, b: self._one(st.card(u, seg[1]))
        if n == 3 and low[0] in ("smartcards", "profiles") and low[2] == "operations":
            return "card_operations", ("GET",), lambda u, b: self._one(st.operations(u, seg[1]))
        if n == 1 and low[0] == "requests":
            if self.command == "POST":
                return "request_create", ("GET", "POST"), self._create
            return "request_list", ("GET", "POST"), lambda u, b: self._many(
                st.list_requests(u, _param(query, "status"), _param(query, "targetuser")))
        if n == 2 and low[0] == "requests":
            if self.command == "PUT":
                return "request_update", ("GET", "PUT"), lambda u, b: self._one(
                    st.update_request(u, seg[1], _json(b)))
            return "request_get", ("GET", "PUT"), lambda u, b: self._one(st.request(u, seg[1]))
        if n == 4 and low[0] == "requests" and low[2] == "smartcards":
            if self.command == "PUT":
                return "request_card_put", ("GET", "PUT"), lambda u, b: self._card_put(
                    st.set_card_status(u, seg[1], seg[3], _json(b)))
            return "request_card_get", ("GET", "PUT"), lambda u, b: self._one(st.request_card(u, seg[1], seg[3]))
        return None

    def _one(self, obj):
        if obj is None:
            return 204, None
        return 200, obj

    def _many(self, objs):
        return (200, objs) if objs else (204, None)

    def _create(self, user, body):
        store = self.server.store
        rid = store.create_request(user, _json(body))
        return 201, store.dialect.created_uri(rid)

    def _assign(self, user, body):
        return 201, "api/v1.0/smartcards/%s" % self.server.store.assign_smartcard(user, _json(body))

    def _card_put(self, card):
        """The card status PUT's answer: the card, or 204 under the dialect card-put=204."""
        return (204, None) if self.server.store.dialect.card_put_204 else (200, card)

    def api(self, rel, query, body):
        srv = self.server
        if not self.counted:
            self.counted = True
            with srv.stats.lock:
                srv.stats.connections += 1
        user = self.authenticate()
        if user is None:
            self._log("auth", None)
            return
        found = None if srv.api_disabled else self.route(rel, query)
        if found is None:
            self.error(404, "No API resource matches %s." % self.path.split("?")[0])
            self._log("unknown", user)
            return
        kind, methods, handler = found
        if self.command not in methods:
            self.error(405, "The requested resource does not support http method '%s'." % self.command,
                       headers=(("Allow", ", ".join(methods)),))
            self._log(kind, user)
            return
        delay, fault = srv.faults.roll(self.command)
        if delay > 0:
            time.sleep(delay)
        if fault is not None:
            with srv.stats.lock:
                srv.stats.faults[fault] = srv.stats.faults.get(fault, 0) + 1
        if fault == "drop_before":
            self.drop()
            self._log(kind, user)
            return
        if fault == "500":
            self.error(500, "An error has occurred. Give the correlation ID to your administrator.", correlation=True)
            self._log(kind, user)
            return
        if fault == "503":
            self.error(503, "The service is unavailable.",
                       headers=(("Retry-After", str(srv.faults.values["retry_after"])),))
            self._log(kind, user)
            return
        try:
            status, obj = handler(user, body)
        except ApiError as exc:
            if exc.body is not None:  # an answer given exactly (a dialect's rule-error 500)
                self.send(exc.status, exc.body)
            else:
                self.error(exc.status, exc.message)
            self._log(kind, user)
            return
        except Exception:
            traceback.print_exc()
            self.error(500, "An error has occurred. Give the correlation ID to your administrator.", correlation=True)
            self._log(kind, user)
            return
        if fault == "drop_after":
            self.drop()
        else:
            self.send(status, obj)
        self._log(kind, user)

    def _log(self, kind, user):
        stats = self.server.stats
        status = self.status_sent
        with stats.lock:
            if kind != "auth":
                stats.requests += 1
                stats.by_kind[kind] = stats.by_kind.get(kind, 0) + 1
            stats.by_status[status] = stats.by_status.get(status, 0) + 1
            if stats.access_log_enabled:
                stats.log.append({
                    "time": time.time(), "method": self.command, "path": self.path.split("?")[0],
                    "kind": kind, "status": status, "user": user["key"] if user else None,
                    "conn": self.conn_id,
                })

    # ------------------------------------------------------------ admin
    def admin(self, rel, path, query, body):
        srv = self.server
        with srv.stats.lock:
            srv.stats.admin_requests += 1
        try:
            addr = ipaddress.ip_address(self.client_address[0])
            if getattr(addr, "ipv4_mapped", None):
                addr = addr.ipv4_mapped
            local = addr.is_loopback
        except ValueError:
            local = False
        if not local:
            self.error(403, "The admin API answers loopback clients only.")
            return
        try:
            status, obj = self.admin_route(rel.strip("/"), query, body)
        except ApiError as exc:
            self.error(exc.status, exc.message)
            return
        except Exception as exc:  # a bad parameter value, ...
            self.error(400, "Bad admin request: %s" % exc)
            return
        self.send(status, obj)

    def admin_route(self, rel, query, body):
        srv = self.server
        st = srv.store
        seg = rel.split("/") if rel else []
        m = self.command

        def need(*methods):
            if m not in methods:
                raise ApiError(405, "Method %s is not allowed on %s." % (m, self.path))

        if seg == ["journal"]:
            need("GET")
            return 200, st.journal(int(_param(query, "since") or 0))
        if seg == ["cards"]:
            need("GET")
            return 200, st.admin_cards(
                status=_param(query, "status") or None,  # a name, or an integer in the dialect's numbering
                approval_required=_opt_bool(_param(query, "approval_required")),
                restricted=_opt_bool(_param(query, "restricted")),
                limit=_opt_int(_param(query, "limit")),
                owner=_param(query, "owner"))
        if len(seg) == 2 and seg[0] == "cards":
            need("GET", "PUT")
            if m == "GET":
                card = st.admin_card(seg[1])
                if card is None:
                    raise ApiError(404, "No smart card with uuid %s." % seg[1])
                return 200, card
            obj = _json(body)
            if not isinstance(obj, dict) or "status" not in obj:
                raise ApiError(400, 'The body must be {"status": N}.')
            return 200, st.admin_set_card(seg[1], obj["status"])
        if seg == ["requests"]:
            need("GET")
            return 200, st.admin_requests(_param(query, "card"), bool(_opt_bool(_param(query, "unrelated"))))
        if seg == ["dialect"]:
            need("GET", "PUT", "POST")
            if m != "GET":
                changes = _json(body) if body else {}
                try:
                    if isinstance(changes, str):  # "key=value,key=value"
                        changes = parse_dialect(changes, base=st.dialect.map)
                    if not isinstance(changes, dict):
                        raise ValueError('the body must be a JSON object {"key": "value", ...}, {"reset": true}'
                                         ' or a string "key=value,..."')
                    srv.set_dialect(st.dialect.changed(changes))
                except ValueError as exc:
                    raise ApiError(400, "Bad dialect: %s" % exc)
            return 200, dict(st.dialect.map)
        if seg == ["numbering"]:
            need("GET")
            return 200, st.dialect.numbering()
        if len(seg) == 3 and seg[0] == "requests" and seg[2] in ("approve", "deny"):
            need("POST")
            return 200, st.admin_decide(seg[1], seg[2] == "approve")
        if seg == ["faults"]:
            need("GET", "PUT", "POST")
            if m != "GET":
                try:
                    srv.faults.update(_json(body) if body else {})
                except ValueError as exc:
                    raise ApiError(400, str(exc))
            return 200, srv.faults.snapshot()
        if seg == ["stats"]:
            need("GET")
            out = srv.stats.snapshot()
            out.update(st.counts())
            return 200, out
        if seg == ["stats", "reset"]:
            need("POST")
            log_enabled = srv.stats.access_log_enabled
            srv.stats.reset()
            srv.stats.access_log_enabled = log_enabled
            return 200, srv.stats.snapshot()
        if seg == ["access-log"]:
            need("GET")
            with srv.stats.lock:
                return 200, list(srv.stats.log)
        if seg == ["access-log", "clear"]:
            need("POST")
            with srv.stats.lock:
                n = len(srv.stats.log)
                srv.stats.log = []
            return 200, {"cleared": n}
        if seg == ["access-log", "enable"] or seg == ["access-log", "disable"]:
            need("POST")
            srv.stats.access_log_enabled = seg[1] == "enable"
            return 200, {"access_log": srv.stats.access_log_enabled}
        if seg == ["users"]:
            need("GET")
            return 200, {k: {"uuid": u["uuid"], "name": u["name"], "role": u["role"]}
                         for k, u in st.named_users().items()}
        if seg == ["templates"]:
            need("GET")
            return 200, list(st.templates().values())
        if seg == ["health"] or seg == []:
            need("GET")
            return 200, {"ok": True}
        raise ApiError(404, "No admin resource %s." % self.path.split("?")[0])


class _Headers:
    """Request headers: case-insensitive get() as on http.server's message object."""

    def __init__(self):
        self._items = []
        self._map = {}

    def add(self, name, value):
        self._items.append((name, value))
        self._map.setdefault(name.lower(), value)

    def get(self, name, default=None):
        return self._map.get(name.lower(), default)

    def __getitem__(self, name):
        return self._map.get(name.lower())

    def __contains__(self, name):
        return name.lower() in self._map

    def __len__(self):
        return len(self._items)

    def items(self):
        return list(self._items)


def _param(query, name):
    """A query parameter, name case-insensitive; None when absent."""
    if not query:
        return None
    for key, values in parse_qs(query, keep_blank_values=True).items():
        if key.lower() == name:
            return values[0]
    return None


def _json(body):
    if not body or not body.strip():
        raise ApiError(400, "The request body is empty; a JSON object is required.")
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The request body is not valid JSON: %s." % exc)


def _opt_int(v):
    return None if v in (None, "") else int(v)


def _opt_bool(v):
    if v in (None, ""):
        return None
    if v.lower() in ("1", "true", "yes"):
        return True
    if v.lower() in ("0", "false", "no"):
        return False
    raise ValueError("not a boolean: %r" % v)
