# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """What the user tells every mim.cm module about their server's numbering (mimcm_server_options.py)."""

    DOCUMENTATION = r'''
options:
  smartcard_status_map:
    description:
      - 'The smart card status integers of your server where they differ from the collection''s reading, as a dict
        of status name to integer, for example V({"Disabled": 4, "Suspended": 5}). Names not given keep the
        defaults (None=0, New=1, Assigned=2, Active=3, Suspended=4, Disabled=5, Retired=6).'
      - Only Retired=6 is documented; run M(mim.cm.mimcm_server_info) against your server first and see
        C(docs/enumerations.md).
      - Falls back to the E(MIMCM_SMARTCARD_STATUS_MAP) environment variable (a JSON object).
    type: dict
  request_status_map:
    description:
      - 'The request status integers of your server, as a dict of status name to integer, for example
        V({"Pending": 1, "Approved": 3, "Executing": 4, "Completed": 8}).'
      - Without it the modules learn the integers at run time from the server's own status filter
        (C(GET /requests?status=Pending) lists Pending requests whatever their integers) and never execute or
        complete a request whose integer no filter lists. A map given here is trusted instead.
      - Falls back to the E(MIMCM_REQUEST_STATUS_MAP) environment variable (a JSON object).
    type: dict
'''
