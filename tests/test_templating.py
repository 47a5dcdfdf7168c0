"""Template filters and app-wide template context: registered once by the app, so a template
of any feature (or an e-mail) can use them, and no blueprint registers app-wide helpers."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from flask import render_template_string

from tests.conftest import make_app

CRM = Path(__file__).resolve().parents[1] / "crm"
APP_WIDE = {"app_template_filter", "app_template_global", "app_template_test",
            "app_context_processor"}


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
