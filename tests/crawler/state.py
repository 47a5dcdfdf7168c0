"""A realistic state built once per database through the real services (never raw SQL).

The demo (organisations, one account per role and body, outlets, the Assises release, the
press file of some 300 journalists with their interactions and tasks), both
demo contact files imported by their bodies, a pasted release, a staged file left for review,
a duplicate scan, a merge undone and a merge kept then edited, interactions of every kind,
tasks open, done and cancelled, trashed records, an erased contact and a private contact
per body: every page the crawler meets has something to show.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pyotp
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import (
    ContactData,
    contact_data,
    create_contact,
    soft_delete_contact,
    update_contact,
    visible_contacts,
)
from crm.dedupe.jobs import run_scan
from crm.dedupe.merging import merge_contacts, undo_merge
from crm.dedupe.models import DuplicatePair, PairStatus, ScanRun
from crm.demo import press
from crm.demo.journalists import load_press_file
from crm.demo.services import DEMO_PEOPLE, demo_email, load_demo
from crm.events.checkin import WalkIn, admit_walk_in, check_in
from crm.events.models import Audience, CrewRole, EventStatus, EventVisibility
from crm.events.services import (
    AnswerData,
    CrewData,
    EventData,
    SessionData,
    answer_invitation,
    create_event,
    invite,
    link_token,
)
from crm.events.services import set_status as set_event_status
from crm.extensions import db
from crm.imports.models import ImportBatch, ImportMode, ImportRow, SourceKind
from crm.imports.services import commit_batch, queue_batch
from crm.imports.staging import stage_table, stage_text
from crm.imports.uploads import read_upload
from crm.interactions.models import Interaction, InteractionKind, InteractionVisibility, Medium
from crm.interactions.services import InteractionData, log_interaction, soft_delete_interaction
from crm.lists.services import add_members, create_list
from crm.mailings.attachments import add_attachment
from crm.mailings.models import Delivery, DeliveryStatus
from crm.mailings.sending import start_mailing
from crm.mailings.services import MailingData, create_mailing, schedule_mailing, send_mailing
from crm.outlets.models import Outlet, OutletKind
from crm.outlets.services import OutletData, create_outlet, soft_delete_outlet
from crm.privacy.models import RequestKind
from crm.privacy.services import Received, erase_contact, log_request
from crm.tasks.models import Priority, TaskStatus
from crm.tasks.services import TaskData, add_comment, create_task, set_status
from tests.conftest import Client, login

PASTED_RELEASE = """\
COMMUNIQUÉ DE PRESSE — Besançon, le 3 novembre 2026

La Préfecture de région présente le plan régional de prévention des inondations.

CONTACTS PRESSE

Préfecture de Région

Margaux VALLIN – margaux.vallin@bourgogne-franche-comte.gouv.fr – Tél. 03 80 44 64 00
Bastien ROCHE – bastien.roche@bourgogne-franche-comte.gouv.fr – Tél. 03 80 44 64 10

