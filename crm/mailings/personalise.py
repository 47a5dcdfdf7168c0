"""The extension point through which another feature adds to each recipient's message.

Events' invitations need, per recipient, a merge field (the personal answer link, written
``{{ lien_reponse }}`` in the body) and a file of their own (an ``.ics`` invitation). A
feature registers a *factory* once, when the app is built::

    from crm.mailings.services import Extras, Part, register_personaliser

    def invitations(mailing: Mailing, preview: bool) -> Personaliser | None:
        if <mailing is not an invitation>:
            return None          # nothing to add: the mailing is sent as it is
        tokens = <the invitations' links, read once for the whole mailing>
        def personalise(contact_id: int | None, email: str) -> Extras:
            return Extras(fields={"lien_reponse": tokens[contact_id]},
                          parts=[Part("invitation.ics", "text/calendar; method=REQUEST; "
                                      "charset=utf-8", ics_bytes(contact_id))])
        return personalise

    register_personaliser(app, invitations)

Contract:

- The factory is called once per mailing by the worker (``preview=False``, inside the worker's
  transaction: it may read and write, and its writes are committed with the first claimed
  batch), and once per preview or test send (``preview=True``: it must write nothing).
- The returned callable is called once per message, just before it is sent, with the
  delivery's contact id (None once the contact was erased) and address; keep it cheap (read
  what it needs in the factory). A ``ValueError`` raised by it fails that one delivery
  (nothing is sent to them); any other exception stops the worker as a bug would, and the
  batch's deliveries become uncertain.
- ``fields`` are merge fields beside ``{{ prenom }}``…: HTML-escaped in the HTML part, as is.
  Their names must not hide the built-in ones. ``parts`` are attached after the mailing's own
  files (``Part.content_id`` empty: an attachment).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flask import Flask, current_app

from crm.mailings.mime import Part
from crm.mailings.models import Mailing

EXTENSION = "relais.mailing_personalisers"


@dataclass(frozen=True)
class Extras:
    """What a feature adds to one recipient's message."""

    fields: Mapping[str, str] = field(default_factory=dict)
    parts: Sequence[Part] = ()


Personaliser = Callable[[int | None, str], Extras]
PersonaliserFactory = Callable[[Mailing, bool], Personaliser | None]


def register_personaliser(app: Flask, factory: PersonaliserFactory) -> None:
    """Have ``factory`` asked, for every mailing, what it adds to each recipient's message."""
    app.extensions.setdefault(EXTENSION, []).append(factory)


def personalisers(mailing: Mailing, *, preview: bool) -> list[Personaliser]:
    """What the registered features add to ``mailing``'s messages (those with something)."""
    found = (factory(mailing, preview) for factory in current_app.extensions.get(EXTENSION, []))
    return [p for p in found if p is not None]


def combined(found: Sequence[Personaliser], contact_id: int | None, email: str) -> Extras:
    """Every feature's extras for one recipient, in registration order."""
    if not found:
        return Extras()
    extras = [personalise(contact_id, email) for personalise in found]
    return Extras(fields={k: v for e in extras for k, v in e.fields.items()},
                  parts=[p for e in extras for p in e.parts])
