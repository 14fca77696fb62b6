# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The attributes every mim.cm module shares. Modules refine check_mode and diff_mode in their own
    attributes (a module's own text is merged over these)."""

    DOCUMENTATION = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/mim.cm.mimcm) in C(module_defaults) to set the connection options for every mim.cm module.
    support: full
    membership:
      - mim.cm.mimcm
'''

    # A module that only reads.
    READ_ONLY = r'''
options: {}
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs unchanged in check mode.
  diff_mode:
    support: none
    description: The module only reads; there is nothing to diff.
'''

    # A module that changes the server: check mode writes nothing, diff mode shows before and after.
    CHANGES = r'''
options: {}
attributes:
  check_mode:
    support: full
    description:
      - Nothing is written to the server; what a real run would read is still read, and the verdict is the one a
        real run would give.
  diff_mode:
    support: full
    description: RV(diff) holds the before and after state of every item that changes.
'''
