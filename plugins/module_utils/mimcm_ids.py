# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Identifiers: the ONE GUID pattern of the collection, and what is derived from it.

The API sends GUIDs in any letter case, card serial numbers in braces, and request URIs with
the id at the end; inputs come from users, CSV files and survey text areas. Everything that
compares, keys or validates an id goes through here.
"""

import re

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput

GUID_RE = re.compile(r'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})')

EXAMPLE_UUID = '17cf063d-e337-4aa9-a822-346554ddd3c9'
EXAMPLE_CARD_ID = '{bc88f13f-83ba-4037-8262-46eba1291c6e}'


def normalize_guid(value):
    """``{ABC...}`` / `` abc... `` -> ``abc...``; None when ``value`` is not exactly one GUID."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.startswith('{') and text.endswith('}'):
        text = text[1:-1].strip()
    match = GUID_RE.fullmatch(text)
    return match.group(1).lower() if match else None


def is_braced(value):
    """Whether ``value`` is written in braces (the SerialNumber form of a Base CSP card id)."""
    text = str(value).strip()
    return text.startswith('{') and text.endswith('}')


def id_key(value):
    """A comparison key for any id, GUID or not: lower case, braces and white space removed."""
    if value is None:
        return ''
    return str(value).strip().strip('{}').strip().lower()


def last_guid_in(text):
    """The last GUID inside ``text`` (a created-request URI, relative or absolute, any case), or None."""
    found = GUID_RE.findall(str(text or ''))
    return found[-1].lower() if found else None


def card_id_of(serial):
    """The card id of a SerialNumber: the GUID without braces, or (PKCS#11 middleware) the serial as given."""
    if serial is None:
        return None
    return normalize_guid(serial) or id_key(serial)


def validate_guid_list(values, option, allow_duplicates=False):
    """Normalised GUIDs, or InvalidInput naming the option and the bad value."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    normalized = []
    seen = {}
    for index, value in enumerate(values):
        guid = normalize_guid(value) if isinstance(value, str) else None
        if guid is None:
            raise InvalidInput('%s[%d] %r is not a GUID (expected e.g. %s)' % (option, index, value, EXAMPLE_UUID))
        if guid in seen:
            if allow_duplicates:
                continue
            raise InvalidInput('%s lists %s twice (items %d and %d): remove the duplicate'
                               % (option, guid, seen[guid], index))
        seen[guid] = index
        normalized.append(guid)
    return normalized
