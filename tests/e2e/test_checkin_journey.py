"""The door on the day of the press point, in a real browser on a tablet-sized desktop and a
phone: check people in, undo, add a walk-in (a known contact, then a new one), read the RSVP
dashboard, download the security list, print the press list and the badges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from crm.auth.models import User
from crm.events.models import Audience, CrewRole, EventStatus
from crm.events.services import (
    AnswerData,
    CrewData,
    EventData,
    SessionData,
    answer_invitation,
    create_event,
    invite,
    set_status,
)
from crm.extensions import db
from crm.outlets.models import OutletKind
from tests.conftest import PASSWORD
from tests.e2e.journey import sign_in

PARIS = ZoneInfo("Europe/Paris")
WALK_IN = "Ajouter une personne non inscrite"
pytestmark = [pytest.mark.e2e,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


@dataclass(frozen=True)
class PressPoint:
    id: int
    press_id: int


@pytest.fixture
def press_point(app, make_user, make_contact, make_outlet):
    """The Assises' press point today, organised by the AER: a TV journalist coming with her
    photographer, a radio journalist who declined, one who did not answer."""
    manager = make_user("manager", "AER BFC", full_name="Agnès Martin")
    tv, radio = make_outlet("France 3 BFC", OutletKind.TV), make_outlet("France Bleu", OutletKind.RADIO)
    people = [make_contact("GIRAUD", "Léa", outlet_ids=[tv]),
              make_contact("ROUSSEL", "Juliette", outlet_ids=[radio]),
              make_contact("PERRIN", "Aline", emails=["aline.perrin@leprogres.fr"])]
    start = dt.datetime.now(PARIS).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        user = db.session.get_one(User, manager.id)
        event = create_event(user, EventData(
            title="Assises régionales des biothérapies", venue="Conseil régional",
            sessions=(SessionData("Point presse", start, start + dt.timedelta(hours=1),
                                  room="Galerie François Mitterrand", audience=Audience.PRESS,
                                  capacity=10),)))
        set_status(user, event, EventStatus.OPEN)
        lea, juliette, _aline = invite(user, event, people)
        press = event.sessions[0].id
        answer_invitation(lea, AnswerData(choices={press: True}, outlet_name="France 3",
                                          crew=[CrewData(CrewRole.PHOTOGRAPHER, "Hugo BLANC")]))
        answer_invitation(juliette, AnswerData(choices={press: False}))
        db.session.commit()
        return PressPoint(event.id, press), manager.email


def test_officer_checks_the_press_in_at_the_door(page: Page, journey, press_point, tmp_path):
    event, manager = press_point
    j = journey("checkin")
    sign_in(page, j.base, manager, PASSWORD)
    j.go(f"/events/{event.id}/door?session={event.press_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accueil")
    counts = page.locator("#door-counts")
    expect(counts).to_contain_text("0 personne arrivée")
    j.check("door")

    search = page.get_by_label("Nom ou média")
    search.fill("france 3")
    search.press("Enter")
    row = page.locator("main table tbody tr").filter(has_text="GIRAUD")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(row).to_contain_text("Photographe (Hugo BLANC)")
    row.get_by_role("button", name="Enregistrer l'arrivée").click()
    expect(page.get_by_role("status").filter(has_text="Arrivée enregistrée")).to_be_visible()
    expect(counts).to_contain_text("1 personne arrivée")
    expect(page.get_by_label("Nom ou média")).to_have_value("france 3")  # the search is kept
    j.check("checked-in")
    page.locator("main table tbody tr").filter(has_text="GIRAUD").get_by_role(
        "button", name="Annuler").click()
    expect(page.get_by_role("status").filter(has_text="Arrivée annulée")).to_be_visible()
    expect(counts).to_contain_text("0 personne arrivée")
    j.check("undone")

    # a walk-in who is already a contact: the duplicate lookup finds her
    walk_in = page.locator("section").filter(has=page.get_by_role("heading", name=WALK_IN))
    walk_in.get_by_label("Nom", exact=True).fill("Perrin")
    walk_in.get_by_label("Courriel").fill("aline.perrin@leprogres.fr")
    walk_in.get_by_role("button", name="Enregistrer l'arrivée de la personne non inscrite").click()
    expect(page.get_by_role("alert")).to_contain_text("peut-être déjà dans les contacts")
    j.check("walk-in-known")
    page.get_by_role("button", name="Faire entrer cette personne").click()
    expect(page.get_by_role("status").filter(has_text="Arrivée de Aline PERRIN")).to_be_visible()
    # a new one
    walk_in = page.locator("section").filter(has=page.get_by_role("heading", name=WALK_IN))
    walk_in.get_by_label("Prénom").fill("Paul")
    walk_in.get_by_label("Nom", exact=True).fill("NOUVEAU")
    walk_in.get_by_label("Média").select_option(label="France Bleu")
    walk_in.get_by_role("button", name="Enregistrer l'arrivée de la personne non inscrite").click()
    expect(page.get_by_role("status").filter(has_text="Arrivée de Paul NOUVEAU")).to_be_visible()
    expect(counts).to_contain_text("2 personnes arrivées")
    j.check("walk-in-new")

    page.get_by_role("link", name="Réponses", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réponses")
    expect(page.locator("main table").first).to_contain_text("Présents")
    j.check("answers")
    page.get_by_label("Statut").select_option(label="Présents")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#answer-list tbody tr")).to_have_count(2)
    j.check("answers-filtered")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger (CSV)").click()
    saved = tmp_path / "liste.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert "GIRAUD" in text and "Hugo BLANC" in text and "NOUVEAU" in text
    assert "ROUSSEL" not in text  # she declined

    page.get_by_role("link", name="Liste presse").click()
    expect(page.locator("main")).to_contain_text("Hugo BLANC")
    j.check("press-list")
    page.get_by_role("link", name="Badges presse").click()
    expect(page.locator(".press-badge")).to_have_count(4)  # Léa, Hugo, Aline, Paul
    j.check("badges")
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    page.screenshot(path=j.screenshots / f"checkin-badges-print-{j.width}.png", full_page=True)
    page.emulate_media(media="screen")
