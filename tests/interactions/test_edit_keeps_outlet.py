"""Saving an interaction's edit form as shown keeps its outlet, even one the contact left."""

import pytest
from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.outlets.models import Outlet
from tests.crawler.checks import parse
from tests.crawler.forms import forms_of


def _as_shown(html: str, action: str) -> dict[str, object]:
    """What a browser submits for the form at ``action`` as rendered, nothing changed."""
    root, _errors = parse(html)
    form = next(f for f in forms_of(root, action) if f.action.endswith(action))
    data: dict[str, list[object]] = {}
    for item in form.fields:
        if item.kind in ("checkbox", "radio") and not item.checked:
            continue
        if item.tag == "select":
            chosen = [value for value, selected in item.options if selected]
            data.setdefault(item.name, []).extend(chosen or [item.options[0][0]][:1])
        elif item.kind not in ("submit", "button", "file"):
            data.setdefault(item.name, []).append(item.value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


@pytest.mark.parametrize("outlet_state", ["left", "trashed"])
def test_edit_form_keeps_an_outlet_no_longer_offered(app, client, login_as, make_contact,
                                                    make_outlet, make_interaction, outlet_state):
    officer = login_as("officer")
    outlet = make_outlet("Le Bien Public")
    contact = make_contact(outlet_ids=[outlet])
    call = make_interaction(officer.id, [contact], outlet_id=outlet)
    with app.app_context():
        if outlet_state == "left":
            db.session.get_one(Contact, contact).outlets = []
        else:
            db.session.get_one(Outlet, outlet).deleted_at = db.func.now()
        db.session.commit()
    page = client.get(f"/interactions/{call}/edit")
    assert page.status_code == 200 and "Le Bien Public" in page.text
    saved = client.post(f"/interactions/{call}/edit",
                        data=_as_shown(page.text, f"/interactions/{call}/edit"))
    assert saved.status_code == 302, saved.text
    with app.app_context():
        assert db.session.scalar(select(Interaction.outlet_id).where(Interaction.id == call)) \
            == outlet
