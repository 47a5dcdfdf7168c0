"""A real SMTP server (aiosmtpd) on 127.0.0.1 whose answer to each address can be scripted,
and a mailing ready to send: managers of two bodies, a list of journalists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.lists.services import add_members, create_list
from crm.mailings.services import MailingData, create_mailing
from crm.orgs.models import Organisation
from tests.mail.conftest import serve_smtp


@dataclass
class ScriptedHandler:
    messages: list = field(default_factory=list)
    answers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.answers[address]:
            answer = self.answers[address].pop(0)
            if not answer.startswith("250"):
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp(app):
    yield from serve_smtp(app, ScriptedHandler())


@pytest.fixture
def draft(app, make_user, make_contact):
    """A draft of the AER co-signed by the Région, to a list of three journalists."""
    manager = make_user("manager", "AER BFC")
    ids = [make_contact("HERMIER", "Cécile", emails=["cecile.hermier@estrepublicain.test"],
                        civility="mrs"),
           make_contact("ROBIN", "Antoine", emails=["antoine.robin@bienpublic.test"]),
           make_contact("MARTIN", "Paul", emails=["paul.martin@francebleu.test"], civility="mr")]
    with app.app_context():
        user = db.session.get_one(User, manager.id)
        contact_list = create_list(user, "PQR")
        add_members(user, contact_list, ids)
        region = db.session.scalar(select(Organisation.id).where(
            Organisation.short_name == "Région BFC"))
        mailing = create_mailing(user, MailingData(
            subject="Assises 2026 : invitation de {{ prenom }}",
            body="{{ salutation }}\n\nVous êtes invité·e aux **Assises**, {{ civilite }} {{ nom }}.",
            sender_ids=[region], list_ids=[contact_list.id]))
        db.session.commit()
        return {"manager": manager, "mailing": mailing.id, "contacts": ids, "list": contact_list.id}
