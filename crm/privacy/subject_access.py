"""The subject access export (RGPD art. 15): everything Relais holds about one person, as the
requesting body may show it — the contact's fields, where they came from (imports, contact
blocks), the interactions the body sees, the mailings received, the RSVPs, the tasks, the merges, the
opt-outs and the person's earlier requests. One JSON-ready mapping, read by the JSON download
and by the printable page alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.dedupe.models import ContactMerge
from crm.events.models import Event, EventSession, Invitation, Response
from crm.extensions import db
from crm.imports.models import ContactBlock, ContactBlockEntry, ContactBlockSection, ImportBatch, ImportRow
from crm.interactions.services import contact_interactions
from crm.mailings.models import Delivery, Mailing
from crm.orgs.models import Organisation
from crm.privacy.models import PrivacyRequest
from crm.tasks.models import Task
from crm.tasks.services import visible_tasks


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def subject_access(user: User, contact: Contact) -> dict[str, Any]:
    """Everything about ``contact`` that ``user``'s body may hand to the person."""
    return {
        "generated_at": _when(utcnow()),
        "requested_by": user.organisation.name,
        "contact": _fields(contact),
        "imports": _imports(contact.id),
        "contact_blocks": _blocks(contact.id),
        "interactions": _interactions(user, contact.id),
        "mailings": _mailings(contact.id),
        "rsvps": _rsvps(contact.id),
        "tasks": _tasks(user, contact.id),
        "merges": _merges(contact.id),
        "requests": _requests(contact.id),
    }


def _fields(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id, "civility": contact.civility.value, "first_name": contact.first_name,
        "last_name": contact.last_name, "kind": contact.kind.value, "job_title": contact.job_title,
        "outlets": [o.name for o in contact.outlets], "emails": [e.email for e in contact.emails],
        "phones": [p.e164 for p in contact.phones], "beats": [b.name for b in contact.beats],
        "area": contact.area, "social_links": list(contact.social_links or []),
        "notes": contact.notes, "owner": contact.organisation.name,
        "visibility": contact.visibility.value, "source": contact.source,
        "legal_basis": contact.legal_basis.value,
        "information_sent_at": _when(contact.information_sent_at),
        "global_opt_out": contact.is_opted_out,
        "opted_out_of": [o.organisation.name for o in contact.opt_outs],
        "email_bounced": contact.is_email_bounced,
        "last_interaction_at": _when(contact.last_interaction_at),
        "created_at": _when(contact.created_at), "updated_at": _when(contact.updated_at),
    }


def _imports(contact_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ImportBatch.filename, ImportBatch.created_at, Organisation.name, ImportRow.outcome)
        .join(ImportBatch, ImportRow.batch_id == ImportBatch.id)
        .join(Organisation, ImportBatch.organisation_id == Organisation.id)
        .where(ImportRow.contact_id == contact_id).order_by(ImportBatch.created_at))
    return [{"file": name, "date": _when(at), "body": body,
             "outcome": outcome.value if outcome else None} for name, at, body, outcome in rows]


def _blocks(contact_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ContactBlock.title, ContactBlockSection.heading, ContactBlockEntry.role)
        .join(ContactBlockSection, ContactBlockEntry.section_id == ContactBlockSection.id)
        .join(ContactBlock, ContactBlockSection.block_id == ContactBlock.id)
        .where(ContactBlockEntry.contact_id == contact_id).order_by(ContactBlock.id))
    return [{"block": title, "heading": heading, "role": role} for title, heading, role in rows]


def _interactions(user: User, contact_id: int) -> list[dict[str, Any]]:
    found = db.session.scalars(contact_interactions(user, contact_id))
    return [{"date": _when(i.happened_at), "kind": i.kind.value, "subject": i.subject,
             "notes": i.notes, "coverage_url": i.coverage_url, "body": i.organisation.name}
            for i in sorted(found, key=lambda i: i.happened_at)]


def _mailings(contact_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Mailing.subject, Organisation.name, Delivery.email, Delivery.status,
               Delivery.sent_at)
        .join(Mailing, Delivery.mailing_id == Mailing.id)
        .join(Organisation, Mailing.organisation_id == Organisation.id)
        .where(Delivery.contact_id == contact_id).order_by(Delivery.id))
    return [{"subject": subject, "sender": body, "email": email, "status": status.value,
             "sent_at": _when(sent)} for subject, body, email, status, sent in rows]


def _rsvps(contact_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Event.title, EventSession.name, Organisation.name, Response.status,
               Response.answered_at, Response.checked_in_at)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(EventSession, Response.session_id == EventSession.id)
        .join(Event, Invitation.event_id == Event.id)
        .join(Organisation, Invitation.organisation_id == Organisation.id)
        .where(Invitation.contact_id == contact_id).order_by(EventSession.starts_at))
    return [{"event": event, "session": session, "invited_by": body, "answer": status.value,
             "answered_at": _when(answered), "checked_in_at": _when(checked)}
            for event, session, body, status, answered, checked in rows]


def _tasks(user: User, contact_id: int) -> list[dict[str, Any]]:
    found = db.session.scalars(visible_tasks(user).where(Task.contact_id == contact_id)
                               .order_by(Task.created_at))
    return [{"title": t.title, "description": t.description, "status": t.status.value,
             "due_on": _when(t.due_on), "created_at": _when(t.created_at)} for t in found]


def _merges(contact_id: int) -> list[dict[str, Any]]:
    found = db.session.scalars(select(ContactMerge).where(
        ContactMerge.kept_id == contact_id, ContactMerge.undone_at.is_(None))
        .order_by(ContactMerge.created_at))
    return [{"date": _when(m.created_at), "merged_record": m.merged_id} for m in found]


def _requests(contact_id: int) -> list[dict[str, Any]]:
    found = db.session.scalars(select(PrivacyRequest).where(
        PrivacyRequest.contact_id == contact_id).order_by(PrivacyRequest.received_on))
    return [{"kind": r.kind.value, "received_on": _when(r.received_on),
             "answered_on": _when(r.answered_on), "status": r.status.value} for r in found]
