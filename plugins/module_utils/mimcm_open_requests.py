# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which open request is ours: the ONE rule, and the per-run listing it is applied to.

A request is a candidate for a card when it names the card, is of the request type the target
status needs, and is still open. Of the candidates, one in a later stage wins (Executing, then
Approved, then Pending), then one with our comment (the change ticket), then the newest. After a
lost answer to ``POST /requests`` only a request with our comment counts: it must be the one we
may have made.
"""

import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import RequestStatus, RequestType
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import OPEN_REQUEST_STATUSES


def request_card(item):
    """The card a request object is for (OldSmartcardUuid, else NewSmartcardUuid), normalised."""
    return normalize_guid(item.get('OldSmartcardUuid')) or normalize_guid(item.get('NewSmartcardUuid'))


def select_open_request(listing, card, request_type, comment=None, statuses=OPEN_REQUEST_STATUSES,
                        comment_required=False):
    """The request of ``listing`` that is ours for ``card`` and ``request_type``, or None."""
    card = normalize_guid(card)
    best, best_key = None, None
    for item in listing or ():
        if request_card(item) != card or RequestType.name(item.get('RequestType')) != request_type:
            continue
        status = RequestStatus.name(item.get('Status'))
        if status not in statuses:
            continue
        same_comment = (item.get('Comment') or '') == (comment or '')
        if comment_required and not same_comment:
            continue
        key = (OPEN_REQUEST_STATUSES.index(status) if status in OPEN_REQUEST_STATUSES else -1,
               same_comment, str(item.get('Submitted') or ''))
        if best_key is None or key > best_key:
            best, best_key = item, key
    return best


class OpenRequests(object):
    """The caller's open requests, listed once per module run (lazily, thread safe), indexed by card."""

    def __init__(self, client):
        self.client = client
        self._lock = threading.Lock()
        self._index = None
        self.warning = None

    def _load(self):
        index = {}
        try:
            listing = self.client.list_open_requests()
        except errors.Forbidden as exc:
            self.warning = ('Could not list open requests (%s): requests waiting for approval will not be '
                            'picked up, new ones are created instead' % exc)
            listing = []
        for item in listing:
            card = request_card(item)
            if card:
                index.setdefault(card, []).append(item)
        return index

    def find(self, card, request_type, comment, statuses=OPEN_REQUEST_STATUSES):
        with self._lock:
            if self._index is None:
                self._index = self._load()
        return select_open_request(self._index.get(normalize_guid(card), ()), card, request_type, comment, statuses)
