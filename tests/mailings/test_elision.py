"""The bodies named in French sentences with their article: "de l’Agence…", "de la Région…",
never "de Agence…" — in the messages (unsubscribe links, RGPD notice) and on the unsubscribe
page."""

from __future__ import annotations

from tests.mailings.test_sending import _parsed, _process, _send

AGENCE = "Agence Économique Régionale de Bourgogne-Franche-Comté"
REGION = "Région Bourgogne-Franche-Comté"


def test_messages_and_the_unsubscribe_page_elide_and_contract(app, smtp, draft):
    _send(app, draft)
    _process(app)
    msg = _parsed(smtp.messages[0])
    text = " ".join(msg.get_body(("plain",)).get_content().split())
    html = msg.get_body(("html",)).get_content()
    assert f"Ne plus recevoir les messages de l’{AGENCE}" in text
    assert f"Ne plus recevoir les messages de la {REGION}" in text
    assert f"contact presse de l’{AGENCE} et de la {REGION}, qui" in text
    assert f"Ne plus recevoir les messages de l’{AGENCE}</a>" in html
    assert "de Agence" not in text + html and "de Région" not in text + html
    path = msg["List-Unsubscribe"].split(",")[0].strip(" <>").removeprefix("http://localhost")
    page = " ".join(app.test_client().get(path).text.split())
    assert f"» de l’{AGENCE} et de la {REGION}." in page
    assert f"Ne plus recevoir les messages de la {REGION}</button>" in page
    assert "de Agence" not in page


def test_an_organisation_chooses_its_article(client, login_as):
    login_as("admin")
    response = client.post_form("/admin/organisations/new", {
        "name": "Conseil départemental du Doubs", "short_name": "CD25", "article": "le"})
    assert response.status_code == 302
    from sqlalchemy import select

    from crm.extensions import db
    from crm.orgs.models import Organisation
    from crm.orgs.services import of_organisation
    with client.application.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.short_name == "CD25"))
        assert of_organisation(org) == "du Conseil départemental du Doubs"
