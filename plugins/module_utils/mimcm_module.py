# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module base: AnsibleModule with the connection and server numbering options, a client, typed errors -> fail_json."""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mim.cm.plugins.module_utils import mimcm_auth, mimcm_client, mimcm_requests_lib
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import (
    ConnectionConfig,
    connection_argument_spec,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError, redact
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import RequestStatusBook
from ansible_collections.mim.cm.plugins.module_utils.mimcm_server_options import ServerNumbering, server_argument_spec


class MimCmModule(object):
    """Compose AnsibleModule + ConnectionConfig + MimCmClient. Modules stay thin."""

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(server_argument_spec())
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self._client = None
        if not mimcm_requests_lib.HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=mimcm_requests_lib.REQUESTS_IMP_ERR)
        if self.params.get('auth') == 'ntlm' and not mimcm_auth.HAS_REQUESTS_NTLM:
            self.module.fail_json(msg=missing_required_lib('requests-ntlm'),
                                  exception=mimcm_auth.REQUESTS_NTLM_IMP_ERR)
        if self.params.get('auth') == 'kerberos' and not mimcm_auth.HAS_REQUESTS_GSSAPI:
            self.module.fail_json(msg=missing_required_lib('requests-gssapi', reason='for auth=kerberos'),
                                  exception=mimcm_auth.REQUESTS_GSSAPI_IMP_ERR)
        try:
            self.config = ConnectionConfig.from_params(self.params)
            self.numbering = ServerNumbering.from_params(self.params)
        except MimCmError as exc:
            self.fail(exc)
        self.numbering.apply()
        for warning in self.config.warnings:
            self.module.warn(warning)

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return self.module._diff

    @property
    def client(self):
        if self._client is None:
            try:
                self._client = mimcm_client.MimCmClient(self.config, statuses=RequestStatusBook(self.numbering.request))
            except MimCmError as exc:
                self.fail(exc)
        return self._client

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None

    def redact(self, text):
        return redact(text, self.config.secrets if getattr(self, 'config', None) else ())

    def fail(self, exc, **result):
        """One clear message for a typed error (the client made it secret-free already)."""
        self.close()
        error = exc.to_dict() if isinstance(exc, MimCmError) else {'kind': 'error', 'msg': str(exc)}
        error['msg'] = self.redact(error['msg'])
        result.setdefault('changed', False)
        self.module.fail_json(msg=error['msg'], error=error, **result)

    def exit(self, **result):
        self.close()
        self.module.exit_json(**result)
