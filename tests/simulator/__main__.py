import sys

try:  # the simulator's third-party packages come with the repository's venv, not with any Python
    import spnego  # noqa: F401
    import trustme  # noqa: F401
except ImportError as exc:
    sys.exit("%s -m tests.simulator: %s is not installed here; run the simulator with the repository's venv: "
             ".venv/bin/python -m tests.simulator --state-dir DIR ... (run `make collection` first to create .venv)"
             % (sys.executable, exc.name))

from .cli import main  # noqa: E402

sys.exit(main())
