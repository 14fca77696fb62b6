# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verdicts of the first-contact probe (mimcm_server_info): for each point where the collection had to
read the reference one way (a (decision) or (evidence) of docs/enumerations.md), what this server showed.

Pure functions over what the probe observed (mimcm_probe.py): no HTTP here. A verdict is ``confirmed``,
``contradicted`` (with what was seen and what to set), ``inconclusive`` (testable read-only, but nothing this
server showed decides it: why, and what would) or ``not testable read-only`` (only a write would show it).
The comparisons use the collection's tables as the module runs with them (mimcm_enums, after the user's
``smartcard_status_map`` / ``request_status_map``), so a correct map is confirmed.
"""

import json

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import REQUEST_STATUS, SmartcardStatus

CONFIRMED = 'confirmed'
CONTRADICTED = 'contradicted'
INCONCLUSIVE = 'inconclusive'
NOT_TESTABLE = 'not testable read-only'
VERDICTS = (CONFIRMED, CONTRADICTED, INCONCLUSIVE, NOT_TESTABLE)

REVOKE_WORDS = ('revoke', 'disable')
NOTHING_TO_SET = 'nothing to set, '

# Only a write shows these (the probe never writes): point, title, mark, the collection's reading, why, and
# what the client does whichever way it turns out.
NOT_TESTABLE_POINTS = (
    ('created_request_uri', 'Created-request URI', 'reference',
     'api/v1.0/requests/<id> or /CertificateManagement/api/v1.0/requests/<ID>',
     'only the answer to POST /requests shows it', NOTHING_TO_SET + 'the client accepts both forms'),
    ('datacollection_form', 'datacollection on POST /requests', 'decision', 'a string holding JSON ("[]")',
     'only POST /requests shows which form is accepted', NOTHING_TO_SET + 'the client sends the string form'),
    ('data_items_required', 'Data collection items a Retire/Revoke policy requires', 'reference', 'none',
     'only a new request shows IsDataCollectionComplete',
     'supply items with the data_collection option of mim.cm.mimcm_smartcard_status; a request reported '
     'incomplete is never executed'),
    ('post_fields', 'profiletemplateuuid and target on POST /requests', 'decision',
     "sent, taken from the card (its ProfileTemplateUuid and AssignedUserUuid)", 'only POST /requests shows it',
     NOTHING_TO_SET + 'the client always sends both'),
    ('card_put_answer', 'Answer to the card status PUT', 'decision', '200 with the card',
     'only PUT /requests/{id}/smartcards/{uuid} shows it',
     NOTHING_TO_SET + 'a 204 (or any answer that is not the card) is confirmed by reading the card'),
    ('put_completes', 'The card status PUT also completes the request', 'decision', 'no',
     'only a card status PUT shows it', NOTHING_TO_SET + 'an already Completed request counts as success'),
    ('rule_errors', 'Answer to a lifecycle rule violation', 'reference', '400 with a message (403 or 500 possible)',
     'only a write that breaks a rule shows it',
     NOTHING_TO_SET + 'a 400/403 is not retried; a 500 that repeats on a write a re-check shows did not happen is '
     'reported as a probable rule violation'),
    ('request_type_numbering', 'RequestType integers', 'decision',
     'only Enroll=1 and Unblock=5 are documented; the client compares only integers it learned',
     'only a request this client creates and reads back teaches a type integer',
     NOTHING_TO_SET + 'requests are created by type name and matched by card and comment'),
)


def verdict(point, title, mark, default, result, seen, advice=''):
    return {'point': point, 'title': title, 'mark': mark, 'default': default, 'verdict': result, 'seen': seen,
            'advice': advice}


def numbering_text(pairs):
    return ', '.join('%s=%s' % (name, code) for name, code in pairs)


def map_text(mapping):
    """``{"Disabled": 4, "Suspended": 5}``: the value to give a ``*_status_map`` option."""
    return json.dumps(mapping, sort_keys=True)


def request_status_numbering(listed, conflicts, configured=None):
    """``listed``: {status name: [integers listed under that name filter]}; ``conflicts``: {integer: [names]}."""
    expected = dict(REQUEST_STATUS)
    expected.update(configured or {})
    default = numbering_text(sorted(expected.items(), key=lambda item: item[1]))
    point = ('request_status_numbering', 'RequestStatus integers', 'evidence', default)
    listed = dict((name, sorted(codes)) for name, codes in (listed or {}).items() if codes)
    if conflicts:
        seen = '; '.join('%s listed under %s' % (code, ' and '.join(names)) for code, names in sorted(conflicts.items()))
        return verdict(*point + (CONTRADICTED, seen + ': the status filter does not classify requests one way',
                                 'set request_status_map to the numbering a CM administrator confirms; until then '
                                 'the modules never execute or complete a request whose integer is in doubt'))
    if not listed:
        return verdict(*point + (INCONCLUSIVE, 'no request was listed under any status name',
                                 'run again when the caller can see some requests; the modules learn the integers '
                                 'from the status filter on every run anyway'))
    differing = dict((name, codes) for name, codes in listed.items() if codes != [expected.get(name)])
    seen = numbering_text((name, '/'.join(str(c) for c in codes)) for name, codes in sorted(listed.items()))
    if differing:
        wanted = dict((name, codes[0]) for name, codes in listed.items() if len(codes) == 1)
        return verdict(*point + (CONTRADICTED, 'listed: %s; the collection reads %s' % (seen, numbering_text(
            (name, expected.get(name)) for name in sorted(differing))),
            'set request_status_map to %s (the modules also learn these integers from the status filter on every '
            'run, and never act on one they have not learned)' % map_text(wanted)))
    unseen = [name for name in sorted(expected) if name not in listed]
    return verdict(*point + (CONFIRMED, 'listed: %s%s' % (seen, ('; not seen: %s' % ', '.join(unseen)) if unseen else ''),
                             ''))


def _words(card):
    return set(str(w).strip().lower() for w in card.get('operation_words') or ())


def _status_evidence(cards):
    """Integers whose cards' operations show them Suspended (``reinstate``, or revocable while the table
    calls the integer Suspended or Disabled) or Disabled (only ``retire`` while the caller may revoke other
    cards: a Disabled card cannot be revoked again). Returns ``(suspended, disabled, notes)``."""
    uncertain = set(SmartcardStatus.code(name) for name in ('Suspended', 'Disabled'))
    may_revoke = any(_words(c) & set(REVOKE_WORDS) for c in cards)
    suspended, disabled, notes = {}, {}, []
    for card in cards:
        words, code = _words(card), card.get('status')
        if not words or not isinstance(code, int) or isinstance(code, bool):
            continue
        said = '%s (Status %s) lists %s' % (card.get('uuid'), code, ', '.join(sorted(words)))
        if 'reinstate' in words or (code in uncertain and words & set(REVOKE_WORDS)):
            if code not in suspended:
                suspended[code] = card.get('uuid')
                notes.append('card %s: Suspended (%s)' % (said, 'reinstate is listed' if 'reinstate' in words else
                                                          'a Disabled card cannot be revoked again'))
        elif code in uncertain and may_revoke and words == set(['retire']) and code not in disabled:
            disabled[code] = card.get('uuid')
            notes.append('card %s: Disabled (other cards may be revoked, this one not)' % said)
    return suspended, disabled, notes


def smartcard_status_numbering(cards):
    default = numbering_text((name, SmartcardStatus.code(name)) for name in SmartcardStatus.names)
    point = ('smartcard_status_numbering', 'SmartcardStatus integers', 'decision', default)
    suspended, disabled, notes = _status_evidence(cards)
    retired = [c.get('uuid') for c in cards if c.get('status') == SmartcardStatus.code('Retired')]
    if retired:
        notes.append('%d card(s) with Status %s (Retired)' % (len(retired), SmartcardStatus.code('Retired')))
    if not suspended and not disabled:
        return verdict(*point + (INCONCLUSIVE, '; '.join(notes) or 'no sample card shows its status by its operations',
                                 'give sample cards (card, uuid or card_id) that are Suspended and Disabled, read by '
                                 'an account that may revoke them'))
    wrong = dict(('Suspended', code) for code in suspended if SmartcardStatus.name(code) != 'Suspended')
    wrong.update(('Disabled', code) for code in disabled if SmartcardStatus.name(code) != 'Disabled')
    if not wrong:
        return verdict(*point + (CONFIRMED, '; '.join(notes), ''))
    return verdict(*point + (CONTRADICTED, '; '.join(notes), 'set smartcard_status_map to %s' % map_text(wrong)))


def revoke_word(cards):
    point = ('revoke_word', 'Operations word for revoking', 'reference', 'revoke (disable accepted too)')
    said = set()
    for card in cards:
        said |= _words(card) & set(REVOKE_WORDS)
    if not said:
        return verdict(*point + (INCONCLUSIVE, 'no sample card lists revoke or disable',
                                 'give a sample card the caller may revoke (Assigned, Active or Suspended)'))
    if 'disable' in said and 'revoke' not in said:
        return verdict(*point + (CONTRADICTED, 'the operations lists say disable',
                                 'revoke is called disable here: ' + NOTHING_TO_SET + 'the collection accepts both'))
    return verdict(*point + (CONFIRMED, 'the operations lists say %s' % ' and '.join(sorted(said)), ''))


def reinstate_listed(cards):
    point = ('reinstate_listed', 'reinstate in the operations of a Suspended card', 'reference',
             'listed (not required: the server\'s answer to a Reinstate request decides)')
    listing = [c for c in cards if 'reinstate' in _words(c)]
    if listing:
        return verdict(*point + (CONFIRMED, 'card %s lists reinstate' % listing[0].get('uuid'), ''))
    suspended, dummy, dummy_notes = _status_evidence(cards)
    if suspended:
        code, uuid = sorted(suspended.items())[0]
        return verdict(*point + (CONTRADICTED, 'card %s (Status %s) may be revoked, so it is Suspended, yet its '
                                               'operations list has no reinstate' % (uuid, code),
                                 NOTHING_TO_SET + 'the collection does not require reinstate in the list; the '
                                 "server's answer to the Reinstate request decides (a 403 is reported as such)"))
    return verdict(*point + (INCONCLUSIVE, 'no sample card is known to be Suspended',
                             'give a Suspended sample card, read by an account that may reinstate it'))


def request_listing_scope(scope):
    """``scope`` over the listings without targetuser: {'total': requests listed, 'foreign': how many neither
    come from nor target the caller (None when the caller is not known), 'common': how many users every listed
    request involves (None when none was listed)}. A server that lists only the caller's requests has the
    caller in common to all of them."""
    point = ('request_listing_scope', 'GET /requests?status= without targetuser', 'reference',
             "the caller's requests (the reference says every user's)")
    total, foreign, common = scope.get('total') or 0, scope.get('foreign'), scope.get('common')
    advice = (NOTHING_TO_SET + 'the client reads these listings item by item and keeps only the requests of the '
              'cards at hand; expect each listing to take longer')
    if not total:
        return verdict(*point + (INCONCLUSIVE, 'no request was listed', 'run again when some requests exist'))
    if foreign:
        return verdict(*point + (CONTRADICTED, "every user's requests: %d of %d listed requests neither come from "
                                               "nor target the caller" % (foreign, total), advice))
    if foreign is None and common == 0 and total > 1:
        return verdict(*point + (CONTRADICTED, "every user's requests: no user is involved in all %d listed "
                                               "requests" % total, advice))
    if foreign == 0 or common:
        return verdict(*point + (CONFIRMED, 'all %d listed requests come from or target the caller' % total, ''))
    return verdict(*point + (INCONCLUSIVE, '%d request(s) listed, but the caller is not known' % total,
                             'run as a user who owns a card or is the target of a request'))


def answered(point, title, mark, default, check, good, bad_advice):
    """A verdict from one read ``check`` ({'ok': bool, 'seen': text} or None when not tried)."""
    if check is None:
        return verdict(point, title, mark, default, INCONCLUSIVE, 'not tried', good)
    if check.get('ok') is None:
        return verdict(point, title, mark, default, INCONCLUSIVE, check.get('seen'), good)
    if check['ok']:
        return verdict(point, title, mark, default, CONFIRMED, check.get('seen'), '')
    return verdict(point, title, mark, default, CONTRADICTED, check.get('seen'), bad_advice)


def nul_characters(nul):
    point = ('nul_characters', 'NUL characters inside strings', 'reference', 'may occur (SecurityDescriptor)')
    if nul:
        return verdict(*point + (CONFIRMED, 'seen in %s' % nul, ''))
    return verdict(*point + (INCONCLUSIVE, 'no string read held a NUL character',
                             NOTHING_TO_SET + 'the client handles them either way'))


def all_verdicts(obs):
    """Every point, in the order of the report."""
    cards = obs.get('cards') or []
    out = [
        request_status_numbering(obs.get('listed'), obs.get('conflicts'), obs.get('configured')),
        smartcard_status_numbering(cards),
        revoke_word(cards),
        reinstate_listed(cards),
        request_listing_scope(obs.get('scope') or {}),
        answered('paths_case_insensitive', 'Paths are case-insensitive', 'reference', 'yes', obs.get('paths'),
                 'run again when the API answers',
                 NOTHING_TO_SET + 'the collection sends api_path exactly as you give it: keep its letter case'),
        answered('cardid_lookup', 'GET /smartcards?cardid= matches the SerialNumber', 'reference', 'yes',
                 obs.get('cardid'), 'give a sample card that has a SerialNumber',
                 'look cards up by uuid: the card_id option relies on this lookup'),
        answered('unknown_card', 'A card that does not exist', 'reference', 'HTTP 204 No Content',
                 obs.get('unknown_card'), 'run again when the API answers',
                 'ids that match no card fail instead of being reported missing: send this report to the '
                 'collection maintainers'),
        nul_characters(obs.get('nul')),
    ]
    for point, title, mark, default, why, advice in NOT_TESTABLE_POINTS:
        if point == 'request_type_numbering' and obs.get('types'):
            why += ' (RequestType integers in the listed requests: %s)' % ', '.join(str(t) for t in obs['types'])
        out.append(verdict(point, title, mark, default, NOT_TESTABLE, why, advice))
    if obs.get('blocked'):
        for item in out:
            if item['verdict'] != NOT_TESTABLE:
                item.update(verdict=INCONCLUSIVE, seen=obs['blocked'], advice='fix the problem above and run again')
    return out
