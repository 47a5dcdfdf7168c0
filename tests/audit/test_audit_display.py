"""The audit log reads as French sentences: action labels, named records linked when the
viewer may open them, labelled details; no action code, table name or bare field code."""

from __future__ import annotations

import re
from html import unescape

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import contact_data, update_contact
from crm.dedupe.merging import merge_contacts, undo_merge
from crm.extensions import db
from crm.imports.models import ImportBatch, SourceKind
from tests.conftest import login

CODES = re.compile(r"auth\.login|contact\.merge_undone|app_user|\bcontact #|mode: skip|"
                   r"job_title|\bfields\b|merged_id|\bskip\b")


def _text(html: str) -> str:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_audit_log_names_and_links_records(app, client, make_user, login_as, make_contact):
    officer = make_user("officer", "Préfecture BFC", full_name="Paul Préfet")
    login(app.test_client(), officer.email)
    kept_id = make_contact("POIRIER", "Aline")
    other_id = make_contact("Poirier", "Aline", org="Région BFC")
    hidden_id = make_contact("SECRET", "Sam", org="Région BFC", visibility=Visibility.PRIVATE)
    admin = login_as("admin")
    with app.app_context():
        actor = db.session.get_one(User, admin.id)
        kept = db.session.get_one(Contact, kept_id)
        data = contact_data(kept)
        data.job_title = "Cheffe d'édition"
        update_contact(actor, kept, data, expected_version=kept.version)
        merge = merge_contacts(actor, kept, db.session.get_one(Contact, other_id), {})
        db.session.flush()
        undo_merge(actor, merge)
        record(actor, "contact.updated", db.session.get_one(Contact, hidden_id),
               fields=["notes"])
        batch = ImportBatch(organisation_id=actor.organisation_id, filename="presse.csv",
                            source_kind=SourceKind.CSV,
                            created_by_id=actor.id)
        db.session.add(batch)
        db.session.flush()
        record(actor, "import.committed", batch, mode="skip", created=3, skipped=1)
        db.session.commit()

    page = client.get("/admin/audit/")
    assert page.status_code == 200
    text = _text(page.text)
    assert not CODES.search(text), CODES.search(text)
    for phrase in ("Connexion", "Fusion annulée", "Contact modifié", "Champs modifiés",
                   "Fonction", "Lignes déjà connues", "laissées telles quelles",
                   "Contact fusionné", "Import effectué", "presse.csv", "Paul Préfet",
                   "Fusion concernée", "Contacts créés : 3"):
        assert phrase in text, phrase
    assert f'<a href="/contacts/{kept_id}">POIRIER Aline</a>' in page.text or \
        f'<a href="/contacts/{kept_id}">' in page.text
    assert f'<a href="/admin/users/{officer.id}/edit">Paul Préfet</a>' in page.text
    # another body's private contact: named by its kind and number, never by its content
    assert f'href="/contacts/{hidden_id}"' not in page.text
    assert "SECRET" not in page.text
    assert f"Contact n° {hidden_id}" in text


def test_every_recorded_action_has_a_label():
    """Each action the code records has a French label: ``record(actor, "kind.verb", ...)``,
    and an action chosen in a variable (``record(actor, action, ...)``): every action-like
    string of the function that records it."""
    import ast
    from pathlib import Path

    from crm.audit.labels import ACTION_LABELS

    root = Path(__file__).resolve().parents[2] / "crm"
    action = re.compile(r"^[a-z_]+\.[a-z_]+$")
    recorded: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "from crm.audit.services import" not in text and path.parent.name != "audit":
            continue
        tree = ast.parse(text)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)
                     and getattr(node.func, "id", None) == "record" and len(node.args) >= 2
                     and not (path.name == "display.py" and path.parent.name == "audit")]
            for call in calls:
                chosen = call.args[1]
                if isinstance(chosen, ast.Constant) and isinstance(chosen.value, str):
                    recorded.add(chosen.value)
                elif isinstance(chosen, ast.IfExp):  # "a" if ... else "b"
                    recorded |= {n.value for n in ast.walk(chosen) if isinstance(n, ast.Constant)
                                 and isinstance(n.value, str)}
                elif isinstance(chosen, ast.Name):
                    recorded |= {n.value for n in ast.walk(function) if isinstance(n, ast.Constant)
                                 and isinstance(n.value, str) and action.match(n.value)}
    assert len(recorded) > 30
    assert {"task.completed", "task.cancelled", "task.reopened"} <= recorded
    assert sorted(recorded - set(ACTION_LABELS)) == []
