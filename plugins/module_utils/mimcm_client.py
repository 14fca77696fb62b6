# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoints of the MIM CM REST API that the collection uses, one method each.

The transport (mimcm_transport.py) sends and retries; this file says which path, which body,
and which resend policy each call has: reads are simply repeated, state-setting writes are
re-checked first, and ``POST /requests`` is never repeated before the caller's open requests
have been searched for the request a lost answer may have hidden.
"""

import json

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import (
    OPEN_REQUEST_STATUSES,
    SmartcardStatus,
    canonical_operations,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import last_guid_in, normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_open_requests import request_card, select_open_request
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import RECLASSIFY_ORDER, RequestStatusBook
from ansible_collections.mim.cm.plugins.module_utils.mimcm_retry import checked_write, recovered_create
from ansible_collections.mim.cm.plugins.module_utils.mimcm_transport import Transport

NOT_CREATED = '; no request of that kind was found on the server afterwards, so none was created'


def data_collection_text(items):
    """The ``datacollection`` of a new request: a string holding JSON, one object per item keyed by the data
    item's name (the form of every documented example with a 201 answer); ``"[]"`` for none."""
    return json.dumps([{name: value} for name, value in sorted((items or {}).items())], separators=(',', ':'))


def _as_list(data):
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


class MimCmClient(Transport):
    """Client for one MIM CM server: the transport plus the endpoints. Safe to share between threads.

    ``statuses`` is the server's request status numbering as learned from its name filter (and
    configured by the user); ``request_types`` the request type integers learned from requests this
    client created and read back ({integer: name}): the only ones it may compare.
    """

    def __init__(self, config, statuses=None, **kwargs):
        super(MimCmClient, self).__init__(config, **kwargs)
        self.statuses = statuses if statuses is not None else RequestStatusBook()
        self.request_types = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ smart cards

    def get_card(self, uuid):
        """One card (API shape, PascalCase). Raises NotFound on 204."""
        return self.send('GET', self.url('smartcards', uuid), 'reading the card', card=uuid)

    def find_card(self, card_id):
        """The card whose physical id (SerialNumber) is ``card_id``. Raises NotFound on 204."""
        data = self.send('GET', self.url('smartcards'), 'looking up the card by card_id',
                         card='with card_id %s' % card_id, params={'cardid': card_id})
        if isinstance(data, list):
            if not data:
                raise errors.NotFound('Looking up the card by card_id %s: not found' % card_id)
            data = data[0]
        return data

    def my_cards(self):
        """The smart cards of the authenticated user ([] on 204)."""
        return _as_list(self.send('GET', self.url('smartcards'), "listing the caller's smart cards", ok=(200, 204)))

    def get_operations(self, uuid):
        """What the caller may request for the card: canonical names (``Retire``, ...)."""
        return canonical_operations(self.get_operation_words(uuid))

    def get_operation_words(self, uuid):
        """The operations list as the server words it (``["renew","disable"]``), for the probe's report."""
        return _as_list(self.send('GET', self.url('smartcards', uuid, 'operations'), 'reading the operations',
                                  card=uuid, ok=(200, 204)))

    def list_profile_templates(self):
        """``GET /profiletemplates``: the profile templates visible to the caller ([] on 204)."""
        return _as_list(self.send('GET', self.url('profiletemplates'), 'listing the profile templates',
                                  ok=(200, 204)))

    def set_card_status(self, request_id, uuid, status):
        """PUT the card status under an executable request. Returns the card as it is afterwards.

        Repeated on a transport error or 5xx, but only after a GET shows the card is not already
        in ``status`` (the lost answer may have hidden a success). An answer that is not the card
        (204 on some servers) is confirmed by reading the card.
        """
        def done():
            card = self.get_card(uuid)
            return card if SmartcardStatus.name(card.get('Status')) == status else None
        answer = self.send('PUT', self.url('requests', request_id, 'smartcards', uuid),
                           'setting the status to %s (request %s)' % (status, request_id), card=uuid,
                           body={'status': status}, ok=(200, 201, 204), resend=checked_write(done))
        if isinstance(answer, dict) and answer.get('Status') is not None:
            return answer
        return self.get_card(uuid)  # 204, or an answer that is not the card: what happened is read, not assumed

    # ------------------------------------------------------------------ requests

    def get_request(self, request_id, card=None):
        return self.send('GET', self.url('requests', request_id), 'reading request %s' % request_id, card=card)

    def list_requests(self, status, target_current=False, keep=None):
        """``GET /requests?status=<status>``: the requests ``keep(item)`` accepts (all without ``keep``), read
        item by item as they arrive; every item teaches ``statuses`` that its integer means ``status``."""
        params = {'status': status}
        if target_current:
            params['targetuser'] = 'current'

        def learn_and_keep(item):
            if not isinstance(item, dict):
                return False
            self.statuses.learn_one(status, item.get('Status'))
            return keep is None or keep(item)
        return _as_list(self.send('GET', self.url('requests'), 'listing %s requests' % status, params=params,
                                  ok=(200, 204), keep=learn_and_keep))

    def list_open_requests(self, statuses=OPEN_REQUEST_STATUSES, keep=None):
        """The requests that are not finished (Pending, Approved, Executing), each with ``_status`` set to the
        name filter it came from (the server's own classification)."""
        found = []
        for status in statuses:
            for item in self.list_requests(status, keep=keep):
                item['_status'] = status
                found.append(item)
        return found

    def request_status(self, request, card=None):
        """The status name of a request object: certain (learned or configured), else found by looking for the
        request in the name-filtered listings; None when no listing has it."""
        name = self.statuses.certain(request.get('Status'))
        if name is not None:
            return name
        wanted = normalize_guid(request.get('Uuid'))
        for status in RECLASSIFY_ORDER:
            if self.list_requests(status, keep=lambda item: normalize_guid(item.get('Uuid')) == wanted):
                return status
        return None

    def set_request_status(self, request_id, status, card=None):
        """PUT /requests/{id} {"status": Completed|Canceled|Abandoned}. Re-checked before a repeat, and a
        refusal is re-checked too: a request already in ``status`` (a card PUT that completed it) is success."""
        def done():
            data = self.get_request(request_id, card=card)
            return data if self.request_status(data, card) == status else None
        return self.send('PUT', self.url('requests', request_id), 'marking request %s %s' % (request_id, status),
                         card=card, body={'status': status}, ok=(200, 201, 204), resend=checked_write(done))

    def complete_request(self, request_id, card=None):
        return self.set_request_status(request_id, 'Completed', card=card)

    def create_request(self, request_type, card, comment='', data_items=None, existing=()):
        """POST /requests for an existing card (the API object, or its uuid). Returns ``(request_id, recovered)``.

        The body carries the card's profile template and owner (``profiletemplateuuid``, ``target``) and the
        data collection as the string form every documented 201 example sends. Never blindly retried: after
        an ambiguous failure the open requests are searched for one for this card with this comment that is
        not one of the ``existing`` ids (the requests listed before the POST: a request type integer cannot be
        compared before it is learned, so what existed before is what tells another request from ours);
        ``recovered`` is True when that search found the request the lost answer hid.
        """
        if not isinstance(card, dict):
            card = {'Uuid': card}  # a bare uuid: the server fills in the template and the owner, if it can
        card_uuid = normalize_guid(card.get('Uuid'))
        body = {'type': request_type, 'smartcard': card_uuid,
                'datacollection': data_collection_text(data_items), 'comment': comment or ''}
        for key, field in (('profiletemplateuuid', 'ProfileTemplateUuid'), ('target', 'AssignedUserUuid')):
            if normalize_guid(card.get(field)):
                body[key] = normalize_guid(card.get(field))
        action = 'creating a %s request' % request_type

        def find():
            found = self.find_open_request(card_uuid, request_type, comment, existing)
            return (found, True) if found else None
        answer = self.send('POST', self.url('requests'), action, card=card_uuid, body=body, ok=(200, 201),
                           resend=recovered_create(find, NOT_CREATED), location=True)
        if isinstance(answer, tuple):
            return answer
        request_id = self._request_id_from(answer)
        if not request_id:
            raise errors.ProtocolError('%s for card %s: the server answered without a request id'
                                       % (action[0].upper() + action[1:], card_uuid), card=card_uuid)
        return request_id, False

    def learn_request_type(self, request, request_type):
        """A request this client created, read back: its RequestType integer is ``request_type``."""
        code = request.get('RequestType')
        if isinstance(code, int) and not isinstance(code, bool):
            self.request_types.setdefault(code, request_type)

    def find_open_request(self, card_uuid, request_type, comment=None, existing=()):
        """The id of our open request for ``card_uuid`` of ``request_type`` with ``comment`` that is not one of the
        ``existing`` ids, or None."""
        existing = set(normalize_guid(i) for i in existing)

        def keep(item):
            return request_card(item) == normalize_guid(card_uuid) and normalize_guid(item.get('Uuid')) not in existing
        found = select_open_request(self.list_open_requests(keep=keep), card_uuid, request_type, comment,
                                    types=self.request_types)
        return normalize_guid(found.get('Uuid')) if found else None

    @staticmethod
    def _request_id_from(data):
        """The new request's id from a 201 answer: a request object, or its URI (relative or absolute)."""
        if isinstance(data, dict):
            return normalize_guid(data.get('Uuid') or data.get('uuid'))
        return last_guid_in(data) if isinstance(data, str) else None
