"""The invitation is a mailing: the same composer, sending and exclusions. An organiser body's
manager prepares a draft to lists or segments, co-signed by the other organisers, linked to
the event; the manager reviews and sends it from the mailing's page.

When the worker sends it, ``personalise_invitations`` (registered with the mailings'
extension point) makes every recipient an invitee of the event (one invitation per contact
and event: a contact invited before keeps theirs, and their link), and gives each message
the ``{{ lien_reponse }}`` merge field (their personal RSVP link) and the event's .ics.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from crm.audit.services import record
from crm.auth.models import User
from crm.events.forms import InviteForm
from crm.events.invitees import invite, link_token
from crm.events.models import Event, EventMailing, Invitation
from crm.events.notices import event_ics
from crm.extensions import db
from crm.lists.services import get_visible_list, visible_lists
from crm.mailings.models import Delivery, Mailing
from crm.mailings.services import Extras, MailingData, Part, Personaliser, create_mailing
from crm.security import external_url

MERGE_FIELD = "lien_reponse"
ICS_TYPE = "text/calendar; method=REQUEST; charset=utf-8"


def invite_form(user: User, event: Event) -> InviteForm:
    form = InviteForm()
    if not form.is_submitted():
        form.subject.data = _("Invitation: %(title)s", title=event.title)
        form.body.data = _(
            "{{ salutation }}\n\nWe are pleased to invite you to “%(title)s”, %(venue)s.\n\n"
            "Please tell us whether you will come, and with whom, through your personal "
            "link: {{ lien_reponse }}\n\nThe invitation for your calendar is attached.",
            title=event.title, venue=event.venue or event.address)
    form.list_ids.choices = [SelectChoice(str(x.id), x.name)
                             for x in db.session.scalars(visible_lists(user))]
    return form


def prepare_invitation(actor: User, event: Event, subject: str, body: str,
                       list_ids: list[int]) -> int:
    """A draft mailing to the lists, co-signed by the other organisers; returns its id.
    ValueError: a list ``actor`` does not see, or a body the composer refuses."""
    lists = [get_visible_list(actor, list_id).id for list_id in list_ids]
    cosigners = [o.id for o in event.organisers if o.id != actor.organisation_id]
    mailing = create_mailing(actor, MailingData(subject=subject, body=body,
                                                sender_ids=cosigners, list_ids=lists))
    db.session.add(EventMailing(mailing_id=mailing.id, event_id=event.id))
    db.session.flush()
    record(actor, "event.invitation_prepared", event, mailing=mailing.id, lists=len(lists))
    return mailing.id


def personalise_invitations(mailing: Mailing, preview: bool) -> Personaliser | None:
    """The mailings' extension point: what an invitation adds to each recipient's message."""
    link = db.session.get(EventMailing, mailing.id)
    if link is None:
        return None
    event = db.session.get_one(Event, link.event_id)
    calendar = Part("invitation.ics", ICS_TYPE, event_ics(event))
    links = _preview_links(event) if preview else _invite_recipients(mailing, event)
    sample = external_url("rsvp.answer", token="lien-personnel")  # noqa: S106 (a preview)

    def personalise(contact_id: int | None, _email: str) -> Extras:
        url = links.get(contact_id or 0)
        if url is None and not preview:
            raise ValueError("the recipient was not invited")  # erased since: not sent
        return Extras(fields={MERGE_FIELD: url or sample}, parts=[calendar])

    return personalise


def _invite_recipients(mailing: Mailing, event: Event) -> dict[int, str]:
    actor = db.session.get(User, mailing.sent_by_id or mailing.created_by_id or 0)
    if actor is None:
        return {}
    contact_ids = [c for c in db.session.scalars(select(Delivery.contact_id).where(
        Delivery.mailing_id == mailing.id)) if c is not None]
    return {i.contact_id or 0: external_url("rsvp.answer", token=link_token(i))
            for i in invite(actor, event, contact_ids, mailing_id=mailing.id)}


def _preview_links(event: Event) -> dict[int, str]:
    """The links of those already invited (a preview writes nothing)."""
    return {i.contact_id or 0: external_url("rsvp.answer", token=link_token(i))
            for i in db.session.scalars(select(Invitation).where(
                Invitation.event_id == event.id, Invitation.contact_id.is_not(None)))}
