"""What the engine compares: the field specification. Pure data.

A ``Spec`` lists the fields (each reads one or more keys of the record dicts and has a kind
from ``crm.dedupe.engine.fields``), the blocking rules and sort keys that choose candidate pairs, and
the two thresholds on the *match weight* (log2 of the Fellegi-Sunter likelihood ratio, term
frequencies included): at or above ``upper`` with at least ``certain_fields`` fields agreeing
(each adding weight for a match: independent evidence, whichever fields they are) →
"certain"; at or above ``lower`` → "review"; below → not proposed.

Fields marked ``shared`` (emails, phones) drop values that cannot identify a person: generic
newsroom local parts (``redaction@``, ``contact@``...), the ``shared_values`` given by the
caller (outlets' newsroom addresses and switchboards), and any value held by at least
``shared_min_names`` different people (told apart by their first names, see
``crm.dedupe.engine.dataset.people``): a switchboard, a family's home line. For e-mail user
names (kind ``email_user``) the people are counted per user name: "leroy@" or "jmartin@" at
several outlets is several people, and no evidence.

A field with ``unless_exact`` is compared only when that other field does not agree exactly
(else ``MISSING``): the user name of an address is made from the name, so beside identical
names it would count the name twice (and namesakes share it); it speaks when a name lacks its
first name, has a typo or a nickname. A field with ``only_if_missing`` is compared only when
that other field is ``MISSING``: the surname of a record that lacks its first name.

``contact_spec()`` is the specification for Relais contacts: it blocks on each e-mail, each
phone, phonetic names (either order), surname + outlet, first name + outlet (a surname typo in
a newsroom), the surname alone (a record without its first name; common surnames are over the
``max_block`` cap) and each e-mail user name (an old address after a job change).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from crm.dedupe.engine.blocking import (
    BlockingRule,
    SortKey,
    each_value,
    email_users,
    name_sound,
    name_with,
    surname,
)

GENERIC_LOCAL_PARTS = frozenset({
    "redaction", "contact", "info", "infos", "information", "accueil", "presse", "press",
    "standard", "secretariat", "direction", "communication", "newsroom", "news", "hello",
    "bonjour", "admin", "office", "noreply", "no-reply", "courrier", "mail", "web", "agenda",
    "rédaction", "actu", "actualites", "infos-locales", "locale", "journal", "edition",
})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    source: tuple[str, ...] = ()
    tf: bool = False  # adjust exact agreement by how rare the value is
    shared: bool = False  # values held by many records are not evidence
    # compared only when this other field does not agree exactly: an address's user name is
    # made from the name, so beside identical names it repeats them (and namesakes share it)
    unless_exact: str | None = None
    # compared only when this other field is MISSING: a lone surname beside a full name
    only_if_missing: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return self.source or (self.name,)


@dataclass(frozen=True)
class Spec:
    fields: tuple[FieldSpec, ...]
    blocking: tuple[BlockingRule, ...]
    sort_keys: tuple[SortKey, ...] = ()
    window: int = 4
    max_block: int = 40
    upper: float = 14.0
    lower: float = 6.0
    certain_fields: int = 2  # agreeing fields a "certain" pair needs besides its score
    id_key: str = "id"
    link_key: str | None = None  # set to link lists: only pairs across its values count
    shared_min_names: int = 2
    generic_local_parts: frozenset[str] = GENERIC_LOCAL_PARTS
    shared_values: frozenset[str] = field(default_factory=frozenset)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _last_first(record: Mapping[str, Any]) -> str:
    name = record.get("name")
    return f"{name[1]} {name[0]}" if name else ""


def _first_last(record: Mapping[str, Any]) -> str:
    name = record.get("name")
    return f"{name[0]} {name[1]}" if name else ""


def contact_spec(**overrides: Any) -> Spec:
    """Relais contacts: dicts with first_name, last_name, emails, phones, outlets, id."""
    spec = Spec(
        fields=(
            FieldSpec("name", "name", ("first_name", "last_name"), tf=True),
            FieldSpec("email", "email", ("emails", "email"), shared=True),
            FieldSpec("phone", "phone", ("phones", "phone", "mobile"), shared=True),
            FieldSpec("outlet", "set", ("outlets", "outlet")),
            FieldSpec("email_user", "email_user", ("emails", "email"), shared=True,
                      unless_exact="name"),
            FieldSpec("surname", "surname", ("first_name", "last_name"),
                      only_if_missing="name"),
        ),
        blocking=(each_value("email"), each_value("phone"), name_sound("name"),
                  name_with("name", "outlet"), name_with("name", "outlet", part=0),
                  surname("name"), email_users("email")),
        sort_keys=(_last_first,),
        window=3,
        max_block=25,
        upper=20.0,  # same name and outlet alone stay "review"; add an email or phone: certain
    )
    return replace(spec, **overrides)
