"""The import and de-duplication cores stay pure: no Flask, no database, no app modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2] / "crm"
ALLOWED_CRM = {"crm.contacts.core.normalise", "crm.imports", "crm.dedupe"}
MODULES = sorted([*(ROOT / "imports").glob("*.py"), *(ROOT / "dedupe").glob("*.py")])
# The application layer of each package (models, pages, jobs, database services).
APP_LAYER = {"models.py", "forms.py", "views.py", "jobs.py", "services.py", "labels.py",
             "staging.py", "block_store.py", "merging.py", "uploads.py", "intake.py",
             "matching.py"}
PURE = [path for path in MODULES if path.name not in APP_LAYER]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_module_imports_no_flask_nor_database(path):
    for name in imported(path):
        assert not name.startswith(("flask", "sqlalchemy", "werkzeug")), name
        if name.startswith("crm"):
            assert any(name == a or name.startswith(a + ".") for a in ALLOWED_CRM), name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_module_is_short_and_documented(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 300
    assert ast.get_docstring(ast.parse(text))
