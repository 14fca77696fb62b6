"""The ecosystem gates of the mim.cm collection, run by `make gates` (and so by `make test`).

    python mk/gates/gates.py run [GATE ...]   run the gates (all when none is named)
    python mk/gates/gates.py list             list the gates
    python mk/gates/gates.py docs             re-render docs/reference/ (make docs)
    python mk/gates/gates.py changelog        regenerate CHANGELOG.md (make changelog)

Every gate prints one line, `gate NAME: ok (12 s)` or `gate NAME: FAILED (12 s)` followed by
the end of its log; the full log is build/gates/NAME.log. All gates run even when one fails;
the exit status is non-zero when any failed. The gates work on one artifact: the tarball that
`ansible-galaxy collection build` makes (build/dist/), unpacked as an installed collection into
build/sanity/ansible_collections/mim/cm, so that each check sees exactly what users install.
Needs no container runtime and no network except the Python package index (ansible-test
installs its pinned sanity requirements into its own cached venvs the first time).
"""

from __future__ import annotations

import difflib
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
DIST = BUILD / "dist"
LOGS = BUILD / "gates"
SANITY_ROOT = BUILD / "sanity"
COLLECTION = SANITY_ROOT / "ansible_collections" / "mim" / "cm"
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
REFERENCE = ROOT / "docs" / "reference"

# ansible-test runs on the venv's Python (3.11 here, the project's controller Python)
PYTHON_VERSION = "%d.%d" % sys.version_info[:2]
OTHER_PYTHONS = os.environ.get("OTHER_PYTHONS", "3.12 3.13").split()
TAIL_LINES = 60


class GateFailed(Exception):
    """A gate found a problem; the message says which."""


def galaxy() -> dict:
    return yaml.safe_load((ROOT / "galaxy.yml").read_text())


def artifact_path() -> Path:
    meta = galaxy()
    return DIST / f"{meta['namespace']}-{meta['name']}-{meta['version']}.tar.gz"


def base_env(**extra: str) -> dict:
    env = dict(os.environ)
    if str(BIN) not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_NOCOLOR"] = "1"
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["NO_COLOR"] = "1"
    env["PY_COLORS"] = "0"
    env["ANSIBLE_COLLECTIONS_SCAN_SYS_PATH"] = "false"
    env.update(extra)
    return env


