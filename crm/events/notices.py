"""E-mails to invitees, through the outbox (sent by the worker after the commit): the
confirmation of an answer, and the seat offered to the first person on a waitlist. Each
carries the personal RSVP link and the link to the event's .ics."""

from __future__ import annotations

from collections.abc import Sequence

from crm.contacts.models import Contact
from crm.database import utcnow
from crm.events.calendar import Slot, ics
from crm.events.forms import RESPONSE_STATUSES
from crm.events.invitees import link_token
from crm.events.models import Event, Invitation, Response, ResponseStatus
from crm.extensions import db
from crm.i18n import N_
from crm.mail.services import queue_email
from crm.security import external_url
from crm.settings import settings


def event_ics(event: Event, url: str = "") -> bytes:
    """The event's sessions as one .ics (METHOD:REQUEST)."""
    location = ", ".join(p for p in (event.venue, event.address) if p)
    slots = [Slot(uid=s.uid, sequence=s.ics_sequence, summary=f"{event.title} — {s.name}",
                  starts_at=s.starts_at, ends_at=s.ends_at,
                  location=f"{s.room}, {location}" if s.room else location,
                  description=event.description, url=url) for s in event.sessions]
    return ics(slots, settings().time_zone, stamp=utcnow())


def _recipient(invitation: Invitation) -> tuple[str, Contact] | None:
    contact = db.session.get(Contact, invitation.contact_id) if invitation.contact_id else None
    if contact is None or not contact.primary_email or contact.is_email_bounced:
        return None
    return contact.primary_email, contact


def _links(invitation: Invitation) -> dict[str, str]:
    token = link_token(invitation)
    return {"answer_url": external_url("rsvp.answer", token=token),
            "ics_url": external_url("rsvp.calendar", token=token)}


def queue_confirmation(invitation: Invitation) -> bool:
    """Confirm the invitee's answers by e-mail; False when they have no usable address."""
    found = _recipient(invitation)
    if found is None:
        return False
    email, contact = found
    answers = sorted(invitation.responses, key=lambda r: (r.session.starts_at, r.session_id))
    queue_email(email, N_("Your answer has been recorded"), "event_answer", contact=contact,
                event=invitation.event, answers=answers, answer_label=_answer_label,
                **_links(invitation))
    return True


def _answer_label(status: ResponseStatus) -> str:
    return str(RESPONSE_STATUSES[status])


def queue_offers(offers: Sequence[Response]) -> int:
    """Tell each promoted person that a seat is held for them, and until when."""
    sent = 0
    for offer in offers:
        found = _recipient(offer.invitation)
        if found is None:
            continue
        email, contact = found
        queue_email(email, N_("A seat is available for you"), "event_offer", contact=contact,
                    event=offer.invitation.event, session=offer.session,
                    expires_at=offer.offer_expires_at or utcnow(), **_links(offer.invitation))
        sent += 1
    return sent
