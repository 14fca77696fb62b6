#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: mimcm_server_info
short_description: First contact with a MIM CM server - what it offers and where it differs from the collection's reading
version_added: 0.2.0
description:
  - Probes a MIM Certificate Management REST API read-only and reports what a first run (and support) needs to know
    - the server reached and how TLS was verified, the authentication schemes it offers, whether the login worked
    and as whom the server sees the caller, whether the API is enabled, the request status integers it uses, the
    operations vocabulary of sample cards, the profile templates visible to the caller, and the round-trip latency
    and the cost of a new authenticated connection.
  - For each point where the collection had to read the vendor reference one way (see C(docs/enumerations.md)) it
    gives a verdict - C(confirmed), C(contradicted) (with what it saw and what to set, for example
    O(request_status_map) or O(smartcard_status_map)), C(inconclusive) (nothing this server showed decides it) or
    C(not testable read-only).
  - The module never writes to the server. It runs the same in check mode.
  - An unreachable server, a TLS failure, a failed login or an API that is not enabled is a finding, not a module
    failure - the result says what was seen and what to do (RV(ok) is false, and a warning repeats each problem).
    The module fails only on bad input.
  - Run the playbook C(mim.cm.probe) to get the report as a Markdown file.
author:
  - mim.cm maintainers (@mim-cm)
extends_documentation_fragment:
  - mim.cm.connection
  - mim.cm.server
  - mim.cm.cards
  - mim.cm.attributes
  - mim.cm.attributes.READ_ONLY
options: {}
notes:
  - Sample cards (O(uuid), O(card_id), O(card)) are optional; without them up to five of the caller's own cards are
    used. The smart card status numbering and the operations vocabulary can only be judged from cards - give a
    Suspended, a Disabled and an Active card, read by the account the playbooks will use.
  - Each request status name (Approved, Canceled, Completed, Denied, Executing, Failed, None, Pending) is listed twice,
    with and without C(targetuser=current). A server that lists every user's requests is read item by item and only
    three samples per status are kept.
  - After a failed login nothing more is sent (repeated failed logins can lock the account); after a failed TLS
    verification no credentials are sent, only one more request without credentials and without verification to
    tell whether the server is there.
seealso:
  - module: mim.cm.mimcm_smartcard_info
  - module: mim.cm.mimcm_smartcard_status
'''

EXAMPLES = r'''
- name: First contact with the CM server
  mim.cm.mimcm_server_info:
    url: https://cm.contoso.com
    username: CONTOSO\svc-ansible
    password: "{{ vault_mimcm_password }}"
    ca_path: /etc/pki/tls/certs/contoso-root.pem
  register: probe

- name: Show the findings
  ansible.builtin.debug:
    msg: "{{ probe.summary | map(attribute='msg') | list }}"

- name: With sample cards (a Suspended, a Disabled and an Active one), connection from MIMCM_* variables
  mim.cm.mimcm_server_info:
    uuid:
      - 17cf063d-e337-4aa9-a822-346554ddd3c9
      - 0c96d73f-967b-420e-854a-43ad2a1504bc
    card_id: "{bc88f13f-83ba-4037-8262-46eba1291c6e}"
  register: probe

- name: The verdicts that need a setting
  ansible.builtin.debug:
    msg: "{{ probe.verdicts | selectattr('verdict', 'equalto', 'contradicted') | list }}"

- name: Write the report as Markdown
  ansible.builtin.copy:
    content: "{{ probe | mim.cm.probe_markdown }}"
    dest: mimcm-probe.md
    mode: "0640"
'''

RETURN = r'''
ok:
  description: True when nothing stopped the probe (the server was reached, TLS verified, the login worked, the API answered).
  returned: always
  type: bool
  sample: true
summary:
  description: The findings in words, problems first, then warnings (including every contradicted verdict), then facts.
  returned: always
  type: list
  elements: dict
  contains:
    level:
      description: C(problem) (the collection cannot work until it is fixed), C(warning) or C(info).
      type: str
      returned: always
      sample: warning
    msg:
      description: The finding and, for a problem or warning, what to do.
      type: str
      returned: always
      sample: "Every API path answered HTTP 404: the CM REST API is not enabled. Set Clm.WebApi.Enabled to true ..."
server:
  description: The server reached.
  returned: always
  type: dict
  contains:
    url:
      description: The server (scheme, host and port).
      type: str
      returned: always
      sample: https://cm.contoso.com
    api_url:
      description: The API base URL the modules use (O(url) plus O(api_path)).
      type: str
      returned: always
      sample: https://cm.contoso.com/CertificateManagement/api/v1.0
    reachable:
      description: Whether the server answered at all (also true when it answered only without TLS verification).
      type: bool
      returned: always
      sample: true
    http_status_without_credentials:
      description: The answer to C(GET /smartcards) without credentials (401 expected).
      type: int
      returned: always
      sample: 401
    redirect:
      description: Where that answer redirected to, when it was a redirect.
      type: str
      returned: always
      sample: null
