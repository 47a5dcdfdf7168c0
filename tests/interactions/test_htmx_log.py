"""A quick log through htmx empties the form, refreshes the contact's details out of band,
and the same form sent twice logs one interaction."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from crm.extensions import db
from crm.interactions.models import Interaction

QUICK = {"kind": "call", "happened_at": "2026-11-26T10:15", "subject": "Appel sur les Assises",
         "notes": "Intéressée par le point presse", "visibility": "org", "outlet_id": ""}
HTMX = {"HX-Request": "true"}


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def _activity_form(html: str) -> dict[str, str]:
    """The hidden fields of the quick log form (CSRF and one-time token) as a browser sends them."""
    start = html.index('id="activity"')
    block = html[start:html.index("</form>", start)]
    return {"csrf_token": _hidden(block, "csrf_token"), "form_token": _hidden(block, "form_token")}


def _entries(html: str) -> int:
    match = re.search(r"(\d+) éléments?</p>", html)
    assert match, "no count of timeline entries"
    return int(match.group(1))


def _count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Interaction.id))))


def test_htmx_log_empties_the_form_and_refreshes_the_last_interaction(app, client, login_as,
                                                                      make_contact):
    login_as("officer")
    contact_id = make_contact()
    page = client.get(f"/contacts/{contact_id}")
    assert re.search(r'id="last-interaction">—</dd>', page.text)
    before = _entries(page.text)
    sent = {**QUICK, **_activity_form(page.text), "contact_ids": [contact_id]}

    response = client.post(f"/interactions/contact/{contact_id}", data=sent, headers=HTMX)
    assert response.status_code == 200
    block = response.text
    assert "Interaction enregistrée." in block
    assert _entries(block) == before + 1
    form = block[block.index("<form"):block.index("</form>")]
    assert 'value="Appel sur les Assises"' not in form
    assert "Intéressée par le point presse" not in form
    assert _hidden(form, "form_token") != sent["form_token"]  # a new form, a new token
    oob = re.search(r'<dd class="col-sm-8" id="last-interaction" hx-swap-oob="true">(.*?)</dd>',
                    block)
    assert oob and "26 nov. 2026" in oob.group(1)
    assert block.index("</div>\n") < block.index("hx-swap-oob")  # a top-level element

    again = client.post(f"/interactions/contact/{contact_id}", data=sent, headers=HTMX)
    assert again.status_code == 200
    assert "déjà été envoyé" in again.text
    assert _entries(again.text) == before + 1
    assert _count(app) == 1


def test_a_plain_form_sent_twice_logs_once(app, client, login_as, make_contact):
    login_as("officer")
    contact_id = make_contact()
    page = client.get(f"/contacts/{contact_id}")
    sent = {**QUICK, **_activity_form(page.text), "contact_ids": [contact_id]}
    first = client.post(f"/interactions/contact/{contact_id}", data=sent)
    second = client.post(f"/interactions/contact/{contact_id}", data=sent)
    assert first.status_code == second.status_code == 302
    assert "déjà été envoyé" in client.get(second.location).text
    assert _count(app) == 1
    fresh = _activity_form(client.get(f"/contacts/{contact_id}").text)
    assert client.post(f"/interactions/contact/{contact_id}",
                       data={**sent, **fresh}).status_code == 302
    assert _count(app) == 2


def test_a_forged_form_token_is_refused(app, client, login_as, make_contact):
    login_as("officer")
    contact_id = make_contact()
    sent = {**QUICK, **_activity_form(client.get(f"/contacts/{contact_id}").text),
            "contact_ids": [contact_id], "form_token": "x" * 40}
    assert client.post(f"/interactions/contact/{contact_id}", data=sent).status_code == 422
    assert _count(app) == 0
