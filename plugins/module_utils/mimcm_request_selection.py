# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which requests a user means: the selection options of mimcm_request_info and mimcm_request, their
validation, and the one predicate a listed or read request is matched with.

Requests are given by id, or by the status names ``GET /requests?status=`` takes, and narrowed to cards
(the card options: a request names its card in OldSmartcardUuid or NewSmartcardUuid), to a comment
(exact, or a prefix such as a change ticket), to the caller's own requests (``mine``: the originator is
the caller) or to another originator, and to the requests targeting the caller. Documented once, in the
``mim.cm.requests`` doc fragment; keep the two in step.
"""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import card_argument_spec, card_selection
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import REQUEST_STATUS_FILTERS
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import EXAMPLE_UUID, normalize_guid, validate_guid_list
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import RECLASSIFY_ORDER

_FILTER_NAMES = dict((name.lower(), name) for name in REQUEST_STATUS_FILTERS)
NOTHING_SELECTED = ('no requests given: set id (or ids) for requests by id, or status (or statuses) for the '
                    'requests the server lists under those statuses')
NOT_NARROWED = ('status %s alone selects every request the server lists under it (on some servers every '
                "user's requests): narrow it with uuid, card_id or card (the cards), comment, comment_prefix, "
                'mine, originator or targeting_me, or give the requests by id')


def selection_argument_spec():
    """A fresh copy of the argument spec of the selection options (the card options included)."""
    spec = card_argument_spec()
    spec.update(
        id=dict(type='list', elements='str', aliases=['ids']),
        status=dict(type='list', elements='str', aliases=['statuses']),
        comment=dict(type='str'),
        comment_prefix=dict(type='str'),
        mine=dict(type='bool', default=False),
        originator=dict(type='str'),
        targeting_me=dict(type='bool', default=False),
    )
    return spec


def _spelling(params, name, plural):
    return plural if params.get(plural) is not None else name


def status_filters(values, option='status'):
    """The canonical status names of ``values`` (any letter case, duplicates once), or InvalidInput."""
    names = []
    for index, value in enumerate(values or ()):
        name = _FILTER_NAMES.get(str(value).strip().lower()) if isinstance(value, str) else None
        if name is None:
            hint = (' (an Abandoned request cannot be listed by status: give it by id)'
                    if str(value).strip().lower() == 'abandoned' else '')
            raise InvalidInput('%s[%d] %r is not a status the server lists requests by: use %s%s'
                               % (option, index, value, ', '.join(REQUEST_STATUS_FILTERS), hint))
        if name not in names:
            names.append(name)
    return names


def request_cards(item):
    """Every card a request object names (OldSmartcardUuid, NewSmartcardUuid), normalised."""
    return set(c for c in (normalize_guid(item.get('OldSmartcardUuid')), normalize_guid(item.get('NewSmartcardUuid')))
               if c)


class RequestSelection(object):
    """The requests a module run works on. ``card_uuids`` (the cards resolved to uuids) and ``caller`` (the
    caller's user uuid) are filled in by the reader before anything is matched."""

    def __init__(self, ids=None, statuses=None, cards=None, comment=None, comment_prefix=None, mine=False,
                 originator=None, targeting_me=False):
        self.ids = ids
        self.statuses = statuses
        self.cards = cards if cards and any(v is not None for v in cards.values()) else None
        self.comment = comment
        self.comment_prefix = comment_prefix
        self.mine = bool(mine)
        self.originator = originator
        self.targeting_me = bool(targeting_me)
        self.card_uuids = None
        self.caller = None

    @classmethod
    def from_params(cls, params, require_narrowing=False):
        """Validated selection of the module options; ``require_narrowing``: a selection by status alone is
        refused (a module that writes)."""
        ids = statuses = None
        if params.get('id') is not None:
            option = _spelling(params, 'id', 'ids')
            if not params['id']:
                raise InvalidInput('%s is an empty list: give at least one request id' % option)
            ids = validate_guid_list(params['id'], option, allow_duplicates=True)
        if params.get('status') is not None:
            option = _spelling(params, 'status', 'statuses')
            if not params['status']:
                raise InvalidInput('%s is an empty list: give at least one status, e.g. Pending' % option)
            statuses = status_filters(params['status'], option)
        if ids is None and statuses is None:
            raise InvalidInput(NOTHING_SELECTED)
        cards = card_selection(params, required=False, duplicates='merge')
        if params.get('comment') is not None and params.get('comment_prefix') is not None:
            raise InvalidInput('comment and comment_prefix are both set: give the exact comment, or its prefix')
        if params.get('comment_prefix') == '':
            raise InvalidInput('comment_prefix is empty, which every comment starts with: give the prefix (e.g. the '
                               'change ticket) or leave it unset')
        originator = None
        if params.get('originator') is not None:
            originator = normalize_guid(params['originator'])
            if originator is None:
                raise InvalidInput('originator %r is not a GUID (a user uuid, e.g. %s)'
                                   % (params['originator'], EXAMPLE_UUID))
            if params.get('mine'):
                raise InvalidInput('mine and originator are both set: mine means the originator is you')
        selection = cls(ids, statuses, cards, params.get('comment'), params.get('comment_prefix'),
                        params.get('mine'), originator, params.get('targeting_me'))
        if require_narrowing and ids is None and not selection.narrowed:
            raise InvalidInput(NOT_NARROWED % ', '.join(statuses))
        return selection

    @property
    def narrowed(self):
        """Whether anything besides the ids and statuses narrows the selection."""
        return (self.cards is not None or self.comment is not None or bool(self.comment_prefix) or self.mine
                or self.originator is not None or self.targeting_me)

    def needs_caller(self):
        """Whether matching needs the caller's user uuid (``mine``, or ``targeting_me`` on requests read by id:
        a listing is narrowed to the caller as target by the server itself)."""
        return self.mine or (self.targeting_me and self.ids is not None)

    def matches(self, item, target_checked=False):
        """Whether a request object (API shape) is selected; ``target_checked``: the server already narrowed
        the listing to requests targeting the caller."""
        if not isinstance(item, dict):
            return False
        if self.card_uuids is not None and not request_cards(item) & self.card_uuids:
            return False
        comment = item.get('Comment') or ''
        if self.comment is not None and comment != self.comment:
            return False
        if self.comment_prefix and not comment.startswith(self.comment_prefix):
            return False
        originator = self.originator or (self.caller if self.mine else None)
        if originator and normalize_guid(item.get('OriginatorUserUuid')) != originator:
            return False
        if self.targeting_me and not target_checked and normalize_guid(item.get('TargetUserUuid')) != self.caller:
            return False
        return True

    def describe(self):
        """The selection in words, for messages."""
        parts = []
        if self.ids is not None:
            parts.append('%d request id(s)' % len(self.ids))
        if self.statuses is not None:
            parts.append('status %s' % ' or '.join(self.statuses))
        if self.cards is not None:
            count = sum(len(v) for v in self.cards.values() if v)
            parts.append('%d card(s)' % count)
        if self.comment is not None:
            parts.append('comment %r' % self.comment)
        if self.comment_prefix:
            parts.append('comment starting with %r' % self.comment_prefix)
        if self.mine:
            parts.append('originated by you')
        if self.originator:
            parts.append('originated by %s' % self.originator)
        if self.targeting_me:
            parts.append('targeting you')
        return ', '.join(parts)


def caller_uuid(client, option='mine'):
    """The caller's user uuid as the server sees it: the owner of the caller's own smart cards
    (``GET /smartcards``), else the target of the requests that target the caller
    (``GET /requests?status=S&targetuser=current``); InvalidInput naming ``option`` when neither tells."""
    for card in client.my_cards():
        uuid = normalize_guid(card.get('AssignedUserUuid')) if isinstance(card, dict) else None
        if uuid:
            return uuid
    found = []

    def keep(item):
        if not found and normalize_guid(item.get('TargetUserUuid')):
            found.append(normalize_guid(item.get('TargetUserUuid')))
        return False
    for status in RECLASSIFY_ORDER:
        client.list_requests(status, target_current=True, keep=keep)
        if found:
            return found[0]
    raise InvalidInput('%s: the server does not show who you are (you own no smart card and no request targets '
                       'you), so your requests cannot be told from others: give your user uuid in originator instead '
                       'of mine; with targeting_me, select by status, not by id (the server then narrows the listing '
                       'itself)' % option)
