"""vCard 3.0 through vobject: one file of cards, readable by Outlook, Google and Apple Contacts.

Each card has N (with the civility as its prefix) and FN, ORG (the outlet), TITLE, its EMAILs
(``TYPE=INTERNET``), its TELs in E.164 (``TYPE=CELL`` for mobiles, ``TYPE=WORK,VOICE`` for
others) and an optional NOTE. vobject escapes commas, semicolons and backslashes, folds lines
at 75 octets and ends them with CRLF; the file is UTF-8. Cards are produced one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import phonenumbers
import vobject

REGION = "FR"


@dataclass(frozen=True)
class CardPerson:
    """What a card says about one person; phones are (number, is_mobile) pairs."""

    first_name: str = ""
    last_name: str = ""
    civility: str = ""
    outlet: str = ""
    title: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[tuple[str, bool], ...] = ()
    note: str = ""


def e164(number: str, region: str = REGION) -> str:
    """``number`` in E.164 when it parses (``06 80 55 69 66`` → ``+33680556966``), else as given."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number.strip()
    if not phonenumbers.is_possible_number(parsed):
        return number.strip()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def full_name(person: CardPerson) -> str:
    """The card's FN: first and last name, or the outlet, or an e-mail (FN is mandatory)."""
    name = " ".join(p for p in (person.first_name, person.last_name) if p)
    return name or person.outlet or (person.emails[0] if person.emails else "?")


def card_text(person: CardPerson) -> str:
    """One serialised card (CRLF line ends, folded)."""
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(family=person.last_name, given=person.first_name,
                                             prefix=person.civility)
    card.add("fn").value = full_name(person)
    if person.outlet:
        card.add("org").value = [person.outlet]
    if person.title:
        card.add("title").value = person.title
    for email in person.emails:
        prop = card.add("email")
        prop.value = email
        prop.type_param = "INTERNET"
    for number, is_mobile in person.phones:
        prop = card.add("tel")
        prop.value = e164(number)
        prop.type_paramlist = ["CELL"] if is_mobile else ["WORK", "VOICE"]
    if person.note:
        card.add("note").value = person.note
    text: str = card.serialize()
    return text


def vcard_chunks(people: Iterable[CardPerson]) -> Iterator[bytes]:
    """The file, one UTF-8 encoded card per chunk."""
    for person in people:
        yield card_text(person).encode("utf-8")
