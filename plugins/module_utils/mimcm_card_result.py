# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape of cards in module results: the API's PascalCase object -> snake_case keys, and the summary
and diff of a status change's per-card results.

Every key of the API object is kept (a field this collection does not know is converted, not
dropped); GUID fields are lower case without braces; ``status_name`` and ``card_id`` are added.
"""

import re

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import card_id_of, normalize_guid

CARD_FIELDS = (
    ('Uuid', 'uuid'),
    ('Status', 'status'),
    ('Flags', 'flags'),
    ('ParentSmartcardUuid', 'parent_smartcard_uuid'),
    ('PrimarySmartcardUuid', 'primary_smartcard_uuid'),
    ('PermanentSmartcardUuid', 'permanent_smartcard_uuid'),
    ('AssignedUserUuid', 'assigned_user_uuid'),
    ('ProfileTemplateUuid', 'profile_template_uuid'),
    ('ProfileTemplateVersion', 'profile_template_version'),
    ('Comment', 'comment'),
    ('SerialNumber', 'serial_number'),
    ('Middleware', 'middleware'),
    ('Atr', 'atr'),
)
_GUID_FIELDS = ('uuid', 'parent_smartcard_uuid', 'primary_smartcard_uuid', 'permanent_smartcard_uuid',
                'assigned_user_uuid', 'profile_template_uuid')
_CARD_KEY_MAP = dict(CARD_FIELDS)
_CAMEL_RE = re.compile(r'(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z][a-z])')


def snake_case(name):
    return _CAMEL_RE.sub(lambda m: '_' + (m.group(1) or m.group(2)), str(name)).lower()


def card_to_result(card):
    """API card object (PascalCase) -> result dict (snake_case, plus status_name and card_id)."""
    result = {}
    for key, value in (card or {}).items():
        name = _CARD_KEY_MAP.get(key) or snake_case(key)
        result[name] = value
    for name in _GUID_FIELDS:
        if isinstance(result.get(name), str):
            result[name] = normalize_guid(result[name]) or result[name]
    result['status_name'] = SmartcardStatus.name(result.get('status'))
    result['card_id'] = card_id_of(result.get('serial_number'))
    return result


# The states of a status change's per-card result.
STATES = ('changed', 'unchanged', 'pending', 'failed', 'skipped')


def status_summary(results):
    """How many cards ended in each state, and the total."""
    summary = dict((state, 0) for state in STATES)
    for result in results:
        summary[result['state']] = summary.get(result['state'], 0) + 1
    summary['total'] = len(results)
    return summary


def status_diff(results):
    """Before and after status of every card that changed, keyed by card uuid."""
    before, after = {}, {}
    for result in results:
        if result.get('changed') and result.get('uuid'):
            before[result['uuid']] = result.get('before')
            after[result['uuid']] = result.get('after')
    return {'before': before, 'after': after}


def blank_result(kind, value):
    """The result of one card of a status change before anything is known (a failure until said otherwise)."""
    return {
        'uuid': value if kind == 'uuid' else None,
        'card_id': value if kind == 'card_id' else None,
        'before': None, 'before_code': None, 'after': None, 'after_code': None,
        'changed': False, 'request_id': None, 'state': 'failed', 'msg': '',
    }


def set_outcome(result, state, msg, changed=False, after=None, request_id=None):
    """Record a card's outcome: its state, message, whether it changed, its status after, its request."""
    result['state'] = state
    result['msg'] = msg
    result['changed'] = changed
    if after is not None:
        result['after'] = SmartcardStatus.name(after)
        result['after_code'] = SmartcardStatus.code(after)
    if request_id:
        result['request_id'] = request_id


def known_cards_by_uuid(entries):
    """The status module's ``known_cards`` (cards as the caller read them moments ago, in the info module's
    snake_case shape) as ``{uuid: (API card object, card id)}``; an entry it cannot interpret is refused
    before anything is written: InvalidInput naming the entry and the fix."""
    known = {}
    for index, entry in enumerate(entries or []):
        uuid = normalize_guid(entry.get('uuid')) if isinstance(entry, dict) else None
        status = entry.get('status') if isinstance(entry, dict) else None
        if not uuid or isinstance(status, bool) or not isinstance(status, int):
            raise InvalidInput('known_cards[%d] must be a card as mim.cm.mimcm_smartcard_info returns it, with a GUID '
                               'uuid and an integer status; got %r. Leave known_cards out to let the module read '
                               'every card' % (index, entry if not isinstance(entry, dict) else
                                               {k: entry.get(k) for k in ('uuid', 'status')}))
        card = {'Uuid': uuid, 'Status': status}
        for name, field in (('profile_template_uuid', 'ProfileTemplateUuid'), ('assigned_user_uuid', 'AssignedUserUuid')):
            if normalize_guid(entry.get(name)):
                card[field] = normalize_guid(entry.get(name))
        known[uuid] = (card, entry.get('card_id'))
    return known
