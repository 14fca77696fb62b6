#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: mimcm_request_info
short_description: Read MIM Certificate Management requests by id or by status
version_added: 0.2.0
description:
  - Reads CM requests (the requests that authorise a card's retirement, revocation, ...) by id, or the requests the
    server lists under one or more statuses, optionally narrowed to cards, to a comment or comment prefix (a change
    ticket), to your own requests, or to the requests targeting you.
  - Use it to see what a change left behind, for example the requests still waiting for a CM approver, before
    cancelling them with M(mim.cm.mimcm_request).
  - A server may list every user's requests for a status (thousands of objects). The listing is filtered as it
    arrives, so memory holds the selected requests only.
  - The request type and the status come as name and integer. The status name is the server's own (the status
    filter that lists the request); the request type name is given only where this run learned the integer, as the
    reference documents two of them only. An integer that cannot be named is returned as such, with a null name.
author:
  - mim.cm maintainers (@mim-cm)
extends_documentation_fragment:
  - mim.cm.connection
  - mim.cm.server
  - mim.cm.requests
  - mim.cm.cards
  - mim.cm.parallel
  - mim.cm.attributes
  - mim.cm.attributes.READ_ONLY
options: {}
notes:
  - The card options O(uuid), O(card_id) and O(card) do not select cards here, they narrow the requests to those for
    these cards. A card id that matches no card is returned in RV(missing_cards).
  - "HTTP calls: one listing per O(status), or one read per O(id) (plus, for a status integer this run has not
    learned yet, the listings that name it, once per integer); one read per card id in O(card_id) or O(card); and
    for O(mine), one or more reads to learn who you are."
seealso:
  - module: mim.cm.mimcm_request
  - module: mim.cm.mimcm_smartcard_status
'''

EXAMPLES = r'''
- name: The requests of change CHG0042 still waiting for a CM approver
  mim.cm.mimcm_request_info:
    url: https://cm.contoso.com
    username: CONTOSO\svc-ansible
    password: "{{ vault_mimcm_password }}"
    status: Pending
    comment: CHG0042
  register: waiting

- name: Show them
  ansible.builtin.debug:
    msg: "{{ waiting.requests | map(attribute='id') | list }}"

- name: Open requests for two cards, whatever their comment
  mim.cm.mimcm_request_info:
    statuses: [Pending, Approved, Executing]
    uuids:
      - 17cf063d-e337-4aa9-a822-346554ddd3c9
      - 438d1b30-f3b4-4bed-85fa-285e08605ba7
  register: open_requests

- name: Requests by id
  mim.cm.mimcm_request_info:
    ids:
      - b105403d-d021-41ea-9f11-be3d677d229e
      - 0c96d73f-967b-420e-854a-43ad2a1504bc
  register: by_id

- name: My own requests of any CHG ticket that failed
  mim.cm.mimcm_request_info:
    status: Failed
    comment_prefix: CHG
    mine: true
  register: my_failed
'''

RETURN = r'''
requests:
  description:
    - The selected requests. By O(id) in input order; by O(status) in the order of the statuses given, then as the
      server listed them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The request id (C(Uuid), lower case).
      type: str
      returned: always
      sample: 0c96d73f-967b-420e-854a-43ad2a1504bc
    request_type:
      description:
        - The request type name (C(Retire), C(Revoke), ...) when this run learned the integer (from a request it
          created); null otherwise, see RV(requests[].request_type_code).
      type: str
      returned: always
      sample: null
    request_type_code:
      description: The request type as the API's integer (C(RequestType)).
      type: int
      returned: always
      sample: 10
    status:
      description:
        - The status name as the server names it (V(Pending), V(Approved), V(Executing), V(Completed), V(Denied),
          V(Failed), V(Canceled), V(None)), which is the status filter the request was listed under, or the one that lists its
          integer; V(Abandoned) only where learned or configured (O(request_status_map)).
        - Null when no status filter of the server lists the integer (an Abandoned request, or another user's request
          the listings do not show you); see RV(requests[].status_code).
      type: str
      returned: always
      sample: Pending
    status_code:
      description: The status as the API's integer (C(Status)).
      type: int
      returned: always
      sample: 16
    card:
      description: The card the request is for (C(OldSmartcardUuid), else C(NewSmartcardUuid)); null for none.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    originator:
      description: The user who made the request (C(OriginatorUserUuid)).
      type: str
      returned: always
      sample: 6c3c1d1e-73b7-4a44-9c2b-5f43e1f6d1a0
    target:
      description: The user the request is for (C(TargetUserUuid)).
      type: str
      returned: always
      sample: 8f1590dc-d932-4b66-8e68-2e91c5880780
    submitted:
      description: When the request was made, as the API writes it (UTC).
      type: str
      returned: always
      sample: "2015-07-07T23:36:21.93Z"
    completed:
      description: When the request was completed, canceled or abandoned; null while it is not (the API's
        C(0001-01-01T00:00:00)).
      type: str
      returned: always
      sample: null
    comment:
      description: The request's comment (the change ticket, for the requests of this collection).
      type: str
      returned: always
      sample: CHG0042
    data_collection:
      description: The request's data collection items, each C({name, value}).
      type: list
      elements: dict
      returned: always
      sample: [{"name": "Retire Reason", "value": "card lost"}]
    data_collection_complete:
      description: Whether the request's data collection is complete (C(IsDataCollectionComplete)).
      type: bool
      returned: always
      sample: true
    profile_template_uuid:
      description: The profile template of the request.
      type: str
      returned: always
      sample: a039b4d0-5ce8-4eff-8651-181c6576fda3
    priority:
      description: The request's priority.
      type: int
      returned: always
      sample: 0
    flags:
      description: The request's integer flags.
      type: int
      returned: always
      sample: 2
missing:
  description: The request ids of O(id) (normalised) that matched no request.
  returned: always
  type: list
  elements: str
  sample: []
missing_cards:
  description: The card ids of O(card_id) and O(card) that matched no card (no request can be for them).
  returned: always
  type: list
  elements: str
  sample: []
error:
  description: What went wrong, when the module fails (bad input, connection, authentication, a read that failed).
  returned: failure
  type: dict
  contains:
    kind:
      description: The error type (invalid_input, forbidden, server_error, auth_failed, tls, timeout, connection, ...).
      type: str
      returned: always
      sample: invalid_input
    msg:
      description: The message.
      type: str
      returned: always
      sample: "status[0] 'Open' is not a status the server lists requests by: use Approved, Canceled, Completed, Denied,
        Executing, Failed, None, Pending"
'''

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError
from ansible_collections.mim.cm.plugins.module_utils.mimcm_module import MimCmModule
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import parallel_argument_spec
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_reader import RequestReader
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_selection import (
    RequestSelection,
    selection_argument_spec,
)


def main():
    spec = selection_argument_spec()
    spec.update(parallel_argument_spec())
    base = MimCmModule(argument_spec=spec)
    params = base.params
    try:
        selection = RequestSelection.from_params(params)
        reader = RequestReader(base.client, selection, concurrency=params['concurrency'],
                               processes=params['processes'])
        requests, missing, missing_cards = reader.read()
    except MimCmError as exc:
        base.fail(exc, requests=[], missing=[], missing_cards=[])
    base.exit(changed=False, requests=requests, missing=missing, missing_cards=missing_cards)


if __name__ == '__main__':
    main()
