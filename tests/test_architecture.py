"""The layers, by folder: a small kernel, features on top of it, and pure cores inside features.

- **Kernel**: the modules directly in ``crm/`` (database, errors, i18n, jobs...); ``crm.app``
  is the composition root that wires the features and is imported by no ``crm`` module.
- **Features**: the packages directly in ``crm/`` (contacts, dedupe, imports...). A feature
  module imports the kernel, its own feature, and only the ``services`` and ``models`` of
  another feature (or its cores) — never its views, forms, jobs or helpers.
- **Cores**: every package inside a feature (``crm/dedupe/engine/``, ``crm/imports/parsing/``,
  ``crm/contacts/core/``) imports only the standard library, third-party libraries declared
  in ``pyproject.toml`` other than the web and database stack, and other cores. Importing one
  loads neither Flask nor SQLAlchemy.

Every module is found by walking ``crm/``, so a new file is covered without being listed.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "crm"
WEB_STACK = re.compile(r"^(flask|flask_\w+|sqlalchemy|werkzeug|wtforms)$")

# Imports of another feature's helpers that predate the rule, as (importer, imported) module
# pairs. Each is a dependency to remove (issue "one-way dependencies", item 1): move the helper
# into the kernel or behind the other feature's services, then delete its line here. The test
# fails on a new violation and on a line that no longer matches one.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset({
    # A segment is the contact list page's search and filters, evaluated by the same query.
    ("crm.lists.services", "crm.contacts.search"),
})


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _packages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "__init__.py").is_file())


FEATURES = _packages(CRM)
CORES = sorted(init.parent for feature in FEATURES for init in feature.rglob("__init__.py")
               if init.parent != feature)
CORE_NAMES = [_module_name(core / "__init__.py") for core in CORES]
KERNEL = sorted(p for p in CRM.glob("*.py") if p.name != "__init__.py")
CORE_MODULES = sorted({path for core in CORES for path in core.rglob("*.py")})
FEATURE_MODULES = sorted(path for feature in FEATURES for path in feature.glob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside functions, as absolute names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                module = _module_name(path)
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                is_module = _module_path(submodule) is not None
                names.add(submodule if is_module else base)
    names.discard("__future__")
    return names


def _module_path(name: str) -> Path | None:
    if not name.startswith("crm."):
        return None
    relative = Path(*name.split("."))
    for candidate in (ROOT / relative.with_suffix(".py"), ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]
             for requirement in project["dependencies"])
    return {_canonical(name) for name in names}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


DECLARED = _declared_distributions()
DISTRIBUTIONS = packages_distributions()


def _is_declared_library(top: str) -> bool:
    return any(_canonical(dist) in DECLARED for dist in DISTRIBUTIONS.get(top, ()))


def _in_core(name: str) -> bool:
    return any(name == core or name.startswith(core + ".") for core in CORE_NAMES)


def core_violations(path: Path) -> list[str]:
    wrong = []
    for name in sorted(imported(path)):
        top = name.partition(".")[0]
        if top == "crm":
            if not _in_core(name):
                wrong.append(f"{name} (not a core)")
        elif WEB_STACK.match(top):
            wrong.append(f"{name} (web or database stack)")
        elif top not in sys.stdlib_module_names and not _is_declared_library(top):
            wrong.append(f"{name} (neither the standard library nor a declared dependency)")
    return wrong


def _feature_of(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) < 2 or parts[0] != "crm" or not (CRM / parts[1] / "__init__.py").is_file():
        return None
    return parts[1]


def feature_violations(importer: str, names: set[str]) -> set[tuple[str, str]]:
    own = _feature_of(importer)
    wrong = set()
    for name in names:
        if name == "crm.app" or name.startswith("crm.app."):
            wrong.add((importer, name))
            continue
        other = _feature_of(name)
        if other is None or other == own or _in_core(name):
            continue
        module = ".".join(name.split(".")[:3])
        if module not in {f"crm.{other}.services", f"crm.{other}.models"}:
            wrong.add((importer, module))
    return wrong


def test_the_tree_has_the_three_layers():
    assert {"crm.dedupe.engine", "crm.imports.parsing", "crm.contacts.core"} <= set(CORE_NAMES)
    assert {CRM / "database.py", CRM / "errors.py", CRM / "i18n.py"} <= set(KERNEL)
    assert CRM / "contacts" / "views.py" in FEATURE_MODULES
    assert CRM / "contacts" / "core" / "normalise.py" in CORE_MODULES
    assert not set(FEATURE_MODULES) & set(CORE_MODULES)


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(CRM)))
def test_core_imports_only_the_standard_library_declared_libraries_and_cores(path):
    assert core_violations(path) == []


def test_features_import_only_services_and_models_of_other_features():
    found = set().union(*(feature_violations(_module_name(path), imported(path)) for path in FEATURE_MODULES))
    assert sorted(found - KNOWN_VIOLATIONS) == [], "new dependency on another feature's internals"
    assert sorted(KNOWN_VIOLATIONS - found) == [], "fixed: remove it from KNOWN_VIOLATIONS"


def test_no_crm_module_imports_the_composition_root():
    for path in [*KERNEL, *FEATURE_MODULES, *CORE_MODULES]:
        assert "crm.app" not in imported(path), path


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(CRM)))
def test_importing_a_core_loads_neither_flask_nor_sqlalchemy(path):
    code = (f"import sys, {_module_name(path)}\n"
            "print(sorted({m.partition('.')[0] for m in sys.modules}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT,  # noqa: S603 (our module names)
                            capture_output=True, text=True, check=True, timeout=60)
    loaded = [name for name in ast.literal_eval(result.stdout) if WEB_STACK.match(name)]
    assert loaded == []


@pytest.mark.parametrize("path", sorted([*(CRM / "imports").rglob("*.py"), *(CRM / "dedupe").rglob("*.py"),
                                         *CORE_MODULES]),
                         ids=lambda p: str(p.relative_to(CRM)))
def test_module_is_short_and_documented(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 300
    assert ast.get_docstring(ast.parse(text))


def test_the_rules_catch_what_they_forbid(tmp_path):
    core = tmp_path / "core.py"
    core.write_text('"""A core."""\nimport json\nfrom flask import g\nimport numpy\n'
                    "from crm.contacts.models import Contact\n", encoding="utf-8")
    assert core_violations(core) == ["crm.contacts.models (not a core)", "flask (web or database stack)"]
    names = {"crm.interactions.views", "crm.outlets.services", "crm.tasks.models", "crm.database",
             "crm.contacts.forms", "crm.dedupe.engine.spec", "crm.contacts.core.normalise"}
    assert feature_violations("crm.contacts.views", names) == {
        ("crm.contacts.views", "crm.interactions.views")}
