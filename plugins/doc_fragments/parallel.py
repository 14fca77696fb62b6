# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The concurrency options of the modules that work on many cards (mimcm_parallel_options.py)."""

    DOCUMENTATION = r'''
options:
  concurrency:
    description:
      - How many cards (or requests) are worked on at the same time. Each worker thread keeps its own kept-alive
        connection, so this is also the most connections (and NTLM or Kerberos handshakes) the module opens.
      - Between 1 and 64.
    type: int
    default: 8
  processes:
    description:
      - How many worker processes share the O(concurrency). A Python process makes its HTTPS calls on one CPU core at
        a time, so with many cards one process is the limit, not the server.
      - V(0) decides automatically, one process per 8 of O(concurrency), at most the CPUs the module may use (CPU
        affinity and a container's CPU quota), and only with at least 100 cards per process. On macOS it means V(1).
      - V(1) keeps all the work in the module process. The total stays O(concurrency) concurrent calls and
        connections (NTLM handshakes) in every case.
    type: int
    default: 0
'''