class Log:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.handle = path.open("w", encoding="utf-8")

    def write(self, text: str) -> None:
        self.handle.write(text)
        self.handle.flush()

    def run(self, cmd: list, cwd: Path = ROOT, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        self.write(f"$ (cd {cwd} && {' '.join(str(c) for c in cmd)})\n")
        proc = subprocess.run(
            [str(c) for c in cmd], cwd=cwd, env=env or base_env(), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
        )
        self.write(proc.stdout)
        self.write(f"[exit {proc.returncode}]\n")
        if check and proc.returncode != 0:
            raise GateFailed(f"{Path(str(cmd[0])).name} exited {proc.returncode}")
        return proc

    def close(self) -> None:
        self.handle.close()


# --------------------------------------------------------------------------------------------
# The artifact every gate works on


def build_artifact(log: Log) -> None:
    """Build the collection tarball and unpack it as an installed collection."""
    DIST.mkdir(parents=True, exist_ok=True)
    for old in DIST.glob("*.tar.gz"):
        old.unlink()
    log.run([BIN / "ansible-galaxy", "collection", "build", "--force", "--output-path", DIST, ROOT])
    tarball = artifact_path()
    if not tarball.exists():
        raise GateFailed(f"{tarball} was not built")
    if SANITY_ROOT.exists():
        shutil.rmtree(SANITY_ROOT)
    COLLECTION.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        tar.extractall(COLLECTION, filter="data")
    # What must never ship: local environments, build output, test infrastructure, caches.
    forbidden = re.compile(
        r"^(\.venv|build|\.git|\.ci|mk|tests/simulator|tests/benchmarks|demo-output|bench-results)(/|$)"
        r"|(^|/)(__pycache__|\.pytest_cache|\.ansible|\.mypy_cache)(/|$)|\.pyc$|\.tar\.gz$"
    )
    bad = sorted(n for n in names if forbidden.search(n.removeprefix("./")))
    log.write(f"{len(names)} members in {tarball.name}\n")
    # build/ is ignored by the checkout's git, and ansible-test lists a tree's files with git when it
    # is inside a work tree: give the unpacked collection a repository of its own (nothing committed).
    log.run(["git", "init", "--quiet", COLLECTION], cwd=COLLECTION)
    if bad:
        raise GateFailed("the artifact contains files that must not ship (fix build_ignore in galaxy.yml): " + ", ".join(bad[:20]))


# --------------------------------------------------------------------------------------------
# Gates


def ensure_get_pip(log: Log) -> None:
    """ansible-test bootstraps pip into its venvs with a script from its CI file server, which this
    machine cannot reach; it uses a copy saved in its cache instead (see get_pip_offline.py)."""
    try:  # the pip version ansible-test pins for its venvs (an internal API: pinned ansible-core)
        from ansible_test._internal.python_requirements import get_venv_packages  # noqa: PLC0415
        from ansible_test._internal.host_configs import NativePythonConfig  # noqa: PLC0415

        pip_version = get_venv_packages(NativePythonConfig(version=PYTHON_VERSION, path=sys.executable))["pip"]
    except Exception as exc:  # noqa: BLE001 - ansible-test then reports the missing script itself
        log.write(f"cannot tell which pip ansible-test bootstraps ({exc}); not installing the stand-in\n")
        return
    cache = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{pip_version.replace('.', '_')}.py"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HERE / "get_pip_offline.py", cache)
        log.write(f"installed the pip bootstrap stand-in as {cache}\n")


def gate_sanity(log: Log) -> None:
    """ansible-test sanity --local, every test, on the venv's Python (3.11)."""
    ensure_get_pip(log)
    env = base_env()
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    env.pop("ANSIBLE_COLLECTIONS_PATHS", None)
    proc = log.run(
        [BIN / "ansible-test", "sanity", "--python", PYTHON_VERSION, "--local", "--color", "no"],
        cwd=COLLECTION, env=env, check=False,
    )
    if proc.returncode != 0:
        raise GateFailed("ansible-test sanity failed")


def gate_lint(log: Log) -> None:
    """ansible-lint, production profile, offline, configured by .ansible-lint."""
    log.run([BIN / "ansible-lint", "--profile", "production", "--offline", "--nocolor"], cwd=ROOT)


def gate_importer(log: Log) -> None:
    """galaxy-importer on the artifact, as Galaxy would import it (no container runtime)."""
    env = base_env(GALAXY_IMPORTER_CONFIG=str(HERE / "galaxy-importer.cfg"))
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    proc = log.run([BIN / "python", "-m", "galaxy_importer.main", artifact_path()], cwd=BUILD, env=env, check=False)
    errors = [line for line in proc.stdout.splitlines() if re.match(r"^(ERROR|CRITICAL)\b", line)]
    if proc.returncode != 0 or errors:
        raise GateFailed("galaxy-importer reported errors: " + "; ".join(errors[:10]))
    warnings = [line for line in proc.stdout.splitlines() if line.startswith("WARNING")]
    if warnings:
        raise GateFailed("galaxy-importer reported warnings: " + "; ".join(warnings[:10]))


def gate_docs_lint(log: Log) -> None:
    """antsibull-docs lint-collection-docs --plugin-docs, and every role has a documented argument spec."""
    env = base_env(ANSIBLE_COLLECTIONS_PATH=str(SANITY_ROOT))
    log.run(
        [BIN / "antsibull-docs", "lint-collection-docs", "--plugin-docs", "--validate-collection-refs", "all",
         "--disallow-unknown-collection-refs", COLLECTION],
        cwd=ROOT, env=env,
    )
    problems = role_argspec_problems(COLLECTION)
    for problem in problems:
        log.write(problem + "\n")
    if problems:
        raise GateFailed(f"{len(problems)} role argument spec problem(s)")


def role_argspec_problems(collection: Path) -> list[str]:
    problems = []
    for role in sorted(p for p in (collection / "roles").glob("*") if p.is_dir()):
        spec_file = next((role / "meta" / f"argument_specs.{ext}" for ext in ("yml", "yaml")
                          if (role / "meta" / f"argument_specs.{ext}").exists()), None)
        if spec_file is None:
            problems.append(f"roles/{role.name}: no meta/argument_specs.yml")
            continue
        specs = (yaml.safe_load(spec_file.read_text()) or {}).get("argument_specs") or {}
        if "main" not in specs and (role / "tasks" / "main.yml").exists():
            problems.append(f"roles/{role.name}: argument_specs has no 'main' entry point")
        for entry, spec in specs.items():
            where = f"roles/{role.name} entry point {entry}"
            if not (spec or {}).get("short_description"):
                problems.append(f"{where}: no short_description")
            problems.extend(option_problems(where, (spec or {}).get("options") or {}))
    return problems


def option_problems(where: str, options: dict) -> list[str]:
    problems = []
    for name, option in options.items():
        if not (option or {}).get("description"):
            problems.append(f"{where}: option {name} has no description")
        problems.extend(option_problems(f"{where} option {name}", (option or {}).get("options") or {}))
    return problems


def changelog_env(tree: Path) -> dict:
    return base_env(ANSIBLE_COLLECTIONS_PATH=str(tree.parents[2]))


def render_changelog(log: Log, tree: Path) -> str:
    """CHANGELOG.md as it follows from changelogs/ in `tree` (a copy: this may write into it).

    While the version in galaxy.yml is not released yet, its entry is previewed from the fragments
    with `antsibull-changelog release` run on the copy (the date it records is not rendered);
    once it is released (in changelogs/changelog.yaml), `antsibull-changelog generate` renders it.
    """
    version = str(yaml.safe_load((tree / "galaxy.yml").read_text())["version"])
    changes = yaml.safe_load((tree / "changelogs" / "changelog.yaml").read_text()) or {}
    env = changelog_env(tree)
    if version in (changes.get("releases") or {}):
        log.run([BIN / "antsibull-changelog", "generate"], cwd=tree, env=env)
    else:
        log.run([BIN / "antsibull-changelog", "release", "--version", version, "--date", "1970-01-01"], cwd=tree, env=env)
    return (tree / "CHANGELOG.md").read_text()


def changelog_copy(tmp: Path) -> Path:
    """A copy of the collection to render the changelog from: the artifact (for the plugin list),
    with galaxy.yml and changelogs/ from the checkout."""
    tree = tmp / "ansible_collections" / "mim" / "cm"
    shutil.copytree(COLLECTION, tree, ignore=shutil.ignore_patterns(".git"))
    shutil.copyfile(ROOT / "galaxy.yml", tree / "galaxy.yml")
    shutil.rmtree(tree / "changelogs", ignore_errors=True)
    shutil.copytree(ROOT / "changelogs", tree / "changelogs", ignore=shutil.ignore_patterns(".plugin-cache.yaml"))
    return tree


def gate_changelog(log: Log) -> None:
    """antsibull-changelog lint (fragments and changelog.yaml) and CHANGELOG.md up to date."""
    env = changelog_env(COLLECTION)
    log.run([BIN / "antsibull-changelog", "lint"], cwd=ROOT, env=env)
    log.run([BIN / "antsibull-changelog", "lint-changelog-yaml", ROOT / "changelogs" / "changelog.yaml"], cwd=ROOT, env=env)
    fragments = [p for p in (ROOT / "changelogs" / "fragments").glob("*") if p.name != ".keep"]
    if not fragments and not (yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text()) or {}).get("releases"):
        raise GateFailed("no changelog fragments and no release: every user-visible change needs a fragment")
    with tempfile.TemporaryDirectory(prefix="mimcm-changelog-") as tmp:
        expected = render_changelog(log, changelog_copy(Path(tmp)))
    current = (ROOT / "CHANGELOG.md").read_text() if (ROOT / "CHANGELOG.md").exists() else ""
    if current != expected:
        log.write("".join(difflib.unified_diff(current.splitlines(True), expected.splitlines(True), "CHANGELOG.md", "expected")))
        raise GateFailed("CHANGELOG.md is stale: run `make changelog`")


