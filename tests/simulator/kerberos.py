"""Kerberos for the simulator: Negotiate with a keytab, and which realm user is which simulator user.

The acceptor is pyspnego's ``negotiate`` server (server.py starts one per handshake): with the
``gssapi`` package installed and ``KRB5_KTNAME`` naming a keytab, it accepts Kerberos (SPNEGO or raw
Kerberos tokens, e.g. from ``curl --negotiate``) for any service principal in that keytab
(``HTTP/localhost``, ``HTTP/127.0.0.1``, ...), and NTLM as before. On success its last token is
the mutual-authentication answer the server sends back in ``WWW-Authenticate: Negotiate <token>``.

A realm principal maps to a simulator user (README "Users and roles"): by ``--kerberos-user
PRINCIPAL=KEY`` (case-insensitive), else by its first component, as NTLM does
(``operator@MIMCM.TEST`` is ``operator``).
"""

import os


def configure(keytab):
    """Point the acceptor at ``keytab`` (before the first handshake); return its absolute path."""
    path = os.path.abspath(keytab)
    if not os.path.isfile(path):
        raise ValueError("--keytab %s: no such file" % keytab)
    os.environ["KRB5_KTNAME"] = "FILE:%s" % path
    return path


def parse_user_map(specs):
    """``["alice@REALM=operator", ...]`` -> ``{"alice@realm": "operator"}``."""
    mapping = {}
    for spec in specs or ():
        principal, sep, key = spec.partition("=")
        if not sep or not principal.strip() or not key.strip():
            raise ValueError("--kerberos-user %r is not PRINCIPAL=USER (e.g. svc-ansible@MIMCM.TEST=operator)" % spec)
        mapping[principal.strip().lower()] = key.strip()
    return mapping


class KerberosUsers:
    """Principal -> simulator user (a dict of ``store.named_users()``)."""

    def __init__(self, users_by_key, mapping=None):
        self.users_by_key = users_by_key
        self.mapping = dict(mapping or {})
        unknown = sorted(set(self.mapping.values()) - set(users_by_key))
        if unknown:
            raise ValueError("--kerberos-user names unknown simulator user(s) %s (known: %s)"
                             % (", ".join(unknown), ", ".join(sorted(users_by_key))))
        self.by_name = {u["name"].lower(): u for u in users_by_key.values() if "password" in u}

    def user_for(self, principal):
        principal = (principal or "").strip()
        key = self.mapping.get(principal.lower())
        if key is not None:
            return self.users_by_key[key]
        name = principal.replace("/", "\\").split("\\")[-1].split("@")[0].lower()
        return self.by_name.get(name)


def mechanism(context):
    """``"kerberos"`` or ``"ntlm"``: what a completed pyspnego context used."""
    try:
        return (context.negotiated_protocol or "").lower()
    except Exception:  # pragma: no cover - an older pyspnego
        return ""
