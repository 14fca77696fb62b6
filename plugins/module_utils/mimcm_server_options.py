# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user tells the collection about their server's numbering: ``smartcard_status_map`` and
``request_status_map``. Documented once, in the ``mim.cm.server`` doc fragment; keep the two in step.

Both are dicts of member name to integer, from the option or from a JSON object in the environment
variables MIMCM_SMARTCARD_STATUS_MAP / MIMCM_REQUEST_STATUS_MAP (set once for every module through
``module_defaults`` for ``group/mim.cm.mimcm``, or by an AWX credential).
"""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import env_fallback
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput

ENV_VARS = {'smartcard_status_map': 'MIMCM_SMARTCARD_STATUS_MAP', 'request_status_map': 'MIMCM_REQUEST_STATUS_MAP'}
# Request statuses the name filter knows, plus Abandoned (settable through PUT, integer undocumented).
_REQUEST_NAMES = ('None', 'Approved', 'Denied', 'Completed', 'Failed', 'Pending', 'Canceled', 'Executing', 'Abandoned')


def server_argument_spec():
    """A fresh copy of the argument spec of the server numbering options."""
    return dict((name, dict(type='dict', fallback=(env_fallback, [env]))) for name, env in ENV_VARS.items())


def _names(option):
    return _REQUEST_NAMES if option == 'request_status_map' else SmartcardStatus.names


def parse_status_map(value, option):
    """``{canonical name: integer}`` from a dict of names to integers; InvalidInput naming the option."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput('%s must be a dict of status names to integers, e.g. {"Pending": 1}, got %s'
                           % (option, type(value).__name__))
    names = _names(option)
    canonical = dict((n.lower(), n) for n in names)
    out, seen = {}, {}
    for key, code in value.items():
        name = canonical.get(str(key).strip().lower())
        if name is None:
            raise InvalidInput('%s: %r is not a status name; use %s' % (option, key, ', '.join(names)))
        if isinstance(code, bool) or not isinstance(code, int):
            try:
                code = int(str(code).strip())
            except ValueError:
                raise InvalidInput('%s: the integer of %s must be a whole number, got %r' % (option, name, code))
        if code in seen:
            raise InvalidInput('%s gives %d to both %s and %s: each status needs its own integer'
                               % (option, code, seen[code], name))
        seen[code] = name
        out[name] = code
    return out


class ServerNumbering(object):
    """The validated maps; ``apply()`` renumbers the smart card status table of this module process."""

    def __init__(self, smartcard_status_map=None, request_status_map=None):
        self.smartcard = parse_status_map(smartcard_status_map, 'smartcard_status_map')
        self.request = parse_status_map(request_status_map, 'request_status_map')

    @classmethod
    def from_params(cls, params):
        return cls(params.get('smartcard_status_map'), params.get('request_status_map'))

    def apply(self):
        SmartcardStatus.renumber(self.smartcard)
