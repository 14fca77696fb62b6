#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: mimcm_smartcard_info
short_description: Read smart cards from MIM Certificate Management
version_added: 0.1.0
description:
  - Reads smart cards from the MIM CM REST API by card uuid, by physical card id (serial number), by an id of
    either kind, or, with none, the cards of the authenticated user.
  - Optionally adds what the caller may request for each card (its operations).
  - A list is fetched concurrently, with one kept-alive connection per worker thread.
author:
  - mim.cm maintainers (@mim-cm)
extends_documentation_fragment:
  - mim.cm.connection
  - mim.cm.server
  - mim.cm.cards
  - mim.cm.parallel
  - mim.cm.progress
  - mim.cm.attributes
  - mim.cm.attributes.READ_ONLY
options:
  include_operations:
    description:
      - Add RV(smartcards[].operations), what the caller may request for each card (one more call per card).
    type: bool
    default: false
  include_profile_templates:
    description:
      - Add RV(profile_templates), the profile templates visible to the caller, with their names (one call,
        C(GET /profiletemplates), whatever the number of cards).
      - When the server refuses or lacks that listing, RV(profile_templates) is empty, RV(profile_templates_error)
        says why, a warning is given, and the cards are read as usual.
    type: bool
    default: false
    version_added: 0.2.0
notes:
  - An id that matches no card is returned in RV(missing), not as an error. Duplicates are read once.
  - With none of O(uuid), O(card_id) and O(card), the module returns the authenticated user's own cards.
  - The API has no endpoint that lists every card in the system.
seealso:
  - module: mim.cm.mimcm_smartcard_status
'''

EXAMPLES = r'''
- name: Read two cards by uuid, with what we may do to them
  mim.cm.mimcm_smartcard_info:
    url: https://cm.contoso.com
    username: CONTOSO\svc-ansible
    password: "{{ vault_mimcm_password }}"
    uuid:
      - 17cf063d-e337-4aa9-a822-346554ddd3c9
      - 0c96d73f-967b-420e-854a-43ad2a1504bc
    include_operations: true
  register: cards

- name: Read cards from a list that mixes uuids and serial numbers (each tried as a uuid, then as a card id)
  mim.cm.mimcm_smartcard_info:
    cards: "{{ lookup('ansible.builtin.file', 'cards.txt').split() }}"
  register: mixed

- name: Find a card by the serial number printed on it
  mim.cm.mimcm_smartcard_info:
    card_id: "{bc88f13f-83ba-4037-8262-46eba1291c6e}"
  register: by_serial

- name: The connection set once for the mim.cm modules; list my own cards
  module_defaults:
    group/mim.cm.mimcm:
      url: https://cm.contoso.com
      username: svc-ansible@contoso.com
      password: "{{ vault_mimcm_password }}"
      ca_path: /etc/pki/contoso-root.pem
  block:
    - name: My cards
      mim.cm.mimcm_smartcard_info:
      register: mine

    - name: Show them
      ansible.builtin.debug:
        msg: "{{ mine.smartcards | map(attribute='status_name') | list }}"
'''

RETURN = r'''
smartcards:
  description: The cards found, in input order (O(uuid) first, then O(card_id)).
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: The card profile id (lower case), the id every smart card endpoint takes.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    status:
      description: The card status as the API's integer.
      type: int
      returned: always
      sample: 3
    status_name:
      description:
        - The status name (None, New, Assigned, Active, Suspended, Disabled, Retired).
        - An integer outside that table is reported as C(Unknown(<n>)).
      type: str
      returned: always
      sample: Active
    flags:
      description: The card's integer flags.
      type: int
      returned: always
      sample: 1
    parent_smartcard_uuid:
      description: The card this one replaced (all zeros when none).
      type: str
      returned: always
      sample: 00000000-0000-0000-0000-000000000000
    primary_smartcard_uuid:
      description: Linked primary card (temporary-card scenarios; all zeros when none).
      type: str
      returned: always
      sample: 00000000-0000-0000-0000-000000000000
    permanent_smartcard_uuid:
      description: Linked permanent card (temporary-card scenarios; all zeros when none).
      type: str
      returned: always
      sample: 00000000-0000-0000-0000-000000000000
    assigned_user_uuid:
      description: The user the card belongs to.
      type: str
      returned: always
      sample: 8f1590dc-d932-4b66-8e68-2e91c5880780
    profile_template_uuid:
      description: The profile template that governs the card.
      type: str
      returned: always
      sample: a039b4d0-5ce8-4eff-8651-181c6576fda3
    profile_template_version:
      description: The profile template version when the card was issued.
      type: int
      returned: always
      sample: 46
    comment:
      description: Free text stored with the card.
      type: str
      returned: always
      sample: ''
    serial_number:
      description: The physical card id as the API returns it (a GUID in braces).
      type: str
      returned: always
      sample: '{bc88f13f-83ba-4037-8262-46eba1291c6e}'
    card_id:
      description: RV(smartcards[].serial_number) without braces, in lower case.
      type: str
      returned: always
      sample: bc88f13f-83ba-4037-8262-46eba1291c6e
    middleware:
      description: The card middleware.
      type: str
      returned: always
      sample: MSBaseCSP
    atr:
      description: The card's answer-to-reset string (hex).
      type: str
      returned: always
      sample: 3b8d0180fba000000397425446590301c8
    query:
      description: The input id (from O(uuid) or O(card_id)) that found this card; null for the user's own cards.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    operations:
      description:
        - What the caller may request for this card, canonical names
          (OnlineUpdate, Renew, Recover, RecoverOnBehalf, Retire, Revoke, Unblock, Reinstate).
      type: list
      elements: str
      returned: when O(include_operations=true)
      sample: [Renew, Unblock, Retire]
