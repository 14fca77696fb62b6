# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The progress option of the modules that work on many cards (mimcm_progress.py, plugin_utils/progress.py)."""

    DOCUMENTATION = r'''
options:
  progress:
    description:
      - "Progress lines while the module runs, for a person watching a long run in a terminal or in the AWX job
        output. Every O(progress.interval) seconds the collection's action plugin prints one line, starting with
        C(mim.cm progress:), with the cards done of the total, the rate, an estimate of the time left and the
        outcomes so far, for example C(mim.cm progress: apply CHG0042: 4,000 of 10,000 cards (40%), 231 cards/s,
        about 26 s left; so far 3,990 changed, 10 pending, 0 failed)."
      - "A run shorter than O(progress.interval) prints no progress line. Progress lines need the module to run on the
        controller (C(connection: local), C(delegate_to: localhost)), the way every mim.cm example runs it, and not
        as an C(async) task; elsewhere the module runs without them."
      - O(progress.done), O(progress.total), O(progress.counts) and O(progress.started) are for a caller that splits
        one run into several module calls (the C(mim.cm.smartcard_lifecycle) role's batches); the lines then count the
        whole run.
    type: dict
    suboptions:
      interval:
        description: Seconds between two progress lines; V(0) turns them off.
        type: int
        default: 20
      label:
        description: What the lines call the work, for example C(apply CHG0042). The default names the module's work.
        type: str
      done:
        description: Cards of the whole run finished before this module call.
        type: int
        default: 0
      total:
        description: Cards of the whole run; default the cards of this module call (plus O(progress.done)).
        type: int
      counts:
        description: Outcomes of the cards finished before this module call, by name (for example C(changed),
          C(pending), C(failed)); added to this call's.
        type: dict
      started:
        description: When the whole run started (seconds since the epoch); the lines show the time since then.
        type: float
      file:
        description:
          - Where the module writes its progress for the action plugin to print. The action plugin sets it to a private
            temporary file of its own; leave it unset.
        type: path
'''
