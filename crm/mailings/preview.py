"""A draft as one of its recipients will read it (links in it lead nowhere yet)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from crm.contacts.models import Contact
from crm.mailings import compose
from crm.mailings.models import Mailing


@dataclass(frozen=True)
class Preview:
    contact: Contact
    subject: str
    text: str
    html: Markup


def preview_for(mailing: Mailing, recipients: list[Contact],
                contact_id: int | None) -> Preview | None:
    """``mailing`` rendered for the recipient ``contact_id`` (else the first one)."""
    if not recipients:
        return None
    contact = next((c for c in recipients if c.id == contact_id), recipients[0])
    senders = [compose.Sender(o.name, "#") for o in mailing.senders]
    content = compose.Content(subject=mailing.subject, body=mailing.body, senders=senders,
                              labels={"unsubscribe": "Ne plus recevoir les messages de %s"})
    recipient = compose.Recipient(contact.primary_email or "", contact.civility.value,
                                  contact.first_name, contact.last_name,
                                  contact.outlets[0].name if contact.outlets else "")
    try:
        subject, text, html = compose.render(content, recipient)
    except compose.MergeError:
        return None
    inside = html.partition("<body>")[2].rpartition("</body>")[0]  # the page has its own
    # compose.render escapes every value it inserts and renders Markdown with HTML turned off
    return Preview(contact, subject, text, Markup(inside))  # noqa: S704
