"""Template filters and app-wide template context: registered once by the app, so a template
of any feature (or an e-mail) can use them, and no blueprint registers app-wide helpers."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from flask import render_template_string

from tests.conftest import make_app

CRM = Path(__file__).resolve().parents[1] / "crm"
APP_WIDE = {"app_template_filter", "app_template_global", "app_template_test",
            "app_context_processor", "app_url_defaults", "app_url_value_preprocessor"}
TEMPLATES = CRM.parent / "templates"
# The template folder of each feature, when it is not named after it.
FOLDER = {"mail": "emails"}
INCLUDE = re.compile(r"{%-?\s*(?:include|import|from|extends)\s+[\"']([^\"']+)[\"']")


def test_shared_filters_and_context_render_in_any_template():
    app = make_app("sqlite:///:memory:")
    moment = dt.datetime(2026, 3, 5, 14, 30, tzinfo=dt.UTC)
    template = ("{{ '+33380123456'|phone }}|{{ 12345|number }}|{{ moment|date }}|"
                "{{ moment|datetime }}|{{ none|date }}|{{ none|datetime }}|"
                "{{ 'email'|evidence_label }}|{{ 'first_name'|field_label }}|"
                "{{ status_label('committed') }}|{{ can_change_task is defined }}|"
                "{{ can_change_interaction is defined }}")
    with app.test_request_context("/"):
        rendered = render_template_string(template, moment=moment)
    assert rendered == ("03 80 12 34 56|12\u202f345|5 mars 2026|05/03/2026 15:30|||"
                        "même adresse|Prénom|Importé|True|True")


def test_no_blueprint_registers_app_wide_template_helpers():
    registered = []
    for path in sorted(CRM.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in APP_WIDE:
                registered.append(f"{path.relative_to(CRM)}: {node.attr}")
    assert registered == []


def _rendered_names(path: Path) -> list[str]:
    """The template names ``path`` passes to ``render_template`` (the constant head of an
    f-string; "?" for a name built otherwise)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "render_template":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.JoinedStr) and first.values:
                first = first.values[0]
            names.append(first.value if isinstance(first, ast.Constant) else "?")
    return names


def test_each_feature_renders_and_includes_only_its_own_templates():
    """A page composed of several features is composed by one of them, from the others'
    services and app-wide template helpers: no feature renders or includes another's
    templates (the shared ones are base.html and _macros/)."""
    borrowed = []
    for path in sorted(CRM.glob("*/*.py")):
        feature = path.parent.name
        for name in _rendered_names(path):
            if name.partition("/")[0] != FOLDER.get(feature, feature):
                borrowed.append((str(path.relative_to(CRM)), name))
    for path in sorted(TEMPLATES.glob("*/*.html")):
        folder, own = path.parent.name, str(path.relative_to(TEMPLATES))
        for name in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if name != "base.html" and name.partition("/")[0] not in (folder, "_macros"):
                borrowed.append((own, name))
    assert sorted(set(borrowed)) == []
