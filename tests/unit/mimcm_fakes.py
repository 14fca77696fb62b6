"""An in-process fake of the MIM CM REST API for unit tests (no network, no sockets).

A ``requests`` transport adapter answers from an in-memory model; scripted faults make a call
fail before or after the fake server acted on it. Integration tests use the real simulator.
"""

import json
import re
import threading
import uuid as uuidlib
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible_collections.mim.cm.plugins.module_utils.mimcm_client import MimCmClient
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig

API = '/CertificateManagement/api/v1.0'
STATUS = {'None': 0, 'New': 1, 'Assigned': 2, 'Active': 3, 'Suspended': 4, 'Disabled': 5, 'Retired': 6}
# RequestStatus as the FIM CM SQL API numbers it (docs/enumerations.md); Abandoned's integer is not documented
RSTATUS = {'Pending': 16, 'Denied': 4, 'Approved': 3, 'Executing': 18, 'Failed': 9, 'Canceled': 17,
           'Abandoned': 20, 'Completed': 8}
RTYPE = {'Reinstate': 9, 'Retire': 10, 'Revoke': 11, 'TemporaryCards': 12}
NEEDS = {'Retired': 'Retire', 'Disabled': 'Revoke', 'Active': 'Reinstate', 'Suspended': 'TemporaryCards'}
OPS = {1: ['retire', 'revoke'], 2: ['retire', 'revoke'],
       3: ['onlineupdate', 'renew', 'recover', 'retire', 'revoke', 'unblock'],
       4: ['reinstate', 'retire', 'revoke'], 5: ['retire'], 6: [], 0: []}
SECRET = 'S3cr3t-Pa55!'
TOKEN = 'tok-0123456789abcdef'


def guid():
    return str(uuidlib.uuid4())


class Fault(object):
    """Make the next matching call fail. ``kind``: 'drop_before' | 'drop_after' | 'timeout_after' | 'chunked_after' |
    'connect_timeout' | 'connect_refused' | 'ssl' | an HTTP status int (answered without acting)."""

    def __init__(self, method, path_re, kind, times=1, headers=None, body=None):
        self.method = method
        self.path_re = re.compile(path_re, re.I)
        self.kind = kind
        self.times = times
        self.headers = headers or {}
        self.body = body


