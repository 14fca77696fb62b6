"""The in-process fake API (mimcm_fakes.FakeCM) grown to what the first-contact probe looks at: authentication
(401 with WWW-Authenticate without credentials), an API that is not enabled (404 everywhere), TLS and network
failures, GET /profiletemplates, request listings with originator and target (targetuser=current, every user's
requests), and the alternative numberings and operations words a real server may use.

The client's sessions authenticate with ``Authorization: Fake <token>`` (``fake_login``); the probe's request
without credentials sends none.
"""

import requests

from ansible_collections.mim.cm.plugins.module_utils.mimcm_transport import Transport

from mimcm_fakes import API, OPS, STATUS, FakeCM, guid

SQL = {'None': 0, 'Approved': 3, 'Denied': 4, 'Completed': 8, 'Failed': 9, 'Pending': 16, 'Canceled': 17,
       'Executing': 18}
SEQUENTIAL = {'None': 0, 'Pending': 1, 'Denied': 2, 'Approved': 3, 'Executing': 4, 'Failed': 5, 'Canceled': 6,
              'Completed': 8}
SHIFTED = dict(STATUS, Disabled=4, Suspended=5)
SD = 'O:S-1-5-21-1D:(A;;RC;;;WD)' + '\x00' * 4
TEMPLATES = [{'Name': 'Smart Card Logon', 'Description': 'Logon', 'Uuid': 'A039B4D0-5CE8-4EFF-8651-181C6576FDA3',
              'IsSmartcardProfileTemplate': True}]


def fake_login(monkeypatch, token='ok'):
    """Every session of the client sends ``Authorization: Fake <token>`` (patch before make_client)."""
    original = Transport._session

    def session(self):
        s = original(self)
        s.headers['Authorization'] = 'Fake ' + token
        return s
    monkeypatch.setattr(Transport, '_session', session)


class ProbeCM(FakeCM):
    def __init__(self, request_numbering=None, card_numbering=None, revoke_word='revoke', list_all=False):
        super(ProbeCM, self).__init__()
        self.me = guid()
        self.request_numbering = request_numbering or SQL
        self.card_numbering = card_numbering or STATUS
        self.revoke_word = revoke_word
        self.list_all = list_all
        self.listed = []
        self.offered = {'WWW-Authenticate': 'NTLM, Negotiate'}
        self.anonymous_status = 401
        self.api_disabled = False
        self.bad_cert = False
        self.unreachable = False
        self.case_sensitive = False
        self.absent_card_404 = False
        self.ignore_status_filter = False

    # ---------------------------------------------------------------- data

    def add_named_card(self, name, mine=False):
        uid = self.add_card(status=name)
        card = self.cards[uid]
        card['Status'] = self.card_numbering[name]
        card['_name'] = name
        if mine:
            card['Comment'] = 'mine'
            card['AssignedUserUuid'] = self.me
        return uid

    def add_listed(self, status, originator=None, target=None, rtype=10, card=None):
        self.listed.append({'Uuid': guid().upper(), 'RequestType': rtype, '_name': status,
                            'OriginatorUserUuid': originator or self.me, 'TargetUserUuid': target or guid(),
                            'OldSmartcardUuid': card or guid(), 'SecurityDescriptor': SD,
                            'Submitted': '2026-01-01T00:00:00Z'})

    # ---------------------------------------------------------------- transport

    def handle(self, request, verify):
        if self.unreachable:
            raise requests.exceptions.ConnectionError('Connection refused')
        if self.bad_cert and verify is not False:
            raise requests.exceptions.SSLError('certificate verify failed: unable to get local issuer certificate')
        auth = request.headers.get('Authorization')
        if auth != 'Fake ok':
            with self.lock:
                self.calls.append((request.method, request.path_url, {}, None))
            if auth is None and self.anonymous_status != 401:
                return self.response(request, self.anonymous_status, [] if self.anonymous_status == 200 else None)
            return self.response(request, 401, {'Message': 'Authorization has been denied for this request.'},
                                 dict(self.offered))
        if self.api_disabled:
            with self.lock:
                self.calls.append((request.method, request.path_url, {}, None))
            return self.response(request, 404, {'Message': 'not found'})
        return super(ProbeCM, self).handle(request, verify)

    def api(self, request, path, query, body):
        if self.case_sensitive and not path.startswith(API):
            return 404, {'Message': 'no resource'}, {}
        seg = [s for s in path[len(API):].split('/') if s]
        low = [s.lower() for s in seg]
        if low == ['profiletemplates']:
            return 200, TEMPLATES, {}
        if low == ['requests'] and request.method == 'GET':
            return self._listing(query)
        if len(seg) == 2 and low[0] == 'smartcards' and seg[1] == '00000000-0000-4000-8000-0000000c0de0' \
                and self.absent_card_404:
            return 404, {'Message': 'no card'}, {}
        if len(seg) == 3 and low[2] == 'operations' and self._card(seg[1]) is not None:
            card = self._card(seg[1])
            words = list(OPS[STATUS[card.get('_name') or 'Active']])
            if self.revoke_word == 'disable':
                words = ['disable' if w == 'revoke' else w for w in words if w != 'reinstate']
            return 200, words, {}
        return super(ProbeCM, self).api(request, path, query, body)

    def _listing(self, query):
        want = query.get('status')
        found = []
        for item in self.listed:
            if not self.ignore_status_filter and item['_name'] != want:
                continue
            if query.get('targetuser') == 'current':
                if item['TargetUserUuid'] != self.me:
                    continue
            elif not self.list_all and self.me not in (item['OriginatorUserUuid'], item['TargetUserUuid']):
                continue
            out = dict((k, v) for k, v in item.items() if k != '_name')
            out['Status'] = self.request_numbering[item['_name']]
            found.append(out)
        return (200, found, {}) if found else (204, None, {})


def populated(cm):
    """A server with the caller's own Active card, a Suspended, a Disabled and an Active sample card, and requests
    of several statuses (two by other users)."""
    cm.add_named_card('Active', mine=True)
    samples = [cm.add_named_card(name) for name in ('Suspended', 'Disabled', 'Active')]
    for status in ('Pending', 'Approved', 'Executing', 'Completed', 'Denied', 'Canceled'):
        cm.add_listed(status)
    cm.add_listed('Pending', target=cm.me, originator=guid())
    cm.add_listed('Failed', originator=guid(), target=guid())
    cm.add_listed('Completed', originator=guid(), target=guid())
    return samples
