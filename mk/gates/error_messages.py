"""Collect every error message the collection's Python code can give, and check the troubleshooting page.

    python mk/gates/error_messages.py            list the messages (file:line  message template)
    python mk/gates/error_messages.py --check    fail when a message is not on docs/troubleshooting.md

A message is the first argument of a call to one of the client's error classes (mimcm_errors.py:
InvalidInput(...), Forbidden(...), ...) or of an ``AnsibleFilterError``/``AnsibleError``, or the
``msg=`` of ``fail_json``/``warn``, a warning appended to ``.warnings``, a string assigned to a ``msg`` key or variable, in
plugins/. Formatting placeholders become ``…``. The page covers a message when it contains the
message's literal text (case and whitespace ignored) or, for messages made of pieces, the longest
literal piece (at least 12 characters). A message that must stay out of the page (none so far)
would go into EXEMPT with the reason.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "troubleshooting.md"
SOURCES = ["plugins"]
PLACEHOLDER = "…"
MIN_PIECE = 12
EXEMPT: dict[str, str] = {}

ERROR_CALLS = {"fail_json", "warn", "_fail", "AnsibleFilterError", "AnsibleError", "AnsibleActionFail"}
# helpers whose n-th positional argument is a per-card result message
MESSAGE_CALLS = {"_set": 2}
# functions whose returned strings are (parts of) messages
MESSAGE_FUNCTIONS = {"transition_problem", "_foreign_request", "_drift_text"}
ROLE_DIRS = ["roles", "playbooks"]


def error_classes() -> set[str]:
    names = set()
    errors = ROOT / "plugins" / "module_utils" / "mimcm_errors.py"
    if errors.exists():
        for node in ast.walk(ast.parse(errors.read_text())):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
    return names


def template(node: ast.AST) -> str | None:
    """The literal text of a message expression, with placeholders for the variable parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else PLACEHOLDER for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = template(node.left)
        return re.sub(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrifgx%]", PLACEHOLDER, left) if left is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else PLACEHOLDER) + (right if right is not None else PLACEHOLDER)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        base = template(node.func.value)
        return re.sub(r"\{[^}]*\}", PLACEHOLDER, base) if base is not None else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return None
    return None


def call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def messages() -> list[tuple[str, int, str]]:
    classes = error_classes() - {"MimCmError"}
    found = []
    for base in SOURCES:
        for path in sorted((ROOT / base).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(), rel)
            for node in ast.walk(tree):
                candidates = []
                if isinstance(node, ast.FunctionDef) and node.name in MESSAGE_FUNCTIONS:
                    candidates.extend(r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None)
                if isinstance(node, ast.Call):
                    name = call_name(node)
                    if (name == "append" and isinstance(node.func.value, ast.Attribute)
                            and node.func.value.attr == "warnings" and node.args):
                        candidates.append(node.args[0])
                    if name in MESSAGE_CALLS and len(node.args) > MESSAGE_CALLS[name]:
                        candidates.append(node.args[MESSAGE_CALLS[name]])
                    if name == "update":  # row.update(action=..., reason=...): plan reasons
                        candidates.extend(k.value for k in node.keywords if k.arg == "reason")
                    if name in classes or name in ERROR_CALLS:
                        if node.args:
                            candidates.append(node.args[0])
                        candidates.extend(k.value for k in node.keywords if k.arg in ("msg", "message"))
                elif isinstance(node, ast.Dict):
                    candidates.extend(v for k, v in zip(node.keys, node.values)
                                      if isinstance(k, ast.Constant) and k.value in ("msg", "reason"))
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        if (isinstance(target, ast.Name) and target.id == "msg") or (
                                isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                                and target.slice.value == "msg"):
                            candidates.append(node.value)
                for candidate in candidates:
                    text = template(candidate)
                    if text and text.strip(PLACEHOLDER + " ").strip():
                        found.append((rel, getattr(candidate, "lineno", node.lineno), text))
    found.extend(role_messages())
    unique = {}
    for rel, line, text in found:
        unique.setdefault(text, (rel, line, text))
    return sorted(unique.values())


def role_messages() -> list[tuple[str, int, str]]:
    """`msg` of ansible.builtin.fail and `fail_msg` of ansible.builtin.assert in roles and playbooks."""
    import yaml  # noqa: PLC0415

    found = []

    def walk(node, rel):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("ansible.builtin.fail", "fail") and isinstance(value, dict) and isinstance(value.get("msg"), str):
                    found.append((rel, 0, value["msg"]))
                if key in ("ansible.builtin.assert", "assert") and isinstance(value, dict) and isinstance(value.get("fail_msg"), str):
                    found.append((rel, 0, value["fail_msg"]))
                walk(value, rel)
        elif isinstance(node, list):
            for item in node:
                walk(item, rel)

    for base in ROLE_DIRS:
        for path in sorted((ROOT / base).rglob("*.yml")):
            try:
                data = yaml.safe_load(path.read_text())
            except yaml.YAMLError:
                continue
            walk(data, path.relative_to(ROOT).as_posix())
    return [(rel, line, re.sub(r"\{\{.*?\}\}|\{%.*?%\}", PLACEHOLDER, text, flags=re.S)) for rel, line, text in found]


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("`", "").replace("\\\\", "\\")).strip().lower()


def covered(text: str, page: str) -> bool:
    pieces = [normalize(p) for p in text.split(PLACEHOLDER)]
    pieces = [p.strip(" :;,.") for p in pieces]
    pieces = [p for p in pieces if p]
    if not pieces:
        return True
    longest = max(pieces, key=len)
    if len(longest) < MIN_PIECE and len(pieces) > 1:
        return all(p in page for p in pieces)
    return longest in page


def main(argv: list[str]) -> int:
    found = messages()
    if "--check" not in argv:
        for rel, line, text in found:
            print(f"{rel}:{line}\t{text}")
        return 0
    page = normalize(PAGE.read_text()) if PAGE.exists() else ""
    missing = [(rel, line, text) for rel, line, text in found if text not in EXEMPT and not covered(text, page)]
    for rel, line, text in missing:
        print(f"not on docs/troubleshooting.md: {rel}:{line}: {text}")
    print(f"{len(found) - len(missing)} of {len(found)} error messages are on docs/troubleshooting.md")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
