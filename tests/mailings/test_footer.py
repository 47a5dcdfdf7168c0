"""A contact block as the footer: chosen on the form among the blocks the body sees, shown in
the preview and in both parts of every message."""

from __future__ import annotations

import email
import email.policy

from crm.extensions import db
from crm.imports.models import ContactBlock, ContactBlockEntry, ContactBlockSection
from tests.conftest import login
from tests.mailings.test_sending import _process


def _block(app, contact_ids: list[int]) -> int:
    with app.app_context():
        block = ContactBlock(fingerprint="b" * 64, title="AER BFC")
        section = ContactBlockSection(position=0, heading="AER BFC")
        section.entries = [ContactBlockEntry(position=i, contact_id=c, role="Attachée de presse")
                           for i, c in enumerate(contact_ids)]
        block.sections.append(section)
        db.session.add(block)
        db.session.commit()
        return block.id


def _form(draft, **extra):
    return {"subject": "Assises 2026 : invitation de {{ prenom }}",
            "body": "{{ salutation }}\n\nVous êtes invité·e aux **Assises**.",
            "list_ids": [draft["list"]], **extra}


def test_the_footer_is_in_the_preview_and_both_parts_of_each_message(app, smtp, draft, client,
                                                                     make_contact):
    press = make_contact("DURAND", "Élise", emails=["elise.durand@aer-bfc.test"], org="AER BFC")
    block = _block(app, [press])
    login(client, draft["manager"].email)
    form = client.get(f"/mailings/{draft['mailing']}/edit").text
    assert "Bloc de contacts en pied de message" in form and ">AER BFC</option>" in form
    response = client.post_form(f"/mailings/{draft['mailing']}/edit",
                                _form(draft, contact_block_id=block))
    assert response.status_code == 302
    page = client.get(f"/mailings/{draft['mailing']}").text
    assert "CONTACTS PRESSE" in page and "Élise DURAND – Attachée de presse" in page
    client.post_form(f"/mailings/{draft['mailing']}/send")
    _process(app)
    assert len(smtp.messages) == 3
    for envelope in smtp.messages:
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        for part in (text, html):
            assert "CONTACTS PRESSE" in part
            assert "Élise DURAND – Attachée de presse – elise.durand@aer-bfc.test" in part
        assert text.index("Assises") < text.index("CONTACTS PRESSE")


def test_no_footer_and_an_unknown_block(app, draft, client):
    login(client, draft["manager"].email)
    response = client.post_form(f"/mailings/{draft['mailing']}/edit",
                                _form(draft, contact_block_id=""))
    assert response.status_code == 302
    assert "CONTACTS PRESSE" not in client.get(f"/mailings/{draft['mailing']}").text
    response = client.post_form(f"/mailings/{draft['mailing']}/edit",
                                _form(draft, contact_block_id=999999))
    assert response.status_code == 404
