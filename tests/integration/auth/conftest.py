"""Fixtures for the Kerberos and ADFS end-to-end tests (issue 14).

``kerberos_realm``: one throwaway MIT realm per test session (tests/kerberos_realm.py) with the users
operator, reader, jdoe, svc-ansible (mapped to the operator) and stranger (unknown to the simulator),
and the HTTP/localhost and HTTP/127.0.0.1 keys in a keytab. Where the machine lacks the KDC or the
Python Kerberos packages, test_kerberos.py is skipped as a whole with one line naming them
(`make kerberos-bootstrap` installs them); with CI set each of its tests fails instead.
``krb_sim``: a simulator that accepts Kerberos from that keytab (and NTLM), one per test module.
"""

import secrets

import pytest

from mimcm_auth_helpers import require_kerberos
from tests.kerberos_realm import KerberosRealm, KerberosUnavailable
from tests.simulator.control import Simulator

USERS = ("operator", "reader", "jdoe", "svc-ansible", "stranger")


@pytest.fixture(scope="session")
def kerberos_realm(tmp_path_factory):
    require_kerberos()
    realm = KerberosRealm(tmp_path_factory.mktemp("realm"), {u: secrets.token_urlsafe(12) for u in USERS})
    try:
        realm.start()
    except KerberosUnavailable as exc:  # pragma: no cover - kerberos_unavailable() said yes
        pytest.skip(str(exc))
    yield realm
    realm.stop()


@pytest.fixture(scope="module")
def krb_sim(kerberos_realm, tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp("krb-sim"), cards=200, seed=42, env=kerberos_realm.env(),
                    keytab=str(kerberos_realm.keytab), kerberos_user=["svc-ansible@%s=operator" % kerberos_realm.realm])
    sim.start()
    yield sim
    sim.stop()
