# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The request selection options of mimcm_request_info and mimcm_request (mimcm_request_selection.py).
    The card options that narrow the selection are the mim.cm.cards fragment."""

    DOCUMENTATION = r'''
options:
  id:
    description:
      - Requests by id (the request's C(Uuid)). Braces and letter case are ignored; an id listed twice is read once.
      - Each is read with C(GET /requests/{id}); an id no request has is returned in RV(missing).
      - With O(status) too, only the requests in one of those statuses are selected.
    type: list
    elements: str
    aliases: [ids]
  status:
    description:
      - Requests by status, as the server's request filter takes them (C(GET /requests?status=<name>)), one of V(Approved),
        V(Canceled), V(Completed), V(Denied), V(Executing), V(Failed), V(None) or V(Pending), in any letter case.
      - Each name costs one listing. Without C(targetuser) the server lists every user's requests (the reference
        says so); the listing is read item by item and only the selected requests are kept.
      - A status is the server's own classification, so it needs no status integers. Abandoned has no filter,
        so select abandoned requests by O(id).
    type: list
    elements: str
    aliases: [statuses]
  comment:
    description:
      - Only requests whose comment is exactly this (case-sensitive). An empty string selects the requests without a
        comment.
    type: str
  comment_prefix:
    description:
      - Only requests whose comment starts with this (case-sensitive), for example a change ticket prefix.
      - Not together with O(comment).
    type: str
  mine:
    description:
      - Only requests you originated (their C(OriginatorUserUuid) is you).
      - The API does not say who the caller is, so the module learns your user uuid from the owner of your own smart
        cards (C(GET /smartcards)), else from the target of the requests that target you
        (C(GET /requests?status=<name>&targetuser=current)). When neither tells (a service account with no cards and
        no requests for itself) the module fails before any write; give your user uuid in O(originator) instead.
    type: bool
    default: false
  originator:
    description:
      - Only requests originated by this user (a user uuid). Not together with O(mine).
    type: str
  targeting_me:
    description:
      - Only requests that target you (their C(TargetUserUuid) is you). With O(status) the server narrows the listing
        itself (C(targetuser=current)).
    type: bool
    default: false
notes:
  - Give the requests by O(id) or by O(status). The card options (O(uuid), O(card_id), O(card)) then narrow them to
    requests for those cards (a request names its card in C(OldSmartcardUuid) or C(NewSmartcardUuid)); a card id is
    looked up once. O(comment), O(comment_prefix), O(mine), O(originator) and O(targeting_me) narrow them further;
    every narrowing given must hold.
'''
