# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoints of the MIM CM REST API that the collection uses, one method each.

The transport (mimcm_transport.py) sends and retries; this file says which path, which body,
and which resend policy each call has: reads are simply repeated, state-setting writes are
re-checked first, and ``POST /requests`` is never repeated before the caller's open requests
have been searched for the request a lost answer may have hidden.
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import RequestStatus, SmartcardStatus, canonical_operations
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import last_guid_in, normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_open_requests import select_open_request
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import OPEN_REQUEST_STATUSES
from ansible_collections.mim.cm.plugins.module_utils.mimcm_retry import checked_write, recovered_create
from ansible_collections.mim.cm.plugins.module_utils.mimcm_transport import Transport

NOT_CREATED = '; no request of that kind was found on the server afterwards, so none was created'


def _as_list(data):
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


class MimCmClient(Transport):
    """Client for one MIM CM server: the transport plus the endpoints. Safe to share between threads."""

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
        data = self.send('GET', self.url('smartcards', uuid, 'operations'), 'reading the operations', card=uuid,
                         ok=(200, 204))
        return canonical_operations(_as_list(data))

    def set_card_status(self, request_id, uuid, status):
        """PUT the card status under an executable request. Returns the card (or None on 204).

        Repeated on a transport error or 5xx, but only after a GET shows the card is not already
        in ``status`` (the lost answer may have hidden a success).
        """
        def done():
            card = self.get_card(uuid)
            return card if SmartcardStatus.name(card.get('Status')) == status else None
        return self.send('PUT', self.url('requests', request_id, 'smartcards', uuid),
                         'setting the status to %s (request %s)' % (status, request_id), card=uuid,
                         body={'status': status}, ok=(200, 201, 204), resend=checked_write(done))

    # ------------------------------------------------------------------ requests

    def get_request(self, request_id, card=None):
        return self.send('GET', self.url('requests', request_id), 'reading request %s' % request_id, card=card)

    def list_requests(self, status, target_current=False):
        params = {'status': status}
        if target_current:
            params['targetuser'] = 'current'
        return _as_list(self.send('GET', self.url('requests'), 'listing %s requests' % status, params=params,
                                  ok=(200, 204)))

    def list_open_requests(self, statuses=OPEN_REQUEST_STATUSES):
        """The caller's requests that are not finished (Pending, Approved, Executing)."""
        found = []
        for status in statuses:
            found.extend(self.list_requests(status))
        return found

    def set_request_status(self, request_id, status, card=None):
        """PUT /requests/{id} {"status": Completed|Canceled|Abandoned}. Re-checked before a repeat."""
        def done():
            data = self.get_request(request_id, card=card)
            return data if RequestStatus.name(data.get('Status')) == status else None
        return self.send('PUT', self.url('requests', request_id), 'marking request %s %s' % (request_id, status),
                         card=card, body={'status': status}, ok=(200, 201, 204), resend=checked_write(done))

    def complete_request(self, request_id, card=None):
        return self.set_request_status(request_id, 'Completed', card=card)

    def create_request(self, request_type, card_uuid, comment='', datacollection=None):
        """POST /requests for an existing card. Returns ``(request_id, recovered)``.

        Never blindly retried: after an ambiguous failure (connection lost, timeout, 5xx) the
        caller's open requests are searched for one of this type, for this card, with this
        comment; ``recovered`` is True when that search found the request the lost answer hid.
        """
        body = {'type': request_type, 'smartcard': card_uuid,
                'datacollection': datacollection if datacollection is not None else [],
                'comment': comment or ''}
        action = 'creating a %s request' % request_type

        def find():
            found = self.find_open_request(card_uuid, request_type, comment)
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

    def find_open_request(self, card_uuid, request_type, comment=None):
        """The id of our open request for ``card_uuid`` of ``request_type`` with ``comment``, or None."""
        found = select_open_request(self.list_open_requests(), card_uuid, request_type, comment,
                                    comment_required=True)
        return normalize_guid(found.get('Uuid')) if found else None

    @staticmethod
    def _request_id_from(data):
        """The new request's id from a 201 answer: a request object, or its URI (relative or absolute)."""
        if isinstance(data, dict):
            return normalize_guid(data.get('Uuid') or data.get('uuid'))
        return last_guid_in(data) if isinstance(data, str) else None
