"""Unit tests: no network. The fakes (mimcm_fakes.py) are importable from every test directory."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
