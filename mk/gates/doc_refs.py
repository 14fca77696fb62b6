"""Check that the prose docs name only things that exist (the `doc-refs` gate).

    python mk/gates/doc_refs.py

In README.md and docs/*.md (not the generated docs/reference/, not docs/dev/contracts.md):
- every `mim.cm.<name>` is a module, filter, role or playbook of the collection;
- every role variable (`smartcard_lifecycle_*`, `smartcard_report_*`) is an option of that role's
  meta/argument_specs.yml;
- every extra variable passed as `-e name=...` is a role option, a playbook's play variable or a documented
  host variable;
- every `MIMCM_*` environment variable is one the modules read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HOST_VARS = {"mimcm_shard_index", "mimcm_shard_count", "ansible_connection", "ansible_python_interpreter"}


def collection_names() -> set[str]:
    names = {p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in (ROOT / "roles").glob("*") if p.is_dir()}
    names |= {p.stem for p in (ROOT / "playbooks").glob("*.yml")}
    names.add("connection")  # the doc fragment
    names.add("mimcm")  # the action group (group/mim.cm.mimcm)
    for path in (ROOT / "plugins" / "filter").glob("*.py"):
        text = path.read_text()
        body = re.search(r"def filters\(self\):(.*?)(?:\n\S|\Z)", text, re.S)
        if body:
            names |= set(re.findall(r"['\"]([a-z_][a-z0-9_]*)['\"]\s*:", body.group(1)))
    return names


def role_options() -> set[str]:
    options = set()
    for spec_file in (ROOT / "roles").glob("*/meta/argument_specs.yml"):
        specs = (yaml.safe_load(spec_file.read_text()) or {}).get("argument_specs") or {}
        for spec in specs.values():
            options |= set(((spec or {}).get("options") or {}).keys())
    return options


def playbook_vars() -> set[str]:
    """The variables a playbook declares in its plays' ``vars:`` (extra vars override them)."""
    found = set()
    for path in (ROOT / "playbooks").glob("*.yml"):
        for play in yaml.safe_load(path.read_text()) or []:
            found |= set(((play or {}).get("vars") or {}).keys())
    return found


def env_vars() -> set[str]:
    found = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        found |= set(re.findall(r"MIMCM_[A-Z_]*[A-Z]", path.read_text()))
    return found


def pages() -> list[Path]:
    result = [ROOT / "README.md"] if (ROOT / "README.md").exists() else []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("docs/reference/") or rel == "docs/dev/contracts.md":
            continue
        result.append(path)
    return result


def main() -> int:
    names, options, envs = collection_names(), role_options() | playbook_vars(), env_vars()
    problems = []
    for path in pages():
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for name in re.findall(r"\bmim\.cm\.([a-z_][a-z0-9_]*)", line):
                if name not in names:
                    problems.append(f"{rel}:{number}: mim.cm.{name} is not a module, filter, role or playbook")
            for var in re.findall(r"\b(smartcard_(?:lifecycle|report)_[a-z0-9_]+)", line):
                if var not in options:
                    problems.append(f"{rel}:{number}: {var} is not a role option")
            for var in re.findall(r"(?:^|\s)-e\s+([a-zA-Z_][a-zA-Z0-9_]*)=", line):
                if var not in options and var not in HOST_VARS:
                    problems.append(f"{rel}:{number}: -e {var}=... is not a role option")
            for var in re.findall(r"\bMIMCM_[A-Z_]*[A-Z]\b", line):
                if var not in envs:
                    problems.append(f"{rel}:{number}: {var} is not read by the modules")
    for problem in problems:
        print(problem)
    print(f"{len(pages())} pages checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
