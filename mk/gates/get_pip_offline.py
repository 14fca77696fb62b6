"""Stand-in for get-pip.py, the bootstrap script ansible-test downloads before it creates a venv.

ansible-test fetches get-pip.py from its own CI file server, which this project's machines cannot
reach (only package registries are reachable). It looks for the script in
~/.ansible/test/cache/get_pip_<version>.py first and, as its own error message says, a copy saved
there is used instead. This file is installed there by `make gates` when no script is cached.

It does what get-pip.py does, with pieces every Python already has: `ensurepip` puts the pip that
ships with the interpreter into the (empty) venv, which then installs the exact packages
ansible-test asked for (e.g. pip==24.2) from the package index.
"""
import ensurepip
import os
import subprocess
import sys

# get-pip.py options that are not pip options
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}

args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
# ensurepip sets PIP_CONFIG_FILE=/dev/null and drops PIP_* from os.environ; the real install must
# see the user's pip configuration (index, proxy CA) again.
env = dict(os.environ)
ensurepip.bootstrap(upgrade=False, default_pip=False)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade", *args], env=env))