def render_reference(log: Log, dest: Path) -> None:
    """Render the module, plugin and role reference (simplified RST, no Sphinx needed) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    env = base_env(ANSIBLE_COLLECTIONS_PATH=str(SANITY_ROOT))
    log.run(
        [BIN / "antsibull-docs", "collection", "--use-current", "--fail-on-error", "--squash-hierarchy",
         "--output-format", "simplified-rst", "--no-add-antsibull-docs-version", "--no-breadcrumbs",
         "--cleanup", "everything", "--dest-dir", dest, "mim.cm"],
        cwd=ROOT, env=env,
    )
    (dest / "README.md").write_text(
        "# mim.cm reference\n\n"
        "Generated by `make docs` from the plugin and role documentation (antsibull-docs, simplified RST).\n"
        "Do not edit: change the DOCUMENTATION / RETURN / EXAMPLES blocks or `meta/argument_specs.yml`\n"
        "and re-render; `make gates` fails when this directory is stale.\n\n"
        "Start at [index.rst](index.rst).\n"
    )


def dir_diff(left: Path, right: Path) -> list[str]:
    out = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(f"only in committed: {prefix}{n}" for n in cmp.left_only)
        out.extend(f"missing from committed: {prefix}{n}" for n in cmp.right_only)
        for name in cmp.common_files:
            a, b = Path(cmp.left) / name, Path(cmp.right) / name
            if a.read_bytes() != b.read_bytes():
                out.append(f"differs: {prefix}{name}")
                out.extend(difflib.unified_diff(a.read_text().splitlines(), b.read_text().splitlines(),
                                                f"committed/{prefix}{name}", f"rendered/{prefix}{name}", lineterm="", n=1))
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return out


def gate_reference(log: Log) -> None:
    """docs/reference/ is what `make docs` renders now (re-rendered into a temp dir and compared)."""
    with tempfile.TemporaryDirectory(prefix="mimcm-reference-") as tmp:
        render_reference(log, Path(tmp))
        if not REFERENCE.exists():
            raise GateFailed("docs/reference/ does not exist: run `make docs`")
        diffs = dir_diff(REFERENCE, Path(tmp))
    for line in diffs:
        log.write(line + "\n")
    if diffs:
        raise GateFailed("docs/reference/ is stale: run `make docs`")


def gate_ee(log: Log) -> None:
    """ansible-builder finds meta/execution-environment.yml; docs/execution-environment.yml builds a context.

    `ansible-builder introspect` must report the collection's Python and system requirements, and
    `ansible-builder create` (no container engine needed) must write the build context with the tarball.
    """
    proc = log.run([BIN / "ansible-builder", "introspect", "--sanitize", SANITY_ROOT], cwd=ROOT)
    out = proc.stdout
    for needle in ("requests", "requests-ntlm", "pyspnego", "krb5"):
        if needle not in out:
            raise GateFailed(f"ansible-builder introspect does not report {needle!r} from meta/execution-environment.yml")
    context = BUILD / "ee-context"
    if context.exists():
        shutil.rmtree(context)
    log.run([BIN / "ansible-builder", "create", "--file", ROOT / "docs" / "execution-environment.yml",
             "--context", context, "--output-filename", "Containerfile", "-v", "2"], cwd=ROOT)
    containerfile = (context / "Containerfile").read_text()
    tarball = artifact_path().name
    if not (context / "_build" / "collections" / tarball).exists():
        raise GateFailed(f"the build context has no _build/collections/{tarball}")
    log.write(f"Containerfile: {len(containerfile.splitlines())} lines\n")


def gate_errors(log: Log) -> None:
    """Every error message in plugins/ and the roles is explained on docs/troubleshooting.md."""
    proc = log.run([BIN / "python", HERE / "error_messages.py", "--check"], cwd=ROOT, check=False)
    if proc.returncode != 0:
        missing = [line for line in proc.stdout.splitlines() if line.startswith("not on")]
        raise GateFailed(f"{len(missing)} error message(s) missing from docs/troubleshooting.md")


def gate_doc_refs(log: Log) -> None:
    """README.md and docs/ name only modules, roles, role options and variables that exist."""
    proc = log.run([BIN / "python", HERE / "doc_refs.py"], cwd=ROOT, check=False)
    if proc.returncode != 0:
        problems = [line for line in proc.stdout.splitlines() if ": " in line and not line.endswith("problem(s)")]
        raise GateFailed("; ".join(problems[:5]) + (" ..." if len(problems) > 5 else ""))


MD_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HTML_LINK = re.compile(r"""<(?:a|img)\s[^>]*?(?:href|src)=["']([^"']+)["']""", re.I)


def markdown_anchors(text: str) -> set[str]:
    """The anchors GitHub makes for a Markdown page's headings (and explicit <a name/id>)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for line in strip_code(text).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
        anchors.update(re.findall(r"""<a\s+(?:name|id)=["']([^"']+)["']""", line))
    return anchors


