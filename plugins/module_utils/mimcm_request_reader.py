# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend of mimcm_request_info (and the reading half of mimcm_request): the requests a selection means,
each with its status as the server names it.

Requests by status come from ``GET /requests?status=S`` (with ``targetuser=current`` for ``targeting_me``),
read item by item and filtered as they arrive: a server that answers every user's requests (thousands) costs
memory for the selected ones only. Their status is the filter they were listed under. Requests by id are read
concurrently; the status of each is its integer where this run learned it, else the name filter that lists it
(looked up once per integer), else unknown (null), never a guess from the default table.
"""

import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import (
    MAX_CONCURRENCY,
    bounded_concurrency,
    bounded_processes,
    run_parallel,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import fetch_card
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_result import request_to_result
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_selection import caller_uuid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import status_code


class RequestReader(object):
    """``read()`` returns ``(requests, missing, missing_cards)``: the selected requests (results of
    mimcm_request_result.request_to_result, in input or listing order), the request ids that matched no request,
    and the card ids (of ``card_id``/``card``) that matched no card."""

    def __init__(self, client, selection, concurrency=8, processes=0):
        self.client = client
        self.selection = selection
        self.concurrency = bounded_concurrency(concurrency, MAX_CONCURRENCY)
        self.processes = bounded_processes(processes)
        self._lock = threading.Lock()
        self._unlisted = set()  # status integers no name filter lists (looked up once per run)

    def read(self):
        selection = self.selection
        missing_cards = self._resolve_cards()
        if selection.needs_caller():
            selection.caller = caller_uuid(self.client, 'mine' if selection.mine else 'targeting_me')
        if selection.ids is not None:
            requests, missing = self._by_id()
        else:
            requests, missing = self._by_status(), []
        return requests, missing, missing_cards

    # ---------------------------------------------------------------- cards

    def _resolve_cards(self):
        """The uuids of the selection's cards (card ids looked up); returns the card ids no card has."""
        cards = self.selection.cards
        if cards is None:
            return []
        uuids = set(cards.get('uuids') or ())
        queries = [('card_id', c) for c in cards.get('card_ids') or ()] + [('any', c) for c in cards.get('cards') or ()]
        missing = []
        found = parallel.map_threads(lambda query: fetch_card(self.client, query[0], query[1]), queries,
                                     bounded_concurrency(self.concurrency, len(queries) or 1))
        for (kind, value), card in zip(queries, found):
            uuid = normalize_guid(card.get('Uuid')) if isinstance(card, dict) else None
            if uuid:
                uuids.add(uuid)
            else:
                missing.append(value)
        self.selection.card_uuids = uuids
        return missing

    # ---------------------------------------------------------------- by status

    def _by_status(self):
        selection = self.selection
        if selection.card_uuids is not None and not selection.card_uuids:
            return []  # none of the cards exists: no request can be for them

        def keep(item):
            return selection.matches(item, target_checked=selection.targeting_me)
        found, seen = [], set()
        for status in selection.statuses:
            for item in self.client.list_requests(status, target_current=selection.targeting_me, keep=keep):
                rid = normalize_guid(item.get('Uuid'))
                if rid in seen:
                    continue  # it moved from one status to the next between the two listings: listed once
                seen.add(rid)
                found.append(request_to_result(item, status, self.client.request_types))
        return found

    # ---------------------------------------------------------------- by id

    def _by_id(self):
        ids = self.selection.ids
        outcomes, dummy = run_parallel(self.client, self._read_one, ids, self.concurrency, self.processes, self._lost)
        failures = [o for o in outcomes if isinstance(o, errors.MimCmError)]
        if failures:
            first = failures[0]
            if len(failures) > 1:
                first.message = '%s (and reading %d more requests failed)' % (first.message, len(failures) - 1)
            raise first
        requests, missing = [], []
        for rid, item in zip(ids, outcomes):
            if item is None:
                missing.append(rid)
                continue
            status = self.status_of(item)
            if self.selection.statuses is not None and status not in self.selection.statuses:
                continue
            if self.selection.matches(item):
                requests.append(request_to_result(item, status, self.client.request_types))
        return requests, missing

    def _read_one(self, rid):
        try:
            return self.client.get_request(rid)
        except errors.NotFound:
            return None
        except errors.MimCmError as exc:
            return exc

    def _lost(self, rid, reason):
        return errors.MimCmError(self.client.redact('Reading request %s: no outcome, the %s; run again'
                                                    % (rid, reason)))

    def status_of(self, item):
        """The server's name for a request's status: learned (or configured), else the name filter that lists it,
        else None. One lookup per unknown integer and run: a listing teaches every integer it shows."""
        name = self.client.statuses.certain(item.get('Status'))
        if name is not None:
            return name
        code = status_code(item.get('Status'))
        with self._lock:
            if code in self._unlisted:
                return None
            name = self.client.request_status(item)
            if name is None:
                self._unlisted.add(code)
        return name
