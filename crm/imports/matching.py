"""Which visible contact each staged row most likely is: three queries for a whole chunk of
rows (emails, phones, names) instead of three per row.

The evidence is kept per contact in a fixed order (email, phone, name or name+outlet); the
best candidate has the most evidence, then the lowest id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from crm.auth.models import User
from crm.contacts.core.normalise import fold, name_key
from crm.contacts.models import Contact, ContactEmail, ContactPhone, contact_outlet
from crm.contacts.services import visible_contacts
from crm.extensions import db
from crm.outlets.models import Outlet
from crm.privacy.models import Suppression, SuppressionKind
from crm.privacy.services import digest

Match = tuple[int | None, list[str]]


def match_many(actor: User, rows: Sequence[dict[str, Any]]) -> list[Match]:
    """For each row's values, the visible contact most likely the same person and why."""
    scope = visible_contacts(actor).with_only_columns(Contact.id)
    emails = _lookup(ContactEmail.email, ContactEmail.contact_id, scope,
                     {e for v in rows for e in v.get("emails") or ()})
    phones = _lookup(ContactPhone.e164, ContactPhone.contact_id, scope,
                     {p for v in rows for p in v.get("phones") or ()})
    row_keys = [_key(v) for v in rows]
    keys = set(row_keys) - {""}
    names = _lookup(Contact.name_key, Contact.id, scope, keys)
    outlets = _outlet_names({cid for key in keys for cid in names.get(key, ())})
    return [_best(v, key, emails, phones, names, outlets) for v, key in zip(rows, row_keys,
                                                                          strict=True)]


def suppressed_many(rows: Sequence[dict[str, Any]]) -> list[bool]:
    """For each row's values, whether an email or phone belongs to a person erased on
    request (one query for the chunk; ``crm.privacy.services.is_suppressed`` for one row)."""
    email, phone = SuppressionKind.EMAIL, SuppressionKind.PHONE
    wanted = [{digest(email, e) for e in v.get("emails") or () if e} |
              {digest(phone, p) for p in v.get("phones") or () if p} for v in rows]
    every = set().union(*wanted) if wanted else set()
    if not every:
        return [False] * len(rows)
    erased = set(db.session.scalars(select(Suppression.digest).where(
        Suppression.digest.in_(sorted(every)))))
    return [bool(digests & erased) for digests in wanted]


def _key(values: dict[str, Any]) -> str:
    if not values.get("first_name"):
        return ""
    return name_key(values.get("first_name"), values.get("last_name")) or ""


def _lookup(column: Any, contact_id: Any, scope: Any, wanted: set[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    if not wanted:
        return found
    stmt: Select[str, int] = select(column, contact_id).where(
        column.in_(sorted(wanted)), contact_id.in_(scope))
    for value, cid in db.session.execute(stmt):
        found[value].add(cid)
    return found


def _outlet_names(contact_ids: set[int]) -> dict[int, set[str]]:
    """Folded names and aliases of the outlets of ``contact_ids``."""
    names: dict[int, set[str]] = defaultdict(set)
    if not contact_ids:
        return names
    stmt: Select[int, str, list[str]] = select(
        contact_outlet.c.contact_id, Outlet.name, Outlet.aliases).join(
        Outlet, Outlet.id == contact_outlet.c.outlet_id).where(
        contact_outlet.c.contact_id.in_(sorted(contact_ids)))
    for cid, name, aliases in db.session.execute(stmt):
        names[cid].update({fold(name), *(fold(a) for a in aliases or ())})
    return names


def _best(values: dict[str, Any], key: str, emails: dict[str, set[int]],
          phones: dict[str, set[int]], names: dict[str, set[int]],
          outlets: dict[int, set[str]]) -> Match:
    found: dict[int, list[str]] = {}
    for label, index, wanted in (("email", emails, values.get("emails") or ()),
                                 ("phone", phones, values.get("phones") or ())):
        for cid in sorted({c for value in wanted for c in index.get(value, ())}):
            found.setdefault(cid, []).append(label)
    outlet = values.get("outlet")
    for cid in sorted(names.get(key, ())) if key else ():
        if not outlet:
            found.setdefault(cid, []).append("name")
        elif fold(outlet) in outlets.get(cid, ()):
            found.setdefault(cid, []).append("name+outlet")
    if not found:
        return None, []
    best = max(found, key=lambda cid: (len(found[cid]), -cid))
    return best, found[best]