Réunion publique le 12 novembre 2026 à Besançon.
"""

PASTED_NAME = "Texte collé"
STAGED_FILE = """\
Nom;Prénom;Média;Email;Téléphone;Rubrique
MOREL;Élise;Le Bien Public;elise.morel@lebienpublic.fr;06 12 34 56 78;Économie
;Sans nom;AFP;pas-une-adresse;12;Politique
"""


@dataclass(frozen=True)
class Account:
    email: str
    role: Role
    organisation: str

    @property
    def key(self) -> str:
        return f"{self.role.value}-{press_slug(self.organisation)}"


@dataclass
class State:
    """Accounts and the ids of the records worth visiting (used as crawl seeds)."""

    accounts: list[Account]
    password: str
    # url -> the only organisations that may open it (none: it was erased); the others get 404
    private_pages: dict[str, frozenset[str]] = field(default_factory=dict)
    # texts of the imported files shown as they are (column headings), not interface text
    file_texts: set[str] = field(default_factory=set)
    # the recovery codes of the accounts that turned on two-step verification: email -> codes
    recovery_codes: dict[str, list[str]] = field(default_factory=dict)
    # pages every account opens that no page links to yet (an event's door and answers, to be
    # linked from the event's page): the crawl starts from them too
    open_pages: list[str] = field(default_factory=list)
    # a journalist's personal RSVP page (no account: reached from the invitation e-mail)
    rsvp_url: str = ""


def press_slug(short_name: str) -> str:
    return {"AER BFC": "aer", "Région BFC": "region", "Préfecture BFC": "prefecture"}[short_name]


def _user(role: Role, organisation: str) -> User:
    return db.session.scalars(select(User).where(User.email == demo_email(role, organisation))).one()


def _import_file(actor: User, name: str) -> set[str]:
    data = (press.DATA / name).read_bytes()
    upload = read_upload(data, name, encoding=None, delimiter=None, max_bytes=10 * 1024 * 1024)
    assert upload.table is not None
    batch = stage_table(actor, upload.table, kind=upload.kind, filename=name,
                        visibility=Visibility.SHARED, source=f"Fichier {name}")
    db.session.flush()
    commit_batch(actor, batch, ImportMode.SKIP)
    return set(upload.table.headers)


def _stage_only(actor: User, *, queued: bool = False) -> set[str]:
    """A file left staged for review, or confirmed for the worker (which never runs here)."""
    upload = read_upload(STAGED_FILE.encode("utf-8"), "a-relire.csv", encoding=None,
                         delimiter=None, max_bytes=1024 * 1024)
    assert upload.table is not None
    batch = stage_table(actor, upload.table, kind=SourceKind.CSV, filename="a-relire.csv",
                        visibility=Visibility.PRIVATE, source="Fichier à relire")
    if queued:
        db.session.flush()
        queue_batch(batch, ImportMode.FILL)
    return set(upload.table.headers)


def _merge_pairs(reviewer: User) -> None:
    run = ScanRun(organisation_id=reviewer.organisation_id)
    db.session.add(run)
    db.session.commit()
    run_scan(run.id, reviewer.id)
    pairs = db.session.scalars(select(DuplicatePair).where(
        DuplicatePair.status == PairStatus.OPEN).order_by(DuplicatePair.id)).all()
    assert len(pairs) >= 2, "the demo files should leave duplicates to review"
    # the first pair is merged then undone (open again), the second stays merged and is edited
    undone = merge_contacts(reviewer, pairs[0].low, pairs[0].high, {"first_name": "merged"})
    db.session.flush()
    undo_merge(reviewer, undone)
    kept = merge_contacts(reviewer, pairs[1].low, pairs[1].high, {})
    db.session.flush()
    edited = contact_data(kept.kept)
    edited.job_title, edited.notes = "Cheffe d'édition", "Fusionnée puis modifiée."
    update_contact(reviewer, kept.kept, edited, expected_version=kept.kept.version)


def _interactions(author: User, contacts: list[Contact], outlet: Outlet) -> list[int]:
    ids = []
    when = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for number, kind in enumerate(InteractionKind):
        coverage = kind == InteractionKind.COVERAGE
        data = InteractionData(
            kind=kind, happened_at=when + dt.timedelta(days=number),
            subject=f"Suivi {kind.value} — Assises 2026", contact_ids=[contacts[number % 3].id],
            notes="Échange cordial ; rappeler jeudi.", outlet_id=outlet.id if number % 2 else None,
            visibility=InteractionVisibility.SHARED if number % 2 else InteractionVisibility.ORG,
            coverage_url="https://www.lebienpublic.fr/economie/assises-2026" if coverage else None,
            coverage_title="Les Assises 2026 à Dijon" if coverage else None,
            coverage_medium=Medium.WEB if coverage else None,
            covered_item="Assises 2026" if coverage else None)
        ids.append(log_interaction(author, data).id)
    return ids


def _tasks(creator: User, assignees: list[User], contact: Contact,
           interaction_id: int) -> dict[str, frozenset[str]]:
    """Tasks in each state; returns their pages with the bodies that see them (the creator's
    and the assignee's)."""
    today = dt.datetime.now(dt.UTC).date()
    pages = {}
    for number, status in enumerate([TaskStatus.OPEN, TaskStatus.OPEN, TaskStatus.DONE,
                                     TaskStatus.CANCELLED]):
        task = create_task(creator, TaskData(
            title=f"Relancer la rédaction ({number + 1})", assignee_id=assignees[number % 2].id,
            due_on=today + dt.timedelta(days=number * 3 - 4), priority=list(Priority)[number % 3],
            description="Envoyer le dossier de presse.", contact_id=contact.id,
            interaction_id=interaction_id if number == 0 else None))
        add_comment(creator, task, "Appel passé, en attente de réponse.")
        set_status(creator, task, status)
        pages[f"/tasks/{task.id}"] = frozenset({creator.organisation.short_name,
                                                assignees[number % 2].organisation.short_name})
    return pages


def _imported_contact(filename: str, organisation: str) -> Contact:
    """The last contact the import of ``filename`` created for ``organisation``."""
    contact = db.session.scalars(
        select(Contact).join(ImportRow, ImportRow.contact_id == Contact.id).join(ImportBatch)
        .where(ImportBatch.filename == filename, Contact.organisation_id == _user(
            Role.MANAGER, organisation).organisation_id).order_by(Contact.id.desc())).first()
    assert contact is not None, f"{filename} brought no contact in for {organisation}"
    return contact


def _private_contact(organisation: str) -> Contact:
    manager = _user(Role.MANAGER, organisation)
    return create_contact(manager, ContactData(
        last_name=f"PRIVÉ-{press_slug(organisation).upper()}", first_name="Anne",
        source="Carnet d'adresses", visibility=Visibility.PRIVATE,
        emails=[f"anne.{press_slug(organisation)}@example.org"]),
        organisation_id=manager.organisation_id)


def build_state(password: str) -> State:
    """Build everything; the caller is inside an app context on an empty database."""
    accounts, _ = load_demo(password)
    press.load_outlets()
    db.session.flush()
    region_manager = _user(Role.MANAGER, "Région BFC")
    press.import_release(region_manager)
    # the demo press file: some 300 journalists, their interactions and tasks (lists get pages)
    assert load_press_file(dt.datetime.now(dt.UTC).date()) is not None
    headings = _import_file(_user(Role.OFFICER, "AER BFC"), "journalistes-aer-bfc.csv")
    headings |= _import_file(region_manager, "presse-region-bfc.csv")
    pasted = stage_text(_user(Role.OFFICER, "Préfecture BFC"), PASTED_RELEASE,
                        filename=PASTED_NAME, source="Communiqué de la Préfecture")
    db.session.flush()
    counts = commit_batch(_user(Role.OFFICER, "Préfecture BFC"), pasted, ImportMode.FILL)
    assert counts["created"] == 2, f"the pasted release's contact block was not read: {counts}"
    headings |= _stage_only(_user(Role.OFFICER, "AER BFC"))
    headings |= _stage_only(_user(Role.MANAGER, "Préfecture BFC"), queued=True)
    db.session.commit()
    _merge_pairs(region_manager)
    db.session.commit()

    # erased before the private contacts are created: SQLite gives a row id again only when
    # it was the highest one
    erased = create_contact(region_manager, ContactData(
        last_name="EFFACÉ", first_name="Paul", source="Demande RGPD",
        emails=["paul.efface@example.org"], phones=["+33612345678"]),
        organisation_id=region_manager.organisation_id)
    db.session.flush()
    erased_url = f"/contacts/{erased.id}"
    private = {org: _private_contact(org) for org in DEMO_PEOPLE}
    shared = db.session.scalars(select(Contact).where(
        Contact.visibility == Visibility.SHARED, Contact.deleted_at.is_(None))
        .order_by(Contact.id)).all()
    outlet = db.session.scalars(select(Outlet).order_by(Outlet.id)).first()
    assert outlet is not None
    pages = {f"/contacts/{c.id}": frozenset({org}) for org, c in private.items()}
    for org in DEMO_PEOPLE:
        officer, manager = _user(Role.OFFICER, org), _user(Role.MANAGER, org)
        people = [private[org], *shared[:2]]
        interactions = _interactions(officer, people, outlet)
        pages |= {f"/interactions/{i}": frozenset({org}) for i in interactions[:-1]
                  if db.session.get_one(Interaction, i).visibility == InteractionVisibility.ORG}
        other = _user(Role.OFFICER, "AER BFC" if org != "AER BFC" else "Région BFC")
        pages |= _tasks(manager, [officer, other], people[1], interactions[0])
        soft_delete_interaction(manager, db.session.get_one(Interaction, interactions[-1]))
    # one contact and one outlet in the trash, one contact erased on request
    owner = db.session.scalars(select(User).where(
        User.organisation_id == shared[-1].organisation_id, User.role == Role.MANAGER)).first()
    soft_delete_contact(owner, shared[-1])
    trashed = create_outlet(None, OutletData(name="Radio Campus Besançon", kind=OutletKind.RADIO))
    db.session.flush()
    soft_delete_outlet(None, trashed)
    erase_contact(region_manager, erased)
    pages[erased_url] = frozenset()
    # and a press officer of each release (created by an import, which may then be undone)
    for filename, org in ((press.RELEASE, "Région BFC"), (PASTED_NAME, "Préfecture BFC")):
        officer = _imported_contact(filename, org)
        pages[f"/contacts/{officer.id}"] = frozenset()
        erase_contact(_user(Role.MANAGER, org), officer)
    db.session.commit()
    _mailings()
    _privacy()
    event = _press_point()
    rsvp_url = _events()
    return State([Account(a.email, a.role, a.organisation) for a in accounts], password, pages,
                 headings, open_pages=[f"/events/{event}/answers", f"/events/{event}/door"],
                 rsvp_url=rsvp_url)


PROGRAMME_PDF = b"%PDF-1.4\n% Programme des Assises 2026\ntrailer << >>\n%%EOF\n"


def _mailings() -> None:
    """Each body's list of a few journalists and a segment, and a mailing of the AER co-signed
    by the Région: one draft with a PDF attached, one scheduled for later, one sent whose first
    delivery the worker left uncertain."""
    aer, region = _user(Role.MANAGER, "AER BFC"), _user(Role.MANAGER, "Région BFC")
    people = list(db.session.scalars(visible_contacts(aer).with_only_columns(Contact.id)
                                     .order_by(Contact.id).limit(12)))
    for manager in (aer, region):
        create_list(manager, "Segment Doubs", criteria={"q": "", "filters": {"area": "25"}})
        add_members(manager, create_list(manager, "Invitation Assises"), people)
    invitation = create_list(aer, "Presse des Assises")
    add_members(aer, invitation, people)
    drafts = [create_mailing(aer, MailingData(
        subject=subject, body="{{ salutation }}\n\nVous êtes invité·e.",
        sender_ids=[region.organisation_id], list_ids=[invitation.id]))
        for subject in ("Assises 2026 : invitation", "Assises 2026 : communiqué")]
    mailing = drafts[-1]
    add_attachment(aer, drafts[0], "Programme des Assises.pdf", PROGRAMME_PDF)  # listed, removable
    later = create_mailing(aer, MailingData(
        subject="Assises 2026 : rappel", body="{{ salutation }}\n\nRappel.",
        list_ids=[invitation.id]))
    schedule_mailing(aer, later, dt.datetime(2099, 1, 1, 8, tzinfo=dt.UTC))  # sent later
    db.session.commit()
    send_mailing(aer, mailing)
    db.session.commit()
    start_mailing(mailing.id, "Relais <relais@localhost>")
    first = db.session.scalars(select(Delivery).where(Delivery.mailing_id == mailing.id)
                               .order_by(Delivery.id)).first()
    if first is not None:
        first.status = DeliveryStatus.UNCERTAIN
    db.session.commit()


def _privacy() -> None:
    """For each body: an access request still open past its deadline, a rectification answered,
    and a few of its contacts with no exchange for four years (the retention review lists them)."""
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=4 * 366)
    for org in DEMO_PEOPLE:
        admin = _user(Role.ADMIN, org)
        owned = db.session.scalars(select(Contact).where(
            Contact.organisation_id == admin.organisation_id, Contact.deleted_at.is_(None))
            .order_by(Contact.id.desc()).limit(4)).all()
        log_request(admin, RequestKind.ACCESS, owned[0],
                    Received("Courriel du journaliste", dt.date(2026, 1, 5)))
        log_request(admin, RequestKind.RECTIFY, owned[1], Received("Téléphone"), answered=True)
        for contact in owned[1:]:
            contact.last_interaction_at = long_ago
            contact.created_at = long_ago
    db.session.commit()


