"""A stand-in for the ADFS token endpoint (``POST /adfs/oauth2/token``), on the simulator's own port.

OAuth 2.0 client credentials grant as ADFS answers it (evidence: ADFS error answers seen in
public client code): ``grant_type=client_credentials&client_id=..&client_secret=..&resource=..``
(form-encoded) answers 200 ``{"access_token", "token_type": "bearer", "expires_in"}``; an unknown
client 400 ``invalid_client`` (MSIS9607), a wrong secret 400 ``invalid_client`` (MSIS9622), an unknown
resource 400 ``invalid_resource`` (MSIS9602). Tokens are opaque, short-lived, kept in memory only, and
accepted by the API as ``Authorization: Bearer <token>`` until they expire (then 401 with
``WWW-Authenticate: Bearer error="invalid_token"``).

Counters (in ``GET /_admin/stats`` under ``adfs``): ``tokens_issued``, ``tokens_refused`` (bad
client, secret, resource or grant), ``bearer_accepted`` (API requests with an issued token),
``bearer_expired`` (API requests with an expired one).
"""

import secrets
import threading
import time
from urllib.parse import parse_qs

TOKEN_PATH = "/adfs/oauth2/token"


def parse_clients(specs):
    """``["ansible", "svc=reader"]`` -> ``{"ansible": "bearer", "svc": "reader"}`` (client id -> users key)."""
    clients = {}
    for spec in specs or ():
        client_id, _, key = spec.partition("=")
        if not client_id.strip():
            raise ValueError("--adfs-client %r is not CLIENT_ID[=USER]" % spec)
        clients[client_id.strip()] = key.strip() or "bearer"
    return clients


class AdfsIssuer:
    """Registered clients (id -> secret and simulator user), the resource, issued tokens."""

    def __init__(self, clients, users_by_key, resource, stats, lifetime=3600.0, advertised_lifetime=None,
                 clock=time.time):
        unknown = sorted(set(clients.values()) - set(users_by_key))
        if unknown:
            raise ValueError("--adfs-client names unknown simulator user(s) %s" % ", ".join(unknown))
        self.clients = {cid: {"secret": secrets.token_urlsafe(24), "user": key} for cid, key in clients.items()}
        self.users_by_key = users_by_key
        self.resource = resource
        self.lifetime = float(lifetime)
        self.advertised = float(advertised_lifetime if advertised_lifetime is not None else lifetime)
        self.stats = stats
        self.clock = clock
        self.lock = threading.Lock()
        self.tokens = {}  # token -> (users key, expires at)
        with stats.lock:
            stats.adfs = {"tokens_issued": 0, "tokens_refused": 0, "bearer_accepted": 0, "bearer_expired": 0}

    def info(self, url):
        """What simulator.json says about ADFS (the client secrets: the file is mode 0600)."""
        return {"adfs_url": url, "token_url": url + TOKEN_PATH, "resource": self.resource,
                "token_lifetime": self.lifetime, "advertised_lifetime": self.advertised,
                "clients": {cid: dict(c) for cid, c in self.clients.items()}}

    def _count(self, name):
        with self.stats.lock:
            counters = getattr(self.stats, "adfs", None)
            if counters is None:
                counters = self.stats.adfs = {}
            counters[name] = counters.get(name, 0) + 1

    def _refuse(self, error, description, status=400):
        self._count("tokens_refused")
        return status, {"error": error, "error_description": description}

    def token_endpoint(self, method, body):
        """(status, JSON object) for a request to TOKEN_PATH."""
        if method != "POST":
            return self._refuse("invalid_request", "MSIS9900: The request method is not supported; use POST.", 405)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        grant = form.get("grant_type", "")
        if grant != "client_credentials":
            return self._refuse("unsupported_grant_type",
                                "The grant type %r is not supported by this stand-in; use client_credentials." % grant)
        client = self.clients.get(form.get("client_id", ""))
        if client is None:
            return self._refuse("invalid_client", "MSIS9607: The 'client_id' parameter in the request is invalid. "
                                "No registered client is found with this identifier.")
        if not secrets.compare_digest(form.get("client_secret", ""), client["secret"]):
            return self._refuse("invalid_client", "MSIS9622: Client authentication failed. Please verify the "
                                "credential provided for client authentication is valid.")
        if _norm(form.get("resource", "")) != _norm(self.resource):
            return self._refuse("invalid_resource", "MSIS9602: The received 'resource' parameter is invalid. The "
                                "authorization server can not find a registered resource with the specified identifier.")
        token = secrets.token_urlsafe(32)
        with self.lock:
            now = self.clock()
            self.tokens = {t: v for t, v in self.tokens.items() if v[1] > now}  # forget expired ones
            self.tokens[token] = (client["user"], now + self.lifetime)
        self._count("tokens_issued")
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": int(self.advertised)}

    def user_for(self, token):
        """(user, None) for a valid token; (None, reason) otherwise (reason None: not one of ours)."""
        with self.lock:
            found = self.tokens.get(token)
        if found is None:
            return None, None
        key, expires = found
        if self.clock() >= expires:
            self._count("bearer_expired")
            return None, "The access token has expired."
        self._count("bearer_accepted")
        return self.users_by_key[key], None


def _norm(resource):
    return resource.strip().rstrip("/").lower()
