"""Interaction verbs and scope. Verbs flush and audit; the caller commits.

Scope: an interaction is visible when it is shared or belongs to the reader's organisation,
and it is alive (not in the trash). Anything else answers 404, and never counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from crm.audit.services import record
from crm.auth.models import Role, User
from crm.contacts.core.normalise import is_web_url
from crm.contacts.models import Contact, Visibility, contact_outlet
from crm.contacts.services import visible_contacts
from crm.database import send_to_trash, take_out_of_trash, utcnow
from crm.extensions import db

# the label of each interaction kind, for the pages of other features
from crm.interactions.labels import KIND as KIND
from crm.interactions.models import (
    Interaction,
    InteractionKind,
    InteractionVisibility,
    Medium,
    interaction_contact,
)
from crm.outlets.models import Outlet


@dataclass
class InteractionData:
    """Plain, editable values of an interaction (``happened_at`` timezone-aware)."""

    kind: InteractionKind
    happened_at: dt.datetime
    subject: str
    contact_ids: list[int] = field(default_factory=list)
    notes: str | None = None
    outlet_id: int | None = None
    visibility: InteractionVisibility = InteractionVisibility.ORG
    coverage_url: str | None = None
    coverage_title: str | None = None
    coverage_medium: Medium | None = None
    covered_item: str | None = None


def interaction_data(interaction: Interaction) -> InteractionData:
    return InteractionData(**{
        f.name: getattr(interaction, f.name) for f in fields(InteractionData)
        if f.name != "contact_ids"}, contact_ids=[c.id for c in interaction.contacts])


def in_scope(user: User) -> ColumnElement[bool]:
    return or_(Interaction.visibility == InteractionVisibility.SHARED,
               Interaction.organisation_id == user.organisation_id)


def visible_interactions(user: User, *, deleted: bool = False) -> Select[Interaction]:
    alive = Interaction.deleted_at.is_not(None) if deleted else Interaction.deleted_at.is_(None)
    return select(Interaction).where(and_(alive, in_scope(user)))


def with_details(stmt: Select[Interaction]) -> Select[Interaction]:
    """Load what a list shows in a fixed number of queries, whatever the number of rows."""
    return stmt.options(selectinload(Interaction.contacts), selectinload(Interaction.outlet),
                        selectinload(Interaction.author),
                        selectinload(Interaction.organisation))


def get_interaction_or_404(user: User, interaction_id: int, *,
                           deleted: bool = False) -> Interaction:
    return db.first_or_404(with_details(visible_interactions(user, deleted=deleted))
                           .where(Interaction.id == interaction_id))


def visible_of(user: User, contacts: list[Contact]) -> list[Contact]:
    """The ``contacts`` that ``user`` may see: an interaction may outlive a contact's scope."""
    return [c for c in contacts if c.deleted_at is None and (
        c.visibility == Visibility.SHARED or c.organisation_id == user.organisation_id)]


class OutletChoice(NamedTuple):
    id: int
    name: str
    is_deleted: bool


@dataclass(frozen=True)
class Candidate:
    """A contact an interaction may concern, as its form offers it (with its outlets)."""

    id: int
    full_name: str
    outlets: list[OutletChoice]


def _candidate(contact: Contact) -> Candidate:
    return Candidate(contact.id, contact.full_name,
                     [OutletChoice(o.id, o.name, o.is_deleted) for o in contact.outlets])


def candidates(user: User, contact: Contact, *extra: Contact) -> list[Candidate]:
    """Who an interaction about ``contact`` may also concern, as ``user`` sees them: the
    contact, ``extra``, then up to 20 colleagues at its outlets. The colleagues are read as
    columns (two statements), not as contacts: the form shows only names and outlets."""
    found = {c.id: _candidate(c) for c in (contact, *extra)}
    outlet_ids = [o.id for o in contact.outlets]
    if not outlet_ids:
        return list(found.values())
    colleagues = {row.id: Candidate(row.id, f"{row.first_name} {row.last_name}".strip(), [])
                  for row in db.session.execute(visible_contacts(user).where(
                      Contact.id.in_(select(contact_outlet.c.contact_id).where(
                          contact_outlet.c.outlet_id.in_(outlet_ids))), Contact.id != contact.id)
                      .with_only_columns(Contact.id, Contact.first_name, Contact.last_name)
                      .order_by(Contact.sort_key).limit(20))}
    if colleagues:
        outlets: Select[int, int, str, bool] = select(
            contact_outlet.c.contact_id, Outlet.id, Outlet.name, Outlet.deleted_at.is_not(None)
        ).join(Outlet, Outlet.id == contact_outlet.c.outlet_id).where(
            contact_outlet.c.contact_id.in_(list(colleagues))).order_by(Outlet.name_key)
        for contact_id, outlet_id, name, deleted in db.session.execute(outlets):
            colleagues[contact_id].outlets.append(OutletChoice(outlet_id, name, deleted))
    return [*found.values(), *(c for c in colleagues.values() if c.id not in found)]


def can_change(user: User, interaction: Interaction) -> bool:
    """The author, or a manager (or admin) of the same organisation."""
    return interaction.author_id == user.id or (
        user.has_role(Role.MANAGER) and interaction.organisation_id == user.organisation_id)


