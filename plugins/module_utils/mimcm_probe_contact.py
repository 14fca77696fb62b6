# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first steps of the probe (mimcm_server_info): reach the server, TLS, the authentication schemes it
offers, the login and who the server sees, and whether the API is enabled at all.

Each step runs only when the one before got through. A failure is a finding (a note with what was seen and
what to do), not an exception: a support engineer needs the report most when nothing works. After a failed
login nothing more is sent (repeated failed logins can lock the account); after a failed TLS verification
no credentials are sent at all.
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe_calls import anonymous_get, ca_setting

# The authentication schemes each auth method needs the server to offer, and the method for a scheme.
NEEDS = {'ntlm': ('NTLM', 'Negotiate'), 'kerberos': ('Negotiate',), 'bearer': ('Bearer',), 'adfs': ('Bearer',)}
METHOD_FOR = (('Negotiate', 'kerberos'), ('NTLM', 'ntlm'), ('Bearer', 'bearer'))
LEVELS = ('problem', 'warning', 'info')


class Contact(object):
    """``reach()``, ``login()``, ``api_enabled()``: each True when the probe may go on. The findings are in
    ``server``, ``tls``, ``auth``, ``api`` and ``notes`` ({'level', 'msg'}); ``blocked`` says why it stopped."""

    def __init__(self, client):
        self.client = client
        self.config = config = client.config
        self.server = {'url': config.server, 'api_url': config.base_url, 'reachable': False,
                       'http_status_without_credentials': None, 'redirect': None}
        self.tls = {'scheme': config.scheme, 'verified': None, 'ca_setting': ca_setting(client), 'error': None}
        self.auth = {'method': config.auth, 'username': config.username, 'offered': [], 'login': 'not tried',
                     'error': None, 'caller_uuid': None, 'caller_source': None}
        self.api = {'enabled': None, 'not_found_paths': []}
        self.notes = []
        self.blocked = None
        self.own_cards = None
        self.anonymous_calls = 0

    def note(self, level, msg):
        self.notes.append({'level': level, 'msg': msg})

    def caller(self, uuid, source):
        """Who the server sees, from the first source that tells."""
        if uuid and not self.auth['caller_uuid']:
            self.auth.update(caller_uuid=uuid, caller_source=source)

    # ---------------------------------------------------------------- without credentials

    def _anonymous(self, verify=None):
        self.anonymous_calls += 1
        return anonymous_get(self.client, self.client.url('smartcards'), verify=verify)

    def reach(self):
        first = self._anonymous()
        server, setting = self.config.server, self.tls['ca_setting']
        if first['tls_error']:
            self.tls.update(verified=False, error=first['tls_error'])
            self.blocked = 'TLS verification failed'
            msg = ('TLS verification of %s failed with %s (%s). Pass ca_path: the PEM file of the CA that signed the '
                   'CM server certificate (MIMCM_CA_PATH); no credentials were sent' % (server, setting, first['tls_error']))
            self.note('problem', msg)
            second = self._anonymous(verify=False)  # no credentials: only whether the server is there
            if second['http_status'] is not None:
                self.server['reachable'] = True
                self._answered(second)
                msg = ('Without verification the server answers HTTP %s: it is there, only its certificate is not '
                       'trusted' % second['http_status'])
                self.note('info', msg)
            return False
        if first['error']:
            self.blocked = 'the server was not reached'
            msg = ('%s is not reachable (%s): check url, DNS, the firewall and any proxy (HTTPS_PROXY, NO_PROXY)'
                   % (server, first['error']))
            self.note('problem', msg)
            return False
        self.server['reachable'] = True
        if self.config.scheme == 'https' and self.config.validate_certs:
            self.tls['verified'] = True
        elif self.config.scheme == 'https':
            msg = 'TLS is not verified (validate_certs=false): pass ca_path instead'
            self.note('warning', msg)
        msg = 'Reached %s (API base %s); TLS: %s' % (server, self.config.base_url, setting)
        self.note('info', msg)
        self._answered(first)
        return True

    def _answered(self, answer):
        code, offered = answer['http_status'], answer['schemes']
        self.server['http_status_without_credentials'] = code
        self.auth['offered'] = offered
        if 300 <= code < 400:
            self.server['redirect'] = answer['location']
            msg = ('Without credentials the server redirects (HTTP %s to %s): an interactive (ADFS) login page? Use '
                   'auth=adfs or auth=bearer' % (code, answer['location']))
            self.note('warning', msg)
        elif code in (200, 204):
            msg = 'The API answered HTTP %s without credentials: anonymous access is open (expected 401)' % code
            self.note('warning', msg)
        needs = NEEDS.get(self.config.auth)
        if code == 401 and offered and needs and not set(needs) & set(offered):
            use = [method for scheme, method in METHOD_FOR if scheme in offered]
            msg = 'auth=%s needs the server to offer %s, but it offers %s: use auth=%s' % (
                self.config.auth, ' or '.join(needs), ', '.join(offered), use[0] if use else 'none')
            self.note('warning', msg)

    # ---------------------------------------------------------------- with credentials

    def login(self):
        """``GET /smartcards`` (the caller's own cards): the login, and who the server sees."""
        try:
            self.own_cards = self.client.my_cards()
        except errors.AuthFailed as exc:
            self.auth.update(login='failed', error=str(exc))
            self.blocked = 'the login failed'
            msg = ('The login failed: %s. The server offers %s; the probe stopped there (repeated failed logins can '
                   'lock the account)' % (exc, ', '.join(self.auth['offered']) or 'no scheme'))
            self.note('problem', msg)
            return False
        except (errors.ConnectionFailed, errors.Timeout, errors.TLSError) as exc:
            self.auth.update(login='unknown', error=str(exc))
            self.blocked = 'the connection failed after the first answer'
            self.note('problem', str(exc))
            return False
        except (errors.InvalidInput, errors.MissingDependency):
            raise
        except errors.MimCmError as exc:
            # 403, 404, 500: the login went through (IIS authenticates before the API answers)
            self.auth.update(login='worked', error=str(exc))
            if exc.http_status == 404:
                self.api['not_found_paths'].append('/smartcards')
            else:
                self.note('warning', str(exc))
            return True
        self.auth['login'] = 'worked'
        owners = set(normalize_guid(c.get('AssignedUserUuid')) for c in self.own_cards) - set([None])
        if len(owners) == 1:
            self.caller(owners.pop(), "AssignedUserUuid of the caller's own cards")
        return True

    def api_enabled(self):
        """After a 404 for ``/smartcards``: two more paths; 404 on all of them means the API is not enabled."""
        if not self.api['not_found_paths']:
            self.api['enabled'] = True
            return True
        client = self.client
        checks = (('/profiletemplates', client.list_profile_templates),
                  ('/requests?status=Pending&targetuser=current',
                   lambda: client.list_requests('Pending', target_current=True, keep=lambda item: False)))
        for path, call in checks:
            try:
                call()
            except errors.MimCmError as exc:
                if exc.http_status == 404:
                    self.api['not_found_paths'].append(path)
                    continue
            self.api['enabled'] = True
            return True
        self.api['enabled'] = False
        self.blocked = 'the API answered HTTP 404 everywhere'
        msg = ('Every API path answered HTTP 404: the CM REST API is not enabled. Set Clm.WebApi.Enabled to true in '
               'the <ClmConfiguration> section of the CM web.config (false after installation) and run iisreset on '
               'the CM server; if it is enabled, check url and api_path (%s)' % self.config.api_path)
        self.note('problem', msg)
        return False

    def login_note(self):
        if self.auth['login'] != 'worked':
            return
        caller = self.auth['caller_uuid']
        msg = 'Logged in as %s (auth=%s); the server sees the caller as %s' % (
            self.config.username or '(no user name)', self.config.auth,
            '%s (%s)' % (caller, self.auth['caller_source']) if caller else
            'a user it does not name (cannot tell: no own card, no request involving the caller)')
        self.note('info', msg)

    def sorted_notes(self):
        return sorted(self.notes, key=lambda note: LEVELS.index(note['level']))