def _press_point() -> int:
    """A press point of the AER co-organised by the Région, open, a week from now: a dozen
    journalists invited, some answers (one with a photographer, one declined), two checked in
    at the door (one of them a walk-in): its answers, door, press list and badges have rows."""
    aer, region = _user(Role.MANAGER, "AER BFC"), _user(Role.MANAGER, "Région BFC")
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).replace(hour=7, minute=0,
                                                                      second=0, microsecond=0)
    event = create_event(aer, EventData(
        title="Point presse des Assises", venue="Conseil régional",
        address="17 bd de la Trémouille, Dijon", organiser_ids=[region.organisation_id],
        sessions=(SessionData("Point presse", start, start + dt.timedelta(hours=1),
                              room="Galerie François Mitterrand", audience=Audience.PRESS,
                              capacity=8),
                  SessionData("Assises", start + dt.timedelta(hours=1),
                              start + dt.timedelta(hours=4), room="Salle des séances"))))
    set_event_status(aer, event, EventStatus.OPEN)
    people = list(db.session.scalars(visible_contacts(aer).with_only_columns(Contact.id)
                                     .where(Contact.visibility == Visibility.SHARED)
                                     .order_by(Contact.id).limit(12)))
    invitations = invite(aer, event, people)
    press, conference = (s.id for s in event.sessions)
    answer_invitation(invitations[0], AnswerData(
        choices={press: True, conference: True}, outlet_name="France 3 BFC",
        crew=[CrewData(CrewRole.PHOTOGRAPHER, "Hugo BLANC")]))
    answer_invitation(invitations[1], AnswerData(choices={press: False, conference: True}))
    answer_invitation(invitations[2], AnswerData(choices={press: True, conference: False}))
    db.session.flush()
    first = next(r for r in invitations[0].responses if r.session_id == press)
    check_in(aer, first)
    admit_walk_in(aer, first.session, WalkIn("Paul", "ARRIVANT", [], [], []))
    db.session.commit()
    return event.id


