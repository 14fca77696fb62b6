# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which open request is ours: the ONE rule, and the per-run listing it is applied to.

A request is ours for a card when it names the card (OldSmartcardUuid or NewSmartcardUuid), carries
our comment (the change ticket), is still open by the server's own name filter, and is of the
request type the target status needs, as far as that can be known: request type integers are
compared only once learned from a request this client created and read back (the reference
documents Enroll=1 and Unblock=5 only). Of several, one in a later stage wins (Executing, then
Approved, then Pending), then the newest.
"""

import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import OPEN_REQUEST_STATUSES, RequestStatus
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid


def request_card(item):
    """The card a request object is for (OldSmartcardUuid, else NewSmartcardUuid), normalised."""
    return normalize_guid(item.get('OldSmartcardUuid')) or normalize_guid(item.get('NewSmartcardUuid'))


def listed_status(item):
    """The status of a listed request: the name filter it was listed under (``_status``), else its integer
    read with the default table."""
    return item.get('_status') or RequestStatus.name(item.get('Status'))


def type_matches(item, request_type, types):
    """Whether the request may be of ``request_type``; ``types`` is {learned integer: name}."""
    code = item.get('RequestType')
    if code in types:
        return types[code] == request_type
    return request_type not in types.values()  # not learned: the card and the comment decide


def select_open_request(listing, card, request_type, comment=None, statuses=OPEN_REQUEST_STATUSES, types=None):
    """The request of ``listing`` that is ours for ``card`` and ``request_type``, or None."""
    card = normalize_guid(card)
    types = types or {}
    best, best_key = None, None
    for item in listing or ():
        if request_card(item) != card or (item.get('Comment') or '') != (comment or ''):
            continue
        status = listed_status(item)
        if status not in statuses or not type_matches(item, request_type, types):
            continue
        key = (OPEN_REQUEST_STATUSES.index(status) if status in OPEN_REQUEST_STATUSES else -1,
               str(item.get('Submitted') or ''))
        if best_key is None or key > best_key:
            best, best_key = item, key
    return best


class OpenRequests(object):
    """Our open requests (those with our comment), listed once per module run (lazily, thread safe) and
    indexed by card. A server that lists every user's requests costs memory for ours only."""

    def __init__(self, client, comment=''):
        self.client = client
        self.comment = comment or ''
        self._lock = threading.Lock()
        self._index = None
        self.warning = None

    def _load(self):
        index = {}
        try:
            listing = self.client.list_open_requests(keep=lambda item: (item.get('Comment') or '') == self.comment)
        except errors.Forbidden as exc:
            self.warning = ('Could not list open requests (%s): requests waiting for approval will not be '
                            'picked up, new ones are created instead' % exc)
            listing = []
        for item in listing:
            card = request_card(item)
            if card:
                index.setdefault(card, []).append(item)
        return index

    def listed(self, card):
        """Our open requests for ``card`` as listed at the start of the run (of any type)."""
        with self._lock:
            if self._index is None:
                self._index = self._load()
        return self._index.get(normalize_guid(card), ())

    def find(self, card, request_type, statuses=OPEN_REQUEST_STATUSES):
        return select_open_request(self.listed(card), card, request_type, self.comment, statuses,
                                   self.client.request_types)