def strip_code(text: str) -> str:
    """The page without fenced code blocks and inline code (links there are examples, not links)."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def relative_links(text: str) -> list[str]:
    body = strip_code(text)
    targets = MD_LINK.findall(body) + HTML_LINK.findall(body)
    targets += [m.group(1) for line in body.splitlines() if (m := MD_REFERENCE.match(line))]
    return [t for t in targets if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", t) and not t.startswith("//")]


def link_problems(root: Path) -> list[str]:
    """Every relative link (and its #anchor, for a Markdown target) of every .md under root resolves under root."""
    problems = []
    pages = sorted(root.rglob("*.md"))
    anchors = {page.resolve(): markdown_anchors(page.read_text(errors="replace")) for page in pages}
    for page in pages:
        rel_page = page.relative_to(root).as_posix()
        for target in relative_links(page.read_text(errors="replace")):
            path_part, _, fragment = target.partition("#")
            dest = (page.parent / path_part).resolve() if path_part else page.resolve()
            if path_part and (not dest.is_relative_to(root.resolve()) or not dest.exists()):
                problems.append(f"{rel_page}: link to {target}: {path_part} is not in the artifact")
            elif fragment and dest.suffix == ".md" and fragment.lower() not in anchors.get(dest, set()):
                problems.append(f"{rel_page}: link to {target}: no heading #{fragment} in {dest.relative_to(root.resolve()).as_posix()}")
    return problems


def gate_links(log: Log) -> None:
    """Every relative link of every Markdown file in the artifact resolves inside the artifact."""
    problems = link_problems(COLLECTION)
    pages = len(list(COLLECTION.rglob("*.md")))
    for problem in problems:
        log.write(problem + "\n")
    log.write(f"{pages} Markdown files checked, {len(problems)} broken link(s)\n")
    if problems:
        raise GateFailed(f"{len(problems)} broken link(s) in the shipped Markdown: " + "; ".join(problems[:3])
                         + (" ..." if len(problems) > 3 else ""))


def gate_pythons(log: Log) -> list[str]:
    """Unit tests under Python 3.12 and 3.13 with the newest ansible-core each allows (skips absent ones)."""
    proc = log.run([BIN / "python", HERE / "pythons.py", *OTHER_PYTHONS], cwd=ROOT, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("python ")]
    if proc.returncode != 0:
        raise GateFailed("; ".join(lines) or "pythons.py failed")
    return lines


GATES = {
    "artifact": build_artifact,
    "sanity": gate_sanity,
    "lint": gate_lint,
    "importer": gate_importer,
    "docs-lint": gate_docs_lint,
    "changelog": gate_changelog,
    "reference": gate_reference,
    "ee": gate_ee,
    "errors": gate_errors,
    "doc-refs": gate_doc_refs,
    "links": gate_links,
    "pythons": gate_pythons,
}


def run_gate(name: str) -> bool:
    log = Log(LOGS / f"{name}.log")
    start = time.monotonic()
    details: list[str] = []
    try:
        details = GATES[name](log) or []
        ok, reason = True, ""
    except GateFailed as exc:
        ok, reason = False, str(exc)
    except Exception as exc:  # a broken gate is a failed gate, with the reason shown
        ok, reason = False, f"{type(exc).__name__}: {exc}"
        import traceback  # noqa: PLC0415
        log.write(traceback.format_exc())
    finally:
        log.close()
    seconds = time.monotonic() - start
    if ok:
        print(f"gate {name}: ok ({seconds:.0f} s)", flush=True)
        for line in details:
            print(f"    {line}", flush=True)
    else:
        lines = log.path.read_text(errors="replace").splitlines()
        print(f"gate {name}: FAILED ({seconds:.0f} s): {reason}", flush=True)
        print(f"---- last {min(TAIL_LINES, len(lines))} lines of {log.path.relative_to(ROOT)}", flush=True)
        print("\n".join(lines[-TAIL_LINES:]), flush=True)
        print("----", flush=True)
    return ok


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "list":
        for name, func in GATES.items():
            print(f"{name:10} {(func.__doc__ or '').strip().splitlines()[0]}")
        return 0
    if command == "docs":
        log = Log(LOGS / "docs.log")
        try:
            build_artifact(log)
            render_reference(log, REFERENCE)
        except GateFailed as exc:
            print(f"make docs failed: {exc} (see {log.path})")
            return 1
        print(f"rendered {REFERENCE.relative_to(ROOT)}/")
        return 0
    if command == "changelog":
        log = Log(LOGS / "changelog-render.log")
        try:
            build_artifact(log)
            with tempfile.TemporaryDirectory(prefix="mimcm-changelog-") as tmp:
                (ROOT / "CHANGELOG.md").write_text(render_changelog(log, changelog_copy(Path(tmp))))
        except GateFailed as exc:
            print(f"make changelog failed: {exc} (see {log.path})")
            return 1
        print("wrote CHANGELOG.md")
        return 0
    if command != "run":
        print(__doc__)
        return 2
    selected = argv[1:] or list(GATES)
    unknown = [n for n in selected if n not in GATES]
    if unknown:
        print(f"unknown gate(s): {', '.join(unknown)}; known: {', '.join(GATES)}")
        return 2
    if "artifact" not in selected:
        selected.insert(0, "artifact")  # every gate works on the built artifact
    start = time.monotonic()
    failed = []
    for name in selected:
        if not run_gate(name):
            failed.append(name)
            if name == "artifact":
                break
    total = time.monotonic() - start
    if failed:
        print(f"gates: {len(failed)} FAILED ({', '.join(failed)}) in {total:.0f} s")
        return 1
    print(f"gates: all {len(selected)} ok in {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
