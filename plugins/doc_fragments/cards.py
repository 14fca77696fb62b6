# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The card options of every module that takes cards (mimcm_card_options.py)."""

    DOCUMENTATION = r'''
options:
  uuid:
    description:
      - Cards by uuid (the card profile id, C(Uuid) in the API). Braces and letter case are ignored.
      - An id that is the serial number printed on the card belongs in O(card_id) (or O(card)); when ids given
        here match no card, the message says so.
      - A single card may be given as a string.
    type: list
    elements: str
    aliases: [uuids]
  card_id:
    description:
      - Cards by physical card id (the card's C(SerialNumber), a GUID in braces for Base CSP cards). Braces and
        letter case are ignored.
    type: list
    elements: str
    aliases: [card_ids]
  card:
    description:
      - Cards by an id of either kind, for lists that mix them (a CSV export, a survey). Each id is looked up as a
        uuid first and, when no card has that uuid, as a card id; both lookups run concurrently with the other
        cards. An id written in braces is looked up the same way.
      - Costs one more call for each id that is not a uuid.
    type: list
    elements: str
    aliases: [cards]
'''
