# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The card options, the same in every module that takes cards: ``uuid``, ``card_id`` and ``card``.

Each is a list with a singular and a plural spelling (``uuid``/``uuids``, ``card_id``/``card_ids``,
``card``/``cards``), like ``ansible.builtin.package name``. Documented once, in the
``mim.cm.cards`` doc fragment; keep the two in step. Messages name the spelling the user wrote.
"""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import validate_guid_list

CARD_OPTIONS = (('uuid', 'uuids'), ('card_id', 'card_ids'), ('card', 'cards'))
ID_KIND_WORDS = {'uuid': 'uuid', 'card_id': 'card_id (serial number)', 'any': 'uuid or card_id (serial number)'}
NONE_GIVEN = 'no cards given: set uuid (or uuids), card_id (or card_ids) or card (or cards)'


def card_argument_spec():
    """A fresh copy of the argument spec of the card options."""
    return dict((name, dict(type='list', elements='str', aliases=[plural])) for name, plural in CARD_OPTIONS)


def _spelling(params, name, plural):
    """The spelling of the option the user wrote (the alias stays in the module's params)."""
    return plural if params.get(plural) is not None else name


def _ids(values, option, duplicates):
    return validate_guid_list(values, option, allow_duplicates=(duplicates == 'merge'))


def mixed_up_hint(kind):
    """What to say when ids given as uuids match no card: they may be serial numbers."""
    if kind != 'uuid':
        return ''
    return (' (if it is the serial number printed on the card, pass it in card_id (or card_ids), or in card '
            '(or cards) to try it as a uuid and then as a card id)')


def card_selection(params, required=True, duplicates='error'):
    """``{'uuids': [...], 'card_ids': [...], 'cards': [...]}`` (None for an option not set), validated.

    An empty list is fine beside a list that has cards (a role computes the three lists); when every
    option given is empty it fails. ``required``: some card must be given (else: the caller's own cards).
    ``duplicates``: ``error`` (a card listed twice in an option fails) or ``merge`` (read once).
    """
    selection, empty = {}, []
    for (name, plural), key in zip(CARD_OPTIONS, ('uuids', 'card_ids', 'cards')):
        values = params.get(name)
        option = _spelling(params, name, plural)
        selection[key] = None if values is None else _ids(values, option, duplicates)
        if values is not None and not values:
            empty.append(option)
    if empty and not any(selection.values()):
        raise InvalidInput('%s %s an empty list: give at least one card%s' % (
            ' and '.join(empty), 'is' if len(empty) == 1 else 'are',
            '' if required else ', or leave the card options unset to read your own cards'))
    if required and not any(selection.values()):
        raise InvalidInput(NONE_GIVEN)
    return selection
