# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend of mimcm_server_info: the first-contact probe. Reads only; writes nothing, ever.

The steps, each only when the one before got through: reach the server, TLS, login and the API
(mimcm_probe_contact.py); then the request status listings name by name (integers learned, who the
requests involve), the sample cards and their operations, the profile templates, the letter case of paths
and the latency. The verdict per point is mimcm_probe_verdicts.py; the raw calls mimcm_probe_calls.py. A
server that cannot be reached, a TLS or login failure or a disabled API is a finding in the result, not an
exception; only bad input raises.
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_result import card_to_result
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import REQUEST_STATUS_FILTERS, canonical_operations
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe_calls import ListingTally, latency, nul_field
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe_contact import Contact
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe_verdicts import CONTRADICTED, all_verdicts
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import fetch_card, queries_of

# A card uuid no server has: what does the API answer for a card that does not exist?
ABSENT_CARD = '00000000-0000-4000-8000-0000000c0de0'
OWN_CARD_SAMPLES = 5
CARD_KEYS = ('uuid', 'card_id', 'status', 'status_name', 'profile_template_uuid', 'assigned_user_uuid')


def redact_tree(value, redact):
    """``value`` with ``redact`` applied to every string in it (keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return dict((redact_tree(k, redact), redact_tree(v, redact)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [redact_tree(v, redact) for v in value]
    return value


class ServerProbe(object):
    """``ServerProbe(client, selection).run()`` -> the module result (without ``changed``).

    ``selection``: the card options as ``card_selection`` returns them (sample cards; none: up to five of the
    caller's own cards). ``samples``: requests kept per status listing. ``timings``: (kept-alive calls, new
    connections) of the latency measurement.
    """

    def __init__(self, client, selection=None, samples=3, timings=(5, 3)):
        self.client = client
        self.contact = Contact(client)
        self.selection = dict((k, v) for k, v in (selection or {}).items() if v)
        self.samples = samples
        self.timings = timings
        self.obs = {'configured': dict(client.statuses.configured)}
        self.listings, self.cards, self.missing, self.templates = [], [], [], []
        self.templates_error = None
        self.latency = {'error': 'not measured'}

    def run(self):
        contact = self.contact
        if contact.reach() and contact.login() and contact.api_enabled():
            self._listings()
            self._cards()
            self._templates()
            self._paths()
            self._latency()
        self.obs['blocked'] = contact.blocked
        return redact_tree(self._result(), self.client.redact)

    # ---------------------------------------------------------------- request listings

    def _list(self, tally, target_current):
        try:
            return self.client.list_requests(tally.status, target_current=target_current, keep=tally)
        except errors.MimCmError as exc:
            tally.error = str(exc)
            return []

    def _listings(self):
        """Each status name twice: with targetuser=current (who the caller is) and without (the scope, the
        integers, samples). Listings are read item by item; only ``samples`` items per status are kept."""
        mine = {}
        for status in REQUEST_STATUS_FILTERS:
            tally = ListingTally(status, samples=0)
            self._list(tally, True)
            mine[status] = tally.count
            targets = tally.targets - set([None])
            if len(targets) == 1:
                self.contact.caller(targets.pop(), 'TargetUserUuid of the requests listed with targetuser=current')
        caller = self.contact.auth['caller_uuid']
        listed, common, total, foreign, nul, types = {}, None, 0, 0, None, set()
        for status in REQUEST_STATUS_FILTERS:
            tally = ListingTally(status, caller=caller, samples=self.samples)
            kept = self._list(tally, False)
            self.listings.append(tally.result(kept, mine[status]))
            if tally.error:
                self.contact.note('warning', tally.error)
            listed[status] = self.listings[-1]['integers']
            if tally.count:
                common = tally.common if common is None else common & tally.common
            total, foreign, nul = total + tally.count, foreign + tally.foreign, nul or tally.nul
            types |= tally.types
        if common and len(common) == 1 and total > 1:
            self.contact.caller(sorted(common)[0], 'every request listed without targetuser involves this user')
        self.obs.update(listed=listed, conflicts=self.client.statuses.conflicts(), nul=nul, types=sorted(types),
                        scope={'total': total, 'foreign': foreign if caller else None,
                               'common': None if common is None else len(common)})

    # ---------------------------------------------------------------- cards

    def _cards(self):
        queries = queries_of(**self.selection)
        found = [(None, card) for card in (self.contact.own_cards or [])[:OWN_CARD_SAMPLES]] if not queries else []
        for kind, value in queries:
            try:
                card = fetch_card(self.client, kind, value)
            except errors.MimCmError as exc:
                self.contact.note('warning', str(exc))
                continue
            if card is None:
                self.missing.append(value)
            else:
                found.append((value, card))
        nul = None
        for query, card in found:
            self.cards.append(self._card(query, card))
            field = nul_field(card)
            nul = nul or (field and '%s of card %s' % (field, self.cards[-1]['uuid']))
        self.obs.update(cards=self.cards, nul=self.obs.get('nul') or nul)
        self._lookups([card for dummy, card in found])

    def _card(self, query, card):
        result = card_to_result(card)
        out = dict((key, result.get(key)) for key in CARD_KEYS)
        out.update(query=query, operations=None, operation_words=None, error=None)
        try:
            words = [str(w) for w in self.client.get_operation_words(out['uuid'])]
            out.update(operation_words=words, operations=canonical_operations(words))
        except errors.MimCmError as exc:
            out['error'] = str(exc)
            self.contact.note('warning', str(exc))
        return out

    def _lookups(self, cards):
        """``GET /smartcards?cardid=<SerialNumber>`` of the first sample card, and a card that does not exist."""
        card = next((c for c in cards if c.get('SerialNumber')), None)
        if card is not None:
            serial = card['SerialNumber']
            try:
                other = self.client.find_card(serial)
                self.obs['cardid'] = {'ok': normalize_guid(other.get('Uuid')) == normalize_guid(card.get('Uuid')),
                                      'seen': 'cardid=%s answered card %s' % (serial, other.get('Uuid'))}
            except errors.NotFound:
                self.obs['cardid'] = {'ok': False, 'seen': 'cardid=%s (the SerialNumber of card %s) found no card'
                                      % (serial, card.get('Uuid'))}
            except errors.MimCmError as exc:
                self.obs['cardid'] = {'ok': None, 'seen': str(exc)}
        try:
            self.client.get_card(ABSENT_CARD)
            self.obs['unknown_card'] = {'ok': False, 'seen': 'a card was answered for %s' % ABSENT_CARD}
        except errors.NotFound:
            self.obs['unknown_card'] = {'ok': True, 'seen': 'HTTP 204 for card %s' % ABSENT_CARD}
        except errors.MimCmError as exc:
            self.obs['unknown_card'] = {'ok': False if exc.http_status == 404 else None, 'seen': str(exc)}

    # ---------------------------------------------------------------- templates, paths, latency

    def _templates(self):
        try:
            items = self.client.list_profile_templates()
        except errors.MimCmError as exc:
            self.templates_error = str(exc)
            self.contact.note('warning', str(exc))
            return
        for item in items:
            if isinstance(item, dict):
                self.templates.append({'name': item.get('Name'), 'description': item.get('Description'),
                                       'uuid': normalize_guid(item.get('Uuid')) or item.get('Uuid')})
        msg = '%d profile template(s) visible to the caller' % len(self.templates)
        self.contact.note('info', msg)

    def _paths(self):
        """The API base path in the other letter case (the reference's examples use lower case)."""
        config = self.client.config
        path = config.base_url[len(config.server):]
        other = path.lower() if path != path.lower() else path.upper()
        try:
            self.client.send('GET', config.server + other + '/smartcards',
                             "listing the caller's smart cards under %s" % other, ok=(200, 204))
            self.obs['paths'] = {'ok': True, 'seen': '%s answers like %s' % (other, path)}
        except errors.MimCmError as exc:
            missing = exc.http_status == 404
            self.obs['paths'] = {'ok': False if missing else None,
                                 'seen': '%s answers HTTP 404 where %s answers' % (other, path) if missing else str(exc)}

    def _latency(self):
        try:
            self.latency = latency(self.client, self.client.my_cards, *self.timings)
        except errors.MimCmError as exc:
            self.latency = {'error': str(exc)}
            return
        msg = ('Round trip %.0f ms on a kept-alive connection; a new authenticated connection costs %.0f ms'
               % (self.latency['kept_alive_ms'], self.latency['new_connection_ms']))
        self.contact.note('info', msg)

    # ---------------------------------------------------------------- the result

    def _result(self):
        contact = self.contact
        contact.login_note()
        verdicts = all_verdicts(self.obs)
        for item in verdicts:
            if item['verdict'] == CONTRADICTED:
                msg = "%s: this server differs from the collection's reading (%s). To do: %s" % (
                    item['title'], item['seen'], item['advice'])
                contact.note('warning', msg)
        summary = contact.sorted_notes()
        statuses = self.client.statuses
        return {
            'ok': not any(note['level'] == 'problem' for note in summary), 'summary': summary,
            'server': contact.server, 'tls': contact.tls, 'authentication': contact.auth, 'api': contact.api,
            'request_statuses': {'learned': statuses.learned(), 'listings': self.listings,
                                 'conflicts': dict((str(k), v) for k, v in statuses.conflicts().items())},
            'smartcards': self.cards, 'missing': self.missing, 'profile_templates': self.templates,
            'profile_templates_error': self.templates_error, 'latency': self.latency, 'verdicts': verdicts,
            'calls': self.client.calls + contact.anonymous_calls,
        }