def _events() -> str:
    """The Assises of the AER and the Région, open, a press point of three seats filled by
    three journalists (one with a photographer) with one more waiting, and a private event of
    the Préfecture; returns the RSVP page of a journalist yet to answer."""
    aer, region = _user(Role.MANAGER, "AER BFC"), _user(Role.MANAGER, "Région BFC")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=30)
    event = create_event(aer, EventData(
        title="Assises régionales des biothérapies", venue="Conseil régional",
        address="17 bd de la Trémouille, Dijon", organiser_ids=[region.organisation_id],
        sessions=(SessionData("Point presse", start, start + dt.timedelta(hours=1),
                              room="Galerie François Mitterrand", audience=Audience.PRESS,
                              capacity=3),
                  SessionData("Assises", start + dt.timedelta(hours=1),
                              start + dt.timedelta(hours=4), room="Salle des séances"))))
    set_event_status(aer, event, EventStatus.OPEN)
    people = list(db.session.scalars(visible_contacts(aer).with_only_columns(Contact.id)
                                     .order_by(Contact.id).limit(6)))
    invitations = invite(aer, event, people)
    press = event.sessions[0].id
    for i, invitation in enumerate(invitations[:4]):
        crew = [CrewData(CrewRole.PHOTOGRAPHER, "Léa Martin")] if i == 0 else []
        answer_invitation(invitation, AnswerData(choices={press: True}, crew=crew,
                                                 outlet_name="Le Bien Public"))
    prefecture = _user(Role.MANAGER, "Préfecture BFC")
    create_event(prefecture, EventData(title="Réunion des services", visibility=EventVisibility.PRIVATE,
                                       sessions=(SessionData("Réunion", start,
                                                             start + dt.timedelta(hours=2)),)))
    db.session.commit()
    return f"/rsvp/{link_token(invitations[-1])}"


def turn_on_mfa(client: Client, email: str, password: str) -> list[str]:
    """Turn on two-step verification as a person does: start, type the key shown into an
    authenticator app (pyotp here), confirm with its code; returns the recovery codes."""
    assert login(client, email, password).status_code == 302
    assert client.post_form("/auth/mfa/start").status_code == 302
    page = client.get("/auth/mfa/setup").text
    key = re.search(r'id="mfa-secret"[^>]*>([^<]+)<', page)
    assert key, "the setup page shows no key to type"
    code = pyotp.TOTP(key.group(1).replace(" ", "")).now()
    shown = client.post_form("/auth/mfa/setup", {"code": code}).text
    codes = re.findall(r"<li>([^<]+)</li>", shown.partition('id="recovery-codes"')[2])
    assert codes, "no recovery codes after the setup"
    client.post_form("/auth/logout")
    return codes
