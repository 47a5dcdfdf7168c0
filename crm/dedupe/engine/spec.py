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
``crm.dedupe.engine.dataset.people``): a switchboard, a family's home line.

``contact_spec()`` is the specification for Relais contacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from crm.dedupe.engine.blocking import BlockingRule, SortKey, each_value, name_sound, name_with

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
        ),
        blocking=(each_value("email"), each_value("phone"), name_sound("name"),
                  name_with("name", "outlet")),
        sort_keys=(_last_first,),
        window=3,
        max_block=25,
        upper=20.0,  # same name and outlet alone stay "review"; add an email or phone: certain
    )
    return replace(spec, **overrides)
