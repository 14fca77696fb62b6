"""The AWX credential type (extensions/awx/mimcm_credential_type.yml) injects every connection
environment variable the modules read, and nothing else."""

import re
from pathlib import Path

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE = ROOT / "extensions" / "awx" / "mimcm_credential_type.yml"
FRAGMENT = ROOT / "plugins" / "doc_fragments" / "connection.py"
CONNECTION = ROOT / "plugins" / "module_utils" / "mimcm_connection.py"
SECRETS = {"password", "token", "client_secret", "kerberos_keytab"}


@pytest.fixture(scope="module")
def credential_type():
    return yaml.safe_load(CREDENTIAL_TYPE.read_text())


def fragment_env_vars():
    """Every E(MIMCM_...) the connection doc fragment names."""
    return set(re.findall(r"E\((MIMCM_[A-Z_]+)\)", FRAGMENT.read_text()))


def test_fragment_names_variables():
    assert len(fragment_env_vars()) >= 7


def test_injectors_cover_every_documented_variable(credential_type):
    injected = set(credential_type["injectors"]["env"])
    missing = fragment_env_vars() - injected
    assert not missing, "the credential type does not inject %s" % sorted(missing)


def test_injects_only_documented_variables(credential_type):
    extra = set(credential_type["injectors"]["env"]) - fragment_env_vars()
    assert not extra, "injected but not read by the modules: %s" % sorted(extra)


def test_injectors_cover_every_variable_the_code_reads(credential_type):
    """The argument spec's fallbacks (mimcm_connection.ENV_VARS) are what the modules really read."""
    in_code = set(re.findall(r"'(MIMCM_[A-Z_]+)'", CONNECTION.read_text()))
    assert in_code, "no MIMCM_* variable found in mimcm_connection.py"
    assert in_code <= set(credential_type["injectors"]["env"])


