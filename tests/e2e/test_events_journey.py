"""The press point in a real browser: a manager creates the event and opens it, invites a
list (the invitation is a mailing, received on a local SMTP server), journalists answer from
their link on their phone (one with a photographer), the press point fills up, one more waits,
a cancellation promotes them; the manager reads the answers."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.lists.services import add_members, create_list
from crm.mail.services import SmtpSettings
from crm.mailings import sending
from crm.mailings.models import Mailing
from crm.mailings.services import send_mailing
from tests.conftest import PASSWORD
from tests.e2e.journey import open_menu, sign_in, sign_out
from tests.mail.conftest import serve_smtp
from tests.mailings.conftest import ScriptedHandler

JOURNALISTS = [("HERMIER", "Cécile", "cecile.hermier@estrepublicain.test"),
               ("ROBIN", "Antoine", "antoine.robin@bienpublic.test"),
               ("MARTIN", "Paul", "paul.martin@francebleu.test")]


@pytest.fixture
def smtp(app):
    yield from serve_smtp(app, ScriptedHandler())


def _links(smtp) -> dict[str, str]:
    found = {}
    for envelope in smtp.messages:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        text = message.get_body(("plain",)).get_content()
        found[envelope.rcpt_tos[0]] = re.search(r"http://[^/]+(/rsvp/[\w-]+)", text).group(1)
    return found


def _answer(journey, link: str, step: str, coming: bool, crew: tuple[str, str] | None = None):
    page = journey.page
    journey.go(link)
    journey.check(f"{step}-form")
    page.get_by_role("group", name="Point presse").get_by_label(
        "Je viendrai" if coming else "Je ne viendrai pas", exact=True).check()
    if crew:
        page.locator("#crew-0-role").select_option(label=crew[0])
        page.locator("#crew-0-name").fill(crew[1])
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma réponse").click()
    assert "Votre réponse est enregistrée" in page.content()
    journey.check(f"{step}-done")


def test_an_event_from_its_invitation_to_the_waitlist(app, journey, make_user, make_contact,
                                                      smtp):
    manager = make_user("manager", "AER BFC")
    ids = [make_contact(last, first, emails=[address], kind="journalist")
           for last, first, address in JOURNALISTS]
    with app.app_context():
        user = db.session.get_one(User, manager.id)
        add_members(user, create_list(user, "Presse des Assises"), ids)
        db.session.commit()
    j = journey("events")
    page = j.page
    sign_in(page, j.base, manager.email, PASSWORD)
    open_menu(page)
    page.get_by_role("link", name="Événements").click()
    j.check("index")
    page.get_by_role("link", name="Nouvel événement").click()
    page.get_by_label("Titre").fill("Assises régionales des biothérapies 2026")
    page.get_by_label("Lieu").fill("Conseil régional")
    page.get_by_label("Adresse").fill("17 bd de la Trémouille, Dijon")
    page.get_by_label("Région Bourgogne-Franche-Comté", exact=True).check()
    first = page.get_by_role("group", name="Séance 1")
    second = page.get_by_role("group", name="Séance 2")
    rows = ((first, ("Point presse", "09:00", "10:00", "Galerie François Mitterrand")),
            (second, ("Assises", "10:00", "13:00", "Salle des séances")))
    for group, (name, starts, ends, room) in rows:
        group.get_by_label("Nom de la séance").fill(name)
        group.get_by_label("Date").fill("2027-06-10")
        group.get_by_label("Début (heure de Paris)").fill(starts)
        group.get_by_label("Fin (heure de Paris)").fill(ends)
        group.get_by_label("Salle").fill(room)
    first.get_by_label("Public visé").select_option(label="Réservé à la presse")
    first.get_by_label("Capacité (places, équipes comprises)").fill("3")
    j.check("form")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert "créé en brouillon" in page.content()
    page.get_by_label("Statut").select_option(label="Ouvert aux réponses")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer le statut").click()
    j.check("opened")
    page.get_by_text("Inviter des contacts").click()
    page.get_by_label("Presse des Assises").check()
    j.check("invite")
    with page.expect_navigation():
        page.get_by_role("button", name="Préparer l’invitation").click()
    assert "Invitation préparée" in page.content()
    j.check("mailing")
    mailing_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():  # "Send", then the worker
        send_mailing(db.session.get_one(User, manager.id), db.session.get_one(Mailing, mailing_id))
        db.session.commit()
    with app.test_request_context():
        for active in sending.active_mailings():
            sending.process_mailing(active, SmtpSettings.from_config(app.config))
    links = _links(smtp)
    assert len(links) == 3
    event_page = page.url
    sign_out(page)
    cecile, antoine, paul = (links[address] for _l, _f, address in JOURNALISTS)
    _answer(j, cecile, "cecile", True, ("Photographe", "Léa Martin"))
    _answer(j, antoine, "antoine", True)
    _answer(j, paul, "paul", True)
    assert "En liste d'attente" in page.content()
    _answer(j, antoine, "antoine-cancels", False)
    j.go(paul)
    assert "Place proposée" in page.content()
    j.check("paul-offered")
    sign_in(page, j.base, manager.email, PASSWORD)
    with app.app_context():
        from crm.events.models import Event
        event_id = db.session.scalar(select(Event.id))
    j.go(f"/events/{event_id}")
    assert "3 / 3" in page.content()
    j.check("answers")
    assert event_page
