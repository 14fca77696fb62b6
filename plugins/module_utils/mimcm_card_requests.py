# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request that authorises a card's status change: found, created, read, classified, completed.

Nothing here acts on a guess about the server: a request's status is the server's own name filter
(or an integer learned from it), a request type integer is compared only once learned, a created
request's data collection is checked before it is executed, and a completion the server refuses is
success when the request turns out to be Completed already (a server whose card PUT completes it).
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import ACCEPTED_REQUEST_TYPE_FOR_STATUS
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_open_requests import OpenRequests, request_card


def check_text(text, option):
    """``text`` if it has no control character other than tab (it is stored in CM and shown to approvers)."""
    bad = [c for c in text if (ord(c) < 32 and c != '\t') or ord(c) == 127]
    if bad:
        raise errors.InvalidInput('%s contains a control character (%r): remove it' % (option, bad[0]))
    return text


def data_items(value, option='data_collection'):
    """The data collection items of the option: {name: value} of text without control characters."""
    items = {}
    for name, text in (value or {}).items():
        name = str(name).strip()
        if not name:
            raise errors.InvalidInput('%s: an item has an empty name: give each item its name in CM' % option)
        if not isinstance(text, str):
            raise errors.InvalidInput('%s: the value of %r must be text, got %s' % (option, name, type(text).__name__))
        items[check_text(name, '%s item name %r' % (option, name))] = check_text(text, '%s[%r]' % (option, name))
    return items


def missing_data_items(request):
    """The names of the data collection items a request still lacks ([] when complete or not said)."""
    if request.get('IsDataCollectionComplete') is not False:
        return []
    items = request.get('DataCollection') or []
    names = [str(i.get('Name')) for i in items if isinstance(i, dict) and i.get('Name') and not i.get('Value')]
    return names or ['(the server did not name them)']


class CardRequests(object):
    """Requests of one status module run: ``request_type`` with ``comment``, for many cards."""

    def __init__(self, client, request_type, comment='', data_items=None):
        self.client = client
        self.request_type = request_type
        self.comment = comment or ''
        self.data_items = dict(data_items or {})
        self.open = OpenRequests(client, self.comment)

    def find_open(self, uuid, statuses=None):
        if statuses is None:
            return self.open.find(uuid, self.request_type)
        return self.open.find(uuid, self.request_type, statuses)

    def create(self, card):
        """POST a request for ``card`` (the API object) and read it back. Returns ``(request_id, request)``."""
        uuid = normalize_guid(card.get('Uuid'))
        existing = [item.get('Uuid') for item in self.open.listed(uuid)]
        request_id, dummy = self.client.create_request(self.request_type, card, self.comment, self.data_items,
                                                       existing)
        request = self.client.get_request(request_id, card=uuid)
        if normalize_guid(request.get('Uuid')) in (None, request_id) and request_card(request) in (None, uuid):
            self.client.learn_request_type(request, self.request_type)
        return request_id, request

    def status_of(self, request, uuid):
        """The server's status name of a request (listed: the filter it came from), or None when unknown."""
        return request.get('_status') or self.client.request_status(request, card=uuid)

    def user_request_problem(self, request, request_id, uuid, target):
        """Why a request the user named cannot serve ``uuid`` (None when it can, as far as can be known)."""
        card = request_card(request)
        if card and card != uuid:
            return 'request %s is for card %s, not %s: pass the request made for this card' % (request_id, card, uuid)
        expected = ACCEPTED_REQUEST_TYPE_FOR_STATUS[target]
        rtype = self.client.request_types.get(request.get('RequestType'))
        if rtype is not None and rtype != expected:
            return 'request %s is a %s request; setting %s needs a %s request' % (request_id, rtype, target, expected)
        return None

    def complete(self, request_id, uuid):
        """Mark the request Completed; one that is Completed already (the card PUT completed it) is success."""
        try:
            self.client.set_request_status(request_id, 'Completed', card=uuid)
        except errors.MimCmError as exc:
            if isinstance(exc, (errors.AuthFailed, errors.TLSError)):
                raise
            try:
                status = self.status_of(self.client.get_request(request_id, card=uuid), uuid)
            except errors.MimCmError:
                raise exc
            if status != 'Completed':
                raise