def test_awx_shape(credential_type):
    assert credential_type["kind"] in ("cloud", "net")
    fields = credential_type["inputs"]["fields"]
    ids = [f["id"] for f in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert re.match(r"^[a-z][a-z0-9_]*$", field["id"])
        assert field["type"] in ("string", "boolean")
        assert field.get("label")
        if "choices" in field:
            assert field["type"] == "string" and field.get("default") in field["choices"]
    assert set(credential_type["inputs"]["required"]) <= set(ids)
    for name in SECRETS:
        assert next(f for f in fields if f["id"] == name).get("secret") is True
    # every template refers to defined inputs (or AWX's tower.filename) only
    names = set(ids) | {"tower"}
    templates = list(credential_type["injectors"]["env"].values()) + list(credential_type["injectors"]["file"].values())
    env = SandboxedEnvironment()
    from jinja2 import meta
    for template in templates:
        assert meta.find_undeclared_variables(env.parse(template)) <= names, template


def render(credential_type, inputs):
    """What AWX does: write the file injectors, then render the env injectors (missing input -> '')."""
    env = SandboxedEnvironment()
    namespace = {}
    for field in credential_type["inputs"]["fields"]:
        if field["id"] in inputs:
            namespace[field["id"]] = inputs[field["id"]]
        elif field["type"] == "boolean":
            namespace[field["id"]] = field.get("default", False)
    files = {}
    for key, template in credential_type["injectors"].get("file", {}).items():
        files[key.split(".", 1)[1]] = env.from_string(template).render(**namespace)
    namespace["tower"] = {"filename": {name: "/tmp/awx_cred/%s" % name for name in files}}
    return {var: env.from_string(t).render(**namespace) for var, t in credential_type["injectors"]["env"].items()}, files


def test_ntlm_with_ca(credential_type):
    env, files = render(credential_type, {"url": "https://cm.contoso.com", "auth": "ntlm", "username": "CONTOSO\\svc",
                                          "password": "s3cret", "ca_pem": "-----BEGIN CERTIFICATE-----\n..."})
    assert env["MIMCM_URL"] == "https://cm.contoso.com"
    assert env["MIMCM_USERNAME"] == "CONTOSO\\svc"
    assert env["MIMCM_PASSWORD"] == "s3cret"
    assert env["MIMCM_CA_PATH"] == "/tmp/awx_cred/ca"
    assert files["ca"].startswith("-----BEGIN CERTIFICATE-----")
    assert env["MIMCM_VALIDATE_CERTS"] == "True"
    assert env["MIMCM_TOKEN"] == ""


def test_no_ca_means_no_ca_path(credential_type):
    env, dummy = render(credential_type, {"url": "https://cm.contoso.com", "auth": "bearer", "token": "t0k"})
    assert env["MIMCM_CA_PATH"] == ""
    assert env["MIMCM_TOKEN"] == "t0k"
    assert env["MIMCM_ALLOW_INSECURE_HTTP"] == "False"


def test_docs_page_lists_every_variable(credential_type):
    page = (ROOT / "docs" / "awx.md").read_text()
    for var in credential_type["injectors"]["env"]:
        assert var in page, var


def connection_from_env(monkeypatch, env):
    """The connection options as a module would see them with only `env` set (AWX-injected)."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import (
        ConnectionConfig, connection_argument_spec)
    for var in list(__import__("os").environ):
        if var.startswith("MIMCM_"):
            monkeypatch.delenv(var)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert not result.error_messages, result.error_messages
    return ConnectionConfig.from_params(result.validated_parameters)


def test_ntlm_credential_works_with_the_modules(credential_type, monkeypatch, tmp_path):
    env, dummy = render(credential_type, {"url": "https://cm.contoso.com", "auth": "ntlm", "username": "CONTOSO\\svc",
                                          "password": "s3cret", "api_path": "/CertificateManagement/api/v1.0",
                                          "timeout": "30", "retries": "3"})
    config = connection_from_env(monkeypatch, env)
    assert config.username == "CONTOSO\\svc" and config.password == "s3cret"
    assert config.verify is True


# AWX sets every variable of the type, an empty field as "": the modules treat an empty MIMCM_*
# variable as unset (mimcm_connection.env_fallback).


def test_bearer_credential_works_with_the_modules(credential_type, monkeypatch):
    env, dummy = render(credential_type, {"url": "https://cm.contoso.com", "auth": "bearer", "token": "t0k",
                                          "api_path": "/CertificateManagement/api/v1.0", "timeout": "30", "retries": "3"})
    config = connection_from_env(monkeypatch, env)
    assert config.token == "t0k" and not config.username


def test_kerberos_ticket_cache_credential_works_with_the_modules(credential_type, monkeypatch):
    env, dummy = render(credential_type, {"url": "https://cm.contoso.com", "auth": "kerberos",
                                          "api_path": "/CertificateManagement/api/v1.0", "timeout": "30", "retries": "3"})
    config = connection_from_env(monkeypatch, env)
    assert not config.username and not config.password


def test_cleared_optional_fields_fall_back_to_defaults(credential_type, monkeypatch):
    env, dummy = render(credential_type, {"url": "https://cm.contoso.com", "auth": "ntlm", "username": "CONTOSO\\svc",
                                          "password": "s3cret"})  # api_path, timeout, retries cleared
    config = connection_from_env(monkeypatch, env)
    assert config.timeout == 30 and config.retries == 3


def test_adfs_credential_works_with_the_modules(credential_type, monkeypatch):
    env, dummy = render(credential_type, {"url": "https://cm.contoso.com", "auth": "adfs",
                                          "adfs_url": "https://adfs.contoso.com", "client_id": "mimcm-ansible",
                                          "client_secret": "cl13nt", "api_path": "/CertificateManagement/api/v1.0",
                                          "timeout": "30", "retries": "3", "mutual_authentication": "optional"})
    assert env["MIMCM_CLIENT_SECRET"] == "cl13nt" and env["MIMCM_RESOURCE"] == ""
    config = connection_from_env(monkeypatch, env)
    assert config.auth == "adfs" and config.client_id == "mimcm-ansible"
    assert config.adfs_token_url == "https://adfs.contoso.com/adfs/oauth2/token"
    assert config.resource == "https://cm.contoso.com/certificatemanagement"
    assert "cl13nt" in config.secrets


def test_kerberos_keytab_credential_is_a_private_file(credential_type, monkeypatch, tmp_path):
    keytab_b64 = "BQIAAAA="  # a base64 keytab as pasted into the secret field
    env, files = render(credential_type, {"url": "https://cm.contoso.com", "auth": "kerberos",
                                          "username": "svc-ansible@CONTOSO.COM", "kerberos_keytab": keytab_b64,
                                          "kerberos_service_host": "cmweb01.contoso.com",
                                          "mutual_authentication": "required"})
    assert files["keytab"] == keytab_b64 and env["MIMCM_KERBEROS_KEYTAB"] == "/tmp/awx_cred/keytab"
    assert env["MIMCM_PASSWORD"] == ""
    written = tmp_path / "keytab"
    written.write_text(files["keytab"])
    env["MIMCM_KERBEROS_KEYTAB"] = str(written)
    config = connection_from_env(monkeypatch, env)
    assert config.kerberos_keytab == str(written) and config.username == "svc-ansible@CONTOSO.COM"
    assert config.kerberos_service_host == "cmweb01.contoso.com" and config.mutual_authentication == "required"


def test_no_keytab_means_no_keytab_path(credential_type):
    env, files = render(credential_type, {"url": "https://cm.contoso.com", "auth": "kerberos",
                                          "username": "svc@CONTOSO.COM", "password": "pw"})
    assert env["MIMCM_KERBEROS_KEYTAB"] == "" and env["MIMCM_CLIENT_SECRET"] == ""