class FakeCM(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.cards = {}
        self.requests = {}
        self.approval = set()
        self.restricted = set()
        self.calls = []          # (method, path, query, body)
        self.verify_seen = []
        self.faults = []
        self.journal = []
        self.put_card_answer = 200  # or 204: a server that answers the card status PUT with no body
        self.role = 'operator'
        self.caller_uuid = None  # the caller's user uuid (targetuser=current)

    # ---------------------------------------------------------------- data
    def add_card(self, status='Active', approval=False, restricted=False, serial=None):
        uid = guid()
        self.cards[uid] = {
            'Uuid': uid.upper() if len(self.cards) % 2 else uid, 'Status': STATUS.get(status, status), 'Flags': 1,
            'ParentSmartcardUuid': '00000000-0000-0000-0000-000000000000',
            'PrimarySmartcardUuid': '00000000-0000-0000-0000-000000000000',
            'PermanentSmartcardUuid': '00000000-0000-0000-0000-000000000000',
            'AssignedUserUuid': guid(), 'ProfileTemplateUuid': guid(), 'ProfileTemplateVersion': 4,
            'Comment': '', 'SerialNumber': '{%s}' % (serial or guid()).upper(), 'Middleware': 'MSBaseCSP',
            'Atr': '3b8d01'}
        if approval:
            self.approval.add(uid)
        if restricted:
            self.restricted.add(uid)
        return uid

    def add_request(self, card, rtype='Retire', status='Approved', comment='', **users):
        """``users``: originator / target (user uuids), stored as OriginatorUserUuid / TargetUserUuid."""
        rid = guid()
        self.requests[rid] = {'Uuid': rid, 'RequestType': RTYPE[rtype], 'Status': RSTATUS[status],
                              'OldSmartcardUuid': card, 'Comment': comment,
                              'Submitted': '2026-01-01T00:00:%02d' % len(self.requests),
                              'Completed': '0001-01-01T00:00:00'}
        for key, field in (('originator', 'OriginatorUserUuid'), ('target', 'TargetUserUuid')):
            if users.get(key):
                self.requests[rid][field] = users[key]
        return rid

    def writes(self):
        return [c for c in self.calls if c[0] in ('POST', 'PUT')]

    def count(self, method, pattern=''):
        return len([c for c in self.calls if c[0] == method and re.search(pattern, c[1], re.I)])

    # ---------------------------------------------------------------- transport
    def handle(self, request, verify):
        parts = urlsplit(request.url)
        path = unquote(parts.path)
        query = dict((k, v[0]) for k, v in parse_qs(parts.query).items())
        body = json.loads(request.body) if request.body else None
        with self.lock:
            self.calls.append((request.method, path, query, body))
            self.verify_seen.append(verify)
            fault = None
            for f in self.faults:
                if f.times and f.method == request.method and f.path_re.search(path):
                    f.times -= 1
                    fault = f
                    break
        if fault is not None:
            if fault.kind == 'drop_before':
                raise requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')
            if fault.kind == 'connect_refused':  # nothing sent: the server is not there
                raise requests.exceptions.ConnectionError('NewConnectionError: [Errno 111] Connection refused')
            if fault.kind == 'connect_timeout':
                raise requests.exceptions.ConnectTimeout('connect timed out')
            if fault.kind == 'ssl':
                raise requests.exceptions.SSLError('certificate verify failed: self-signed certificate')
            if isinstance(fault.kind, int):
                return self.response(request, fault.kind, fault.body, fault.headers)
        with self.lock:
            status, obj, headers = self.api(request, path, query, body)
        if fault is not None and fault.kind == 'drop_after':
            raise requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected (Authorization: NTLM %s)'
                                                      % SECRET)
        if fault is not None and fault.kind == 'chunked_after':
            raise requests.exceptions.ChunkedEncodingError('Connection broken: IncompleteRead(3 bytes read)')
        if fault is not None and fault.kind == 'timeout_after':
            raise requests.exceptions.ReadTimeout('read timed out')
        return self.response(request, status, obj, headers)

    @staticmethod
    def response(request, status, obj, headers=None):
        resp = requests.Response()
        resp.status_code = status
        resp.headers = CaseInsensitiveDict(headers or {})
        if obj is not None and status != 204:
            resp._content = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
            resp.headers.setdefault('Content-Type', 'application/json')
        else:
            resp._content = b''
        resp._content_consumed = True  # the body is all there, as after a streamed read (iter_content gives it)
        resp.url = request.url
        resp.request = request
        resp.encoding = 'utf-8'
        return resp

    # ---------------------------------------------------------------- API model
    def _card(self, uid):
        return self.cards.get(uid.lower())

    def api(self, request, path, query, body):
        method = request.method
        if not path.lower().startswith(API.lower()):
            return 404, {'Message': 'no resource'}, {}
        seg = [s for s in path[len(API):].split('/') if s]
        low = [s.lower() for s in seg]
        if low == ['smartcards'] and method == 'GET':
            if 'cardid' in query:
                want = query['cardid'].strip('{}').lower()
                for card in self.cards.values():
                    if card['SerialNumber'].strip('{}').lower() == want:
                        return 200, card, {}
                return 204, None, {}
            mine = [c for c in self.cards.values() if c['Comment'] == 'mine']
            return (200, mine, {}) if mine else (204, None, {})
        if len(seg) == 2 and low[0] == 'smartcards':
            card = self._card(seg[1])
            return (200, card, {}) if card else (204, None, {})
        if len(seg) == 3 and low[2] == 'operations':
            card = self._card(seg[1])
            if card is None or self.role == 'reader':
                return 200, [], {}
            ops = list(OPS.get(card['Status'], []))
            if seg[1].lower() in self.restricted:
                ops = [o for o in ops if o not in ('retire', 'revoke', 'reinstate')]
            return 200, ops, {}
        if low == ['requests'] and method == 'GET':
            want = query.get('status')
            found = [r for r in self.requests.values() if str(r['Status']) == want or
                     RSTATUS.get(want) == r['Status']]
            if query.get('targetuser') == 'current':  # requests targeting the caller (user uuid caller_uuid)
                found = [r for r in found if r.get('TargetUserUuid') and r.get('TargetUserUuid') == self.caller_uuid]
            return (200, found, {}) if found else (204, None, {})
        if low == ['requests'] and method == 'POST':
            if self.role == 'reader':
                return 403, {'Message': 'The caller does not have the Retire permission.'}, {}
            card = body['smartcard'].lower()
            if card in self.restricted:
                return 403, {'Message': 'not permitted'}, {}
            rid = self.add_request(card, body['type'], 'Pending' if card in self.approval else 'Approved',
                                   body.get('comment', ''))
            self.journal.append(('request_created', rid))
            return 201, 'api/v1.0/requests/%s' % rid, {}
        if len(seg) == 2 and low[0] == 'requests':
            req = self.requests.get(seg[1].lower())
            if req is None:
                return 204, None, {}
            if method == 'GET':
                return 200, req, {}
            new = RSTATUS[body['status']]
            if new == RSTATUS['Completed'] and req['Status'] != RSTATUS['Executing']:
                return 400, {'Message': 'Only an executing request can be completed.'}, {}
            if new in (RSTATUS['Canceled'], RSTATUS['Abandoned']) and req['Status'] not in (
                    RSTATUS['Pending'], RSTATUS['Approved'], RSTATUS['Executing']):
                return 400, {'Message': 'Only an open request can be canceled or abandoned.'}, {}
            req['Status'] = new
            req['Completed'] = '2026-01-02T00:00:00Z'
            self.journal.append(('request_status', seg[1], new))
            return 200, req, {}
        if len(seg) == 4 and low[0] == 'requests' and low[2] == 'smartcards' and method == 'PUT':
            req = self.requests.get(seg[1].lower())
            card = self._card(seg[3])
            if req is None or card is None:
                return 400, {'Message': 'no such request or card'}, {}
            if req['Status'] not in (RSTATUS['Approved'], RSTATUS['Executing']):
                return 400, {'Message': 'The request is not approved.'}, {}
            target = body['status']
            if RTYPE[NEEDS[target]] != req['RequestType'] or card['Status'] == 6:
                return 400, {'Message': 'The request does not allow this status.'}, {}
            card['Status'] = STATUS[target]
            req['Status'] = RSTATUS['Executing']
            self.journal.append(('card_status', seg[3], STATUS[target]))
            if self.put_card_answer == 204:
                return 204, None, {}
            return 200, card, {}
        return 404, {'Message': 'no route'}, {}


class FakeAdapter(BaseAdapter):
    def __init__(self, server):
        super(FakeAdapter, self).__init__()
        self.server = server

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        return self.server.handle(request, verify)

    def close(self):
        pass


def make_client(server, sleeps=None, **options):
    """A MimCmClient whose sessions talk to ``server``; ``sleeps`` collects backoff delays."""
    options.setdefault('url', 'https://cm.example.test')
    options.setdefault('username', 'CONTOSO\\operator')
    options.setdefault('password', SECRET)
    config = ConnectionConfig(**options)
    adapter = FakeAdapter(server)

    def factory():
        session = requests.Session()
        session.mount('https://', adapter)
        session.mount('http://', adapter)
        session.auth = None
        return session

    sleeps = sleeps if sleeps is not None else []
    client = MimCmClient(config, sleep=sleeps.append, rand=lambda: 0.5, session_factory=factory)
    # Sessions get their auth from build_auth; the fake needs none: drop NTLM's 401 hook.
    original = client._session

    def session():
        s = original()
        s.auth = None
        return s
    client._session = session
    return client