profile_templates:
  description: The profile templates visible to the caller, to name the cards' RV(smartcards[].profile_template_uuid).
  returned: when O(include_profile_templates=true)
  type: list
  elements: dict
  contains:
    uuid:
      description: The template's uuid (lower case).
      type: str
      returned: always
      sample: a039b4d0-5ce8-4eff-8651-181c6576fda3
    name:
      description: The template's name.
      type: str
      returned: always
      sample: Smart Card Logon
    description:
      description: The template's description.
      type: str
      returned: always
      sample: Smart card logon and e-mail certificates for every employee
  version_added: 0.2.0
profile_templates_error:
  description: Why RV(profile_templates) is empty although asked for (the server refused or lacks the listing).
  returned: when O(include_profile_templates=true) and the listing failed
  type: str
  sample: "listing the profile templates: forbidden (HTTP 403)"
  version_added: 0.2.0
missing:
  description: The input ids (normalised, lower case, no braces) that matched no card.
  returned: always
  type: list
  elements: str
  sample: [0c96d73f-967b-420e-854a-43ad2a1504bc]
error:
  description: What went wrong, when the module fails on an API error.
  returned: failure
  type: dict
  contains:
    kind:
      description: The error type (not_found, forbidden, bad_request, server_error, auth_failed, tls, timeout, connection, invalid_input).
      type: str
      returned: always
      sample: forbidden
    msg:
      description: The message, same as RV(ignore:msg).
      type: str
      returned: always
      sample: "Reading the card for card 17cf...: forbidden (HTTP 403)"
    http_status:
      description: The HTTP status code, when there was one.
      type: int
      returned: when the server answered
      sample: 403
    correlation_id:
      description: The server's correlation id of an HTTP 500, to look up in the CM event log.
      type: str
      returned: for server errors that carry one
      sample: 5f0e5bb4-2d2f-4b7e-9a53-03f0e4a7b1d2
'''

from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import (
    card_argument_spec,
    card_selection,
    mixed_up_hint,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError
from ansible_collections.mim.cm.plugins.module_utils.mimcm_module import MimCmModule
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import parallel_argument_spec
from ansible_collections.mim.cm.plugins.module_utils.mimcm_progress import progress_argument_spec, progress_for
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader, read_outcome


def main():
    spec = card_argument_spec()
    spec.update(parallel_argument_spec())
    spec.update(progress_argument_spec())
    spec.update(include_operations=dict(type='bool', default=False),
                include_profile_templates=dict(type='bool', default=False))
    base = MimCmModule(argument_spec=spec)
    params = base.params
    try:
        cards = card_selection(params, required=False, duplicates='merge')
        reader = SmartcardReader(base.client, concurrency=params['concurrency'],
                                 include_operations=params['include_operations'], processes=params['processes'],
                                 progress=progress_for(params, read_outcome))
        extra = {}
        if params['include_profile_templates']:
            smartcards, missing, (extra['profile_templates'], error) = reader.read_with_templates(**cards)
            if error:
                extra['profile_templates_error'] = error
                base.module.warn('The profile templates could not be listed, their uuids stand for their names: %s'
                                 % error)
        else:
            smartcards, missing = reader.read(**cards)
    except MimCmError as exc:
        base.fail(exc, smartcards=[], missing=[])
    by_uuid = set(cards['uuids'] or ())
    unmatched = [m for m in missing if m in by_uuid]
    if unmatched:
        base.module.warn('%d id(s) given in uuid matched no card, e.g. %s%s'
                         % (len(unmatched), unmatched[0], mixed_up_hint('uuid')))
    base.exit(smartcards=smartcards, missing=missing, **extra)


if __name__ == '__main__':
    main()
