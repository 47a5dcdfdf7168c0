"""A draft as one of its recipients will read it (links in it lead nowhere yet), on the page
or in a test message to the manager's own address."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from markupsafe import Markup

from crm.contacts.models import Contact
from crm.mailings import compose, logos
from crm.mailings.models import Mailing
from crm.mailings.personalise import combined, personalisers
from crm.orgs.services import of_organisation, the_organisation
from crm.security import external_url

UNSUBSCRIBE_LABEL = "Ne plus recevoir les messages %s"  # %s: "de l’Agence…" (of_organisation)
NOTICE_LABEL = "Comment %s utilise vos données"  # %s: "l’Agence…" (the_organisation)
SAMPLE = compose.Recipient("anne.martin@example.fr", "mrs", "Anne", "MARTIN", "Le Bien Public")


@dataclass(frozen=True)
class Preview:
    contact: Contact
    subject: str
    text: str
    html: Markup


@dataclass(frozen=True)
class Rendered:
    """The whole message of one recipient: subject, plain text and HTML document."""

    recipient: compose.Recipient
    contact_id: int | None
    subject: str
    text: str
    html: str


def _recipient(contact: Contact) -> compose.Recipient:
    return compose.Recipient(contact.primary_email or "", contact.civility.value,
                             contact.first_name, contact.last_name,
                             contact.outlets[0].name if contact.outlets else "")


def _logo(short_name: str, absolute: bool) -> str:
    """The logo's static file: on this page, or from BASE_URL in a test message."""
    name = logos.logo_file(current_app.static_folder or "static", short_name)
    if name is None:
        return ""
    return external_url("static", filename=name) if absolute else url_for("static", filename=name)


def _content(mailing: Mailing, link: str, absolute: bool = False) -> compose.Content:
    senders = [compose.Sender(o.name, link, _logo(o.short_name, absolute),
                              external_url("privacy.notice", org_id=o.id), of_organisation(o),
                              the_organisation(o))
               for o in mailing.senders]
    return compose.Content(subject=mailing.subject, body=mailing.body, senders=senders,
                           footer=mailing.footer, labels={"unsubscribe": UNSUBSCRIBE_LABEL,
                                                          "notice": NOTICE_LABEL})


def preview_for(mailing: Mailing, recipients: list[Contact],
                contact_id: int | None) -> Preview | None:
    """``mailing`` rendered for the recipient ``contact_id`` (else the first one)."""
    if not recipients:
        return None
    contact = next((c for c in recipients if c.id == contact_id), recipients[0])
    recipient = _recipient(contact)
    extras = combined(personalisers(mailing, preview=True), contact.id, recipient.email)
    try:
        subject, text, html = compose.render(_content(mailing, "#"), recipient, extras.fields)
    except compose.MergeError:
        return None
    inside = html.partition("<body>")[2].rpartition("</body>")[0]  # the page has its own
    # compose.render escapes every value it inserts and renders Markdown with HTML turned off
    return Preview(contact, subject, text, Markup(inside))  # noqa: S704


def rendered_for(mailing: Mailing, recipients: list[Contact], contact_id: int | None,
                 link: str) -> Rendered:
    """The message of the recipient ``contact_id`` (else the first one, else a sample person
    when the lists are still empty); its unsubscribe links lead to ``link``."""
    contact = next((c for c in recipients if c.id == contact_id),
                   recipients[0] if recipients else None)
    recipient = _recipient(contact) if contact is not None else SAMPLE
    extras = combined(personalisers(mailing, preview=True),
                      contact.id if contact is not None else None, recipient.email)
    subject, text, html = compose.render(_content(mailing, link, absolute=True), recipient,
                                         extras.fields)
    return Rendered(recipient, contact.id if contact is not None else None, subject, text, html)