def _contacts(user: User, ids: list[int]) -> list[Contact]:
    if not ids:
        return []
    return list(db.session.scalars(visible_contacts(user).where(Contact.id.in_(set(ids)))))


def _apply(user: User, interaction: Interaction, data: InteractionData) -> list[str]:
    if not data.subject.strip():
        raise ValueError("a subject is required")
    if data.coverage_url and not is_web_url(data.coverage_url.strip()):
        raise ValueError("the article address must be http(s)")
    contacts = _contacts(user, data.contact_ids)
    if not contacts:
        raise ValueError("at least one contact is required")
    # contacts the editor cannot see (another body's private ones) stay linked, untouched
    contacts += [c for c in interaction.contacts if c not in visible_of(user, [c])]
    before = interaction_data(interaction) if interaction.id else None
    for name in ("kind", "happened_at", "outlet_id", "visibility", "coverage_medium"):
        setattr(interaction, name, getattr(data, name))
    for name in ("notes", "coverage_url", "coverage_title", "covered_item"):
        setattr(interaction, name, (getattr(data, name) or "").strip() or None)
    interaction.subject = data.subject.strip()
    interaction.contacts = contacts
    interaction.updated_at = utcnow()
    after = interaction_data(interaction)
    return [f.name for f in fields(InteractionData)
            if before is None or getattr(before, f.name) != getattr(after, f.name)]


def _touch_contacts(interaction: Interaction) -> None:
    """Move each contact's "last meaningful interaction" forward, never backward."""
    ids = [c.id for c in interaction.contacts]
    db.session.execute(
        update(Contact).where(Contact.id.in_(ids), or_(
            Contact.last_interaction_at.is_(None),
            Contact.last_interaction_at < interaction.happened_at))
        .values(last_interaction_at=interaction.happened_at)
        .execution_options(synchronize_session=False))
    for contact in interaction.contacts:
        db.session.expire(contact, ["last_interaction_at"])


def already_logged(form_token: str | None) -> bool:
    """Whether the form holding ``form_token`` has already logged its interaction."""
    return bool(form_token) and db.session.scalar(
        select(Interaction.id).where(Interaction.form_token == form_token)) is not None


def log_interaction(actor: User, data: InteractionData, *,
                    form_token: str | None = None) -> Interaction:
    """A new interaction by ``actor`` for their organisation. ``ValueError`` on bad values.

    ``form_token``, the one-time token of the form sent, is unique: the flush of a second
    interaction with the same token raises ``IntegrityError`` (check ``already_logged`` first).
    """
    interaction = Interaction(author_id=actor.id, organisation_id=actor.organisation_id,
                              form_token=form_token or None)
    _apply(actor, interaction, data)
    db.session.add(interaction)
    db.session.flush()
    _touch_contacts(interaction)
    record(actor, "interaction.created", interaction, kind=interaction.kind.value,
           contacts=[c.id for c in interaction.contacts])
    return interaction


def update_interaction(actor: User, interaction: Interaction, data: InteractionData) -> None:
    if not can_change(actor, interaction):
        raise PermissionError("only the author or a manager of the organisation")
    changed = _apply(actor, interaction, data)
    db.session.flush()
    _touch_contacts(interaction)
    if changed:
        record(actor, "interaction.updated", interaction, fields=changed)


def soft_delete_interaction(actor: User, interaction: Interaction) -> None:
    if not can_change(actor, interaction):
        raise PermissionError("only the author or a manager of the organisation")
    send_to_trash(interaction, actor.id)
    record(actor, "interaction.deleted", interaction)


def restore_interaction(actor: User, interaction: Interaction) -> None:
    if not can_change(actor, interaction):
        raise PermissionError("only the author or a manager of the organisation")
    take_out_of_trash(interaction)
    record(actor, "interaction.restored", interaction)


def contact_interactions(user: User, contact_id: int) -> Select[Interaction]:
    """Visible interactions about one contact."""
    linked = select(interaction_contact.c.interaction_id).where(
        interaction_contact.c.contact_id == contact_id)
    return visible_interactions(user).where(Interaction.id.in_(linked))


def outlet_interactions(user: User, outlet_id: int) -> Select[Interaction]:
    """Visible interactions with the outlet, or about a visible contact working there."""
    staff = select(interaction_contact.c.interaction_id).join(
        contact_outlet, contact_outlet.c.contact_id == interaction_contact.c.contact_id).where(
        contact_outlet.c.outlet_id == outlet_id,
        interaction_contact.c.contact_id.in_(visible_contacts(user).with_only_columns(Contact.id)))
    return visible_interactions(user).where(
        or_(Interaction.outlet_id == outlet_id, Interaction.id.in_(staff)))


def latest(stmt: Select[Interaction], limit: int = 20) -> tuple[list[Interaction], int]:
    """The ``limit`` most recent interactions of ``stmt``, and how many there are in all."""
    total = db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(Interaction.id).subquery()))
    items = db.session.scalars(with_details(stmt).order_by(
        Interaction.happened_at.desc(), Interaction.id.desc()).limit(limit))
    return list(items), int(total or 0)