tls:
  description: How the server certificate was verified.
  returned: always
  type: dict
  contains:
    scheme:
      description: C(https) or C(http).
      type: str
      returned: always
      sample: https
    verified:
      description:
        - True when verified, false when verification failed, null when not verified (plain http,
          O(validate_certs=false)) or the server was not reached.
      type: bool
      returned: always
      sample: true
    ca_setting:
      description: The CA setting in words (O(ca_path), E(REQUESTS_CA_BUNDLE), the requests package's bundle, or none).
      type: str
      returned: always
      sample: ca_path /etc/pki/tls/certs/contoso-root.pem
    error:
      description: The TLS error in words, when verification failed.
      type: str
      returned: always
      sample: null
authentication:
  description: What the server offers and whether the login worked.
  returned: always
  type: dict
  contains:
    method:
      description: The O(auth) method used.
      type: str
      returned: always
      sample: ntlm
    username:
      description: The O(username) used (never the password or token).
      type: str
      returned: always
      sample: CONTOSO\svc-ansible
    offered:
      description: The schemes of the C(WWW-Authenticate) headers of the request without credentials.
      type: list
      elements: str
      returned: always
      sample: [NTLM, Negotiate]
    login:
      description: C(worked), C(failed), C(unknown) (the connection broke) or C(not tried).
      type: str
      returned: always
      sample: worked
    error:
      description: The message of the first authenticated call when it did not answer 200/204.
      type: str
      returned: always
      sample: null
    caller_uuid:
      description: The user the server sees the caller as, when it can tell; null otherwise.
      type: str
      returned: always
      sample: 8f1590dc-d932-4b66-8e68-2e91c5880780
    caller_source:
      description:
        - How RV(authentication.caller_uuid) was told (own cards' AssignedUserUuid, TargetUserUuid of requests listed
          with targetuser=current, or the one user every listed request involves).
      type: str
      returned: always
      sample: AssignedUserUuid of the caller's own cards
api:
  description: Whether the API is enabled.
  returned: always
  type: dict
  contains:
    enabled:
      description: False when every API path answered 404 (C(Clm.WebApi.Enabled) is false in the CM web.config); null when not known.
      type: bool
      returned: always
      sample: true
    not_found_paths:
      description: The API paths that answered 404.
      type: list
      elements: str
      returned: always
      sample: []
request_statuses:
  description: The request status integers of this server, from its name-filtered listings.
  returned: always
  type: dict
  contains:
    learned:
      description: Status name to the integers listed under that name (and those of O(request_status_map)).
      type: dict
      returned: always
      sample: {"Approved": [3], "Pending": [16]}
    conflicts:
      description: Integers listed under more than one name (the status filter does not classify one way).
      type: dict
      returned: always
      sample: {}
    listings:
      description: One entry per status name.
      type: list
      elements: dict
      returned: always
      contains:
        status:
          description: The status name of the filter.
          type: str
          returned: always
          sample: Pending
        count:
          description: How many requests C(GET /requests?status=<status>) listed.
          type: int
          returned: always
          sample: 2
        count_targeting_caller:
          description: How many the same listing with C(targetuser=current) listed.
          type: int
          returned: always
          sample: 0
        integers:
          description: The C(Status) integers of the listed requests.
          type: list
          elements: int
          returned: always
          sample: [16]
        samples:
          description: The first three listed requests (uuid, status, request_type, originator_user_uuid, target_user_uuid, old_smartcard_uuid, submitted).
          type: list
          elements: dict
          returned: always
          sample: [{"uuid": "0c96d73f-967b-420e-854a-43ad2a1504bc", "status": 16, "request_type": 10}]
        error:
          description: The message when the listing failed.
          type: str
          returned: always
          sample: null
smartcards:
  description: The sample cards and their operations.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: The card uuid.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    card_id:
      description: The card id (SerialNumber without braces, lower case).
      type: str
      returned: always
      sample: bc88f13f-83ba-4037-8262-46eba1291c6e
    status:
      description: The card's Status integer.
      type: int
      returned: always
      sample: 4
    status_name:
      description: Its name in the collection's table (after O(smartcard_status_map)).
      type: str
      returned: always
      sample: Suspended
    profile_template_uuid:
      description: The card's profile template.
      type: str
      returned: always
      sample: a039b4d0-5ce8-4eff-8651-181c6576fda3
    assigned_user_uuid:
      description: The card's owner.
      type: str
      returned: always
      sample: 8f1590dc-d932-4b66-8e68-2e91c5880780
    query:
      description: The input id that found the card; null for the caller's own cards.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    operation_words:
      description: The operations list as the server words it.
      type: list
      elements: str
      returned: always
      sample: [reinstate, retire, revoke]
    operations:
      description: The same, canonical (as the other modules compare them).
      type: list
      elements: str
      returned: always
      sample: [Reinstate, Retire, Revoke]
    error:
      description: The message when the operations could not be read.
      type: str
      returned: always
      sample: null
missing:
  description: Sample card ids that matched no card.
  returned: always
  type: list
  elements: str
  sample: []
profile_templates:
  description: The profile templates visible to the caller (C(GET /profiletemplates)).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The template name.
      type: str
      returned: always
      sample: Smart Card Logon
    uuid:
      description: The template uuid.
      type: str
      returned: always
      sample: a039b4d0-5ce8-4eff-8651-181c6576fda3
    description:
      description: The template description.
      type: str
      returned: always
      sample: Smart card logon for all employees
profile_templates_error:
  description: The message when the templates could not be listed.
  returned: always
  type: str
  sample: null
latency:
  description: Round-trip times of C(GET /smartcards) (the caller's own cards), in milliseconds; only RV(latency.error) when not measured.
  returned: always
  type: dict
  contains:
    kept_alive_ms:
      description: Median of five calls on the kept-alive connection.
      type: float
      returned: when measured
      sample: 12.5
    new_connection_ms:
      description: Median of three first calls on a new authenticated connection (TCP, TLS and the NTLM/Kerberos handshake).
      type: float
      returned: when measured
      sample: 48.1
    handshake_ms:
      description: RV(latency.new_connection_ms) minus RV(latency.kept_alive_ms).
      type: float
      returned: when measured
      sample: 35.6
    kept_alive_samples_ms:
      description: The five kept-alive times.
      type: list
      elements: float
      returned: when measured
      sample: [12.1, 12.5, 13.0, 12.2, 12.9]
    new_connection_samples_ms:
      description: The three new-connection times.
      type: list
      elements: float
      returned: when measured
      sample: [47.0, 48.1, 50.3]
    error:
      description: Why it was not measured.
      type: str
      returned: when not measured
      sample: not measured
verdicts:
  description: One verdict per point of C(docs/enumerations.md) where the collection had to read the reference one way.
  returned: always
  type: list
  elements: dict
  contains:
    point:
      description:
        - The point's key - request_status_numbering, smartcard_status_numbering, revoke_word, reinstate_listed,
          request_listing_scope, paths_case_insensitive, cardid_lookup, unknown_card, nul_characters,
          created_request_uri, datacollection_form, data_items_required, post_fields, card_put_answer, put_completes,
          rule_errors, request_type_numbering.
      type: str
      returned: always
      sample: revoke_word
    title:
      description: The point in words.
      type: str
      returned: always
      sample: Operations word for revoking
    mark:
      description: How sure the collection's reading is (reference, evidence, decision).
      type: str
      returned: always
      sample: reference
    default:
      description: The collection's reading.
      type: str
      returned: always
      sample: revoke (disable accepted too)
    verdict:
      description: C(confirmed), C(contradicted), C(inconclusive) or C(not testable read-only).
      type: str
      returned: always
      sample: contradicted
    seen:
      description: What the probe saw (or why the point cannot be tested read-only).
      type: str
      returned: always
      sample: the operations lists say disable
    advice:
      description: What to do (which setting, or that nothing needs setting); empty when confirmed.
      type: str
      returned: always
      sample: revoke is called disable here - nothing to set, the collection accepts both
calls:
  description: How many HTTP requests the probe sent (every one a GET; NTLM handshake legs not counted).
  returned: always
  type: int
  sample: 31
error:
  description: What was wrong with the input, when the module fails.
  returned: failure
  type: dict
  contains:
    kind:
      description: The error type (invalid_input, missing_dependency).
      type: str
      returned: always
      sample: invalid_input
    msg:
      description: The message, same as RV(ignore:msg).
      type: str
      returned: always
      sample: "uuid[0] 'nope' is not a GUID (expected e.g. 17cf063d-e337-4aa9-a822-346554ddd3c9)"
'''

from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import card_argument_spec, card_selection
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError
from ansible_collections.mim.cm.plugins.module_utils.mimcm_module import MimCmModule
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe import ServerProbe


def main():
    base = MimCmModule(argument_spec=card_argument_spec())
    try:
        selection = card_selection(base.params, required=False, duplicates='merge')
        result = ServerProbe(base.client, selection).run()
    except MimCmError as exc:
        base.fail(exc)
    for note in result['summary']:
        if note['level'] == 'problem':
            base.module.warn(note['msg'])
    base.exit(changed=False, **result)


if __name__ == '__main__':
    main()
