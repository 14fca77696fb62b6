# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend of mimcm_smartcard_info: read cards concurrently, by uuid, by card id, or either.

A query is ``(kind, id)``: ``uuid`` reads ``GET /smartcards/{id}``, ``card_id`` looks the card up
by its serial number (``GET /smartcards?cardid=``), and ``any`` tries the id as a uuid first and,
when no card has that uuid, as a card id, in the same worker (so both passes run concurrently).
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_result import card_to_result
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_run_guard import stopped_error
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import (
    MAX_CONCURRENCY,
    bounded_concurrency,
    bounded_processes,
    run_parallel,
)

QUERY_KINDS = ('uuid', 'card_id', 'any')


def fetch_card(client, kind, value):
    """The API card for one query, or None when no card matches (NotFound)."""
    try:
        if kind == 'card_id':
            return client.find_card(value)
        return client.get_card(value)
    except errors.NotFound:
        if kind != 'any':
            return None
    try:
        return client.find_card(value)
    except errors.NotFound:
        return None


def queries_of(uuids=None, card_ids=None, cards=None):
    """``[(kind, id)]`` in input order: uuids, then card ids, then ids of either kind."""
    return ([('uuid', u) for u in (uuids or [])] + [('card_id', c) for c in (card_ids or [])]
            + [('any', c) for c in (cards or [])])


# the query that lists the profile templates in the same worker pool as the cards (read_with_templates)
TEMPLATES = ('templates', None)


class TemplateListing(tuple):
    """``(templates, error)`` of the profile template listing, told apart from a card's outcome."""

    __slots__ = ()


def read_outcome(outcome):
    """What one card's read gave, for progress lines: found, not found or failed (None: not a card)."""
    if isinstance(outcome, TemplateListing):
        return None
    if outcome is None:
        return 'not found'
    return 'failed' if isinstance(outcome, errors.MimCmError) else 'found'


class SmartcardReader(object):
    """Read cards; ``read()`` returns ``(smartcards, missing)``."""

    def __init__(self, client, concurrency=8, include_operations=False, processes=0, progress=None):
        self.client = client
        self.progress = progress  # mimcm_progress.Progress: counts each card read as it is known (read_outcome)
        self.concurrency = bounded_concurrency(concurrency, MAX_CONCURRENCY)
        self.include_operations = include_operations
        self.processes = bounded_processes(processes)

    def read(self, uuids=None, card_ids=None, cards=None):
        """``smartcards`` in input order and the ids that matched no card; the caller's own cards when no id
        is given. A failure to read any card raises the first error (with the number of others)."""
        return self._read(queries_of(uuids, card_ids, cards))[:2]

    def read_with_templates(self, uuids=None, card_ids=None, cards=None):
        """``read()`` and ``profile_templates()`` in one: ``(smartcards, missing, (templates, error))``. The
        listing is one more item of the same worker pool, so it reuses one of the pool's connections: the
        module call still opens at most ``concurrency`` connections (NTLM and Kerberos handshakes)."""
        queries = queries_of(uuids, card_ids, cards)
        if not queries:
            return self._mine(), [], self.profile_templates()
        smartcards, missing, listing = self._read(queries, templates=True)
        if isinstance(listing, TemplateListing):
            return smartcards, missing, tuple(listing)
        # an error that is not a refusal (profile_templates() returns those), or the listing's worker was lost
        raise listing  # pylint: disable=raising-bad-type  # a MimCmError here: _read_one and _lost return no other

    def _read(self, queries, templates=False):
        """``(smartcards, missing, listing)``: with ``templates`` the pool also runs TEMPLATES, last."""
        if not queries:
            return self._mine(), [], None
        outcomes, states = run_parallel(self.client, self._read_one, queries + [TEMPLATES] if templates else queries,
                                        self.concurrency, self.processes, self._lost, child_state=self._child_state,
                                        progress=self.progress, counted=len(queries))
        listing = outcomes.pop() if templates else None
        smartcards, missing, failures = [], [], []
        for (kind, query), outcome in zip(queries, outcomes):
            if outcome is None:
                missing.append(query)
            elif isinstance(outcome, errors.MimCmError):
                failures.append(outcome)
            else:
                smartcards.append(outcome)
        if self.client.guard.reason:
            first = self.client.guard.error and str(self.client.guard.error)
            first = first or next((s['stopped'] for s in states if s.get('stopped')), None)
            raise stopped_error(self.client.guard, first, len(queries),
                                sum(1 for f in failures if isinstance(f, errors.RunStopped)), 0)
        if failures:
            first = failures[0]
            if len(failures) > 1:
                first.message = '%s (and %d more cards failed)' % (first.message, len(failures) - 1)
            raise first
        return smartcards, missing, listing

    def _mine(self):
        cards = [card_to_result(c) for c in self.client.my_cards()]
        for card in cards:
            card['query'] = None
        if self.include_operations:
            workers = bounded_concurrency(self.concurrency, len(cards))
            operations = parallel.map_threads(lambda c: self.client.get_operations(c['uuid']), cards, workers)
            for card, ops in zip(cards, operations):
                card['operations'] = ops
        return cards

    def profile_templates(self):
        """The profile templates visible to the caller (``GET /profiletemplates``, one call) as
        ``([{uuid, name, description}], error)``: a server that refuses or lacks the listing gives
        ``[]`` and the message (the cards are still read; their template uuid stands for the name)."""
        try:
            items = self.client.list_profile_templates()
        except (errors.NotFound, errors.Forbidden, errors.BadRequest, errors.ServerError, errors.ProtocolError) as exc:
            return [], str(exc)
        templates = []
        for item in items:
            if isinstance(item, dict) and item.get('Uuid'):
                templates.append({'uuid': normalize_guid(item.get('Uuid')) or str(item.get('Uuid')).lower(),
                                  'name': item.get('Name'), 'description': item.get('Description')})
        return templates, None

    def _child_state(self):
        return {'stopped': str(self.client.guard.error) if self.client.guard.error else None}

    def _lost(self, query, reason):
        return errors.MimCmError(self.client.redact(
            'Reading the card %s: no outcome, the %s; run again' % (query[1], reason)), card=query[1])

    def _read_one(self, query):
        kind, value = query
        if query == TEMPLATES:
            try:
                return TemplateListing(self.profile_templates())
            except errors.MimCmError as exc:
                return exc
        try:
            card = fetch_card(self.client, kind, value)
            if card is None:
                return None
            result = card_to_result(card)
            result['query'] = value
            if self.include_operations:
                result['operations'] = self.client.get_operations(result['uuid'])
        except errors.MimCmError as exc:
            return exc
        return result
