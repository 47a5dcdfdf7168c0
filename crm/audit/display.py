"""The audit log as a person reads it: French labels for actions, records and details, and
links to the records the viewer may open. Codes and bare ids never reach the page.

Every record a page of events mentions is loaded in one query per kind of record, through
the same scope functions as the pages the links lead to: a record the viewer may not open
is named by its kind and number only, never by its content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from crm.audit.labels import action_label
from crm.audit.models import AuditEvent
from crm.auth.models import Role, User
from crm.contacts.services import FIELD_LABELS as CONTACT_FIELDS
from crm.extensions import db

RECORD_KINDS = {
    "app_user": _l("Account"), "contact": _l("Contact"), "outlet": _l("Outlet"),
    "interaction": _l("Interaction"), "task": _l("Task"), "import_batch": _l("Import"),
    "organisation": _l("Organisation"), "duplicate_pair": _l("Pair of possible duplicates"),
    "contact_block": _l("Contact block"), "export_record": _l("Export record"),
    "erased_contact": _l("Erased contact"), "privacy_request": _l("RGPD request"),
}
DETAIL_LABELS = {
    "fields": _l("Fields changed"), "account": _l("Address typed"),
    "retry_after": _l("Wait imposed"), "other_sessions_ended": _l("Other sessions ended"),
    "sessions_ended": _l("Sessions ended"), "remaining": _l("Recovery codes left"),
    "stage": _l("Step"), "beat": _l("Beat"), "contacts": _l("Contacts"),
    "merged_id": _l("Contact merged"), "kept_id": _l("Contact kept"), "merge": _l("Merge concerned"),
    "count": _l("Number of records"), "sections": _l("Sections"), "rows": _l("Rows"),
    "mode": _l("Rows already known"), "created": _l("Contacts created"),
    "updated": _l("Contacts updated"), "skipped": _l("Rows skipped"),
    "rejected": _l("Rows rejected"), "kind": _l("Kind"),
    "assignee": _l("Assigned to"), "previous": _l("Previously assigned to"),
    "role": _l("Role"), "organisation": _l("Organisation"), "name": _l("Name"),
    "full_name": _l("Full name"), "old": _l("Before"), "new": _l("After"),
    "answered": _l("Answered at once"), "on_request": _l("At the person's request"),
    "until": _l("Kept until"),
    "format": _l("Format"), "left_out": _l("Left out"),
}
OTHER_FIELDS = {  # interactions, outlets and tasks; contacts use their own table
    "kind": _l("Kind"), "happened_at": _l("Date and time"), "subject": _l("Subject"),
    "contact_ids": _l("Contacts"), "outlet_id": _l("Outlet"),
    "coverage_url": _l("Article address"), "coverage_title": _l("Article title"),
    "coverage_medium": _l("Medium"), "covered_item": _l("Release or event covered"),
    "name": _l("Name"), "aliases": _l("Other names"), "coverage_area": _l("Coverage area"),
    "website": _l("Website"), "newsroom_email": _l("Newsroom email"),
    "switchboard_phone": _l("Switchboard"),
}
MODES = {"skip": _l("left unchanged"), "fill": _l("empty fields filled"),
         "update": _l("updated with the file's values")}
# detail keys whose values are ids of records of one kind
REFERENCES = {"merged_id": "contact", "kept_id": "contact", "assignee": "app_user",
              "previous": "app_user"}


@dataclass(frozen=True)
class Shown:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    action: str
    record: Shown | None
    # (label, values, separator): a change [before, after] reads "before → after"
    details: list[tuple[str, list[Shown], str]] = field(default_factory=list)


def _scoped(viewer: User) -> dict[str, Callable[[set[int]], dict[int, Shown]]]:
    """For each kind of record: ids → what the viewer sees of those they may open."""
    from crm.contacts.models import Contact
    from crm.contacts.services import visible_contacts
    from crm.dedupe.models import DuplicatePair
    from crm.dedupe.services import review_queue
    from crm.imports.models import ContactBlock, ImportBatch
    from crm.imports.services import visible_blocks
    from crm.interactions.models import Interaction
    from crm.interactions.services import visible_interactions
    from crm.orgs.models import Organisation
    from crm.outlets.models import Outlet
    from crm.tasks.models import Task
    from crm.tasks.services import visible_tasks

    admin = viewer.has_role(Role.ADMIN)

    def load(stmt: Select[Any], model: Any, text: Callable[[Any], str], endpoint: str,
             arg: str) -> Callable[[set[int]], dict[int, Shown]]:
        def run(ids: set[int]) -> dict[int, Shown]:
            rows = db.session.scalars(stmt.where(model.id.in_(ids)))
            return {r.id: Shown(text(r), url_for(endpoint, **{arg: r.id})) for r in rows}
        return run

    found = {
        "contact": load(visible_contacts(viewer), Contact, lambda c: c.full_name,
                        "contacts.show", "contact_id"),
        "outlet": load(select(Outlet).where(Outlet.deleted_at.is_(None)), Outlet,
                       lambda o: o.name, "outlets.show", "outlet_id"),
        "interaction": load(visible_interactions(viewer), Interaction, lambda i: i.subject,
                            "interactions.show", "interaction_id"),
        "task": load(visible_tasks(viewer), Task, lambda t: t.title, "tasks.show", "task_id"),
        "import_batch": load(select(ImportBatch).where(
            ImportBatch.organisation_id == viewer.organisation_id), ImportBatch,
            lambda b: b.filename or str(_l("Import")), "imports.show", "batch_id"),
        "contact_block": load(visible_blocks(viewer), ContactBlock, lambda b: b.title,
                              "imports.block", "block_id"),
        "duplicate_pair": load(review_queue(viewer), DuplicatePair,
                               lambda p: str(_l("Pair to review")), "dedupe.show", "pair_id"),
    }
    if admin:  # accounts and organisations are the administrators' pages
        found["app_user"] = load(select(User), User, lambda u: u.full_name, "users.edit",
                                 "user_id")
        found["organisation"] = load(select(Organisation), Organisation,
                                     lambda o: o.short_name, "orgs.edit", "org_id")
    return found


def _unseen(kind: str, record_id: int) -> Shown:
    name = RECORD_KINDS.get(kind, kind)
    return Shown(str(_l("%(kind)s no. %(id)s", kind=name, id=record_id)))


def _wanted(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.target_type and event.target_id:
            wanted[event.target_type].add(event.target_id)
        for key, value in (event.details or {}).items():
            if key in REFERENCES and isinstance(value, int):
                wanted[REFERENCES[key]].add(value)
            if key == "contacts" and isinstance(value, list):
                wanted["contact"].update(v for v in value if isinstance(v, int))
    return wanted


def _field_name(target_type: str | None, name: str) -> str:
    table = CONTACT_FIELDS if target_type == "contact" else OTHER_FIELDS
    return str(table.get(name, OTHER_FIELDS.get(name, name)))


def _values(event: AuditEvent, key: str, value: Any,
            record: Callable[[str, int], Shown]) -> list[Shown]:
    from crm.auth.services import role_label
    from crm.interactions.services import KIND

    if key in REFERENCES and isinstance(value, int):
        return [record(REFERENCES[key], value)]
    if key == "contacts" and isinstance(value, list):
        return [record("contact", v) for v in value if isinstance(v, int)]
    if key == "fields" and isinstance(value, list):
        return [Shown(_field_name(event.target_type, str(v))) for v in value]
    if key == "mode":
        return [Shown(str(MODES.get(str(value), value)))]
    if key == "kind" and event.action.startswith("interaction."):
        return [Shown(str(KIND.get(value, value)))]
    if key == "role" and isinstance(value, list):
        return [Shown(role_label(v)) for v in value]  # a change: before, after
    if key == "role":
        return [Shown(role_label(value))]
    if key == "retry_after" and isinstance(value, int | float):
        return [Shown(str(_l("%(seconds)s s", seconds=format_decimal(value))))]
    if key == "merge" and isinstance(value, int):
        return [Shown(str(_l("no. %(id)s", id=value)), url_for("dedupe.merges"))]
    if isinstance(value, bool):
        return [Shown(str(_l("Yes") if value else _l("No")))]
    if isinstance(value, list):
        return [Shown(str(v)) for v in value]
    if isinstance(value, int | float):
        return [Shown(format_decimal(value))]
    return [Shown(str(value))]


def describe_events(viewer: User, events: list[AuditEvent]) -> list[Row]:
    """One row per event, records named and linked as ``viewer`` may see them."""
    loaders, seen = _scoped(viewer), {}
    for kind, ids in _wanted(events).items():
        if kind in loaders:
            seen.update({(kind, i): s for i, s in loaders[kind](ids).items()})

    def record(kind: str, record_id: int) -> Shown:
        return seen.get((kind, record_id)) or _unseen(kind, record_id)

    rows = []
    for event in events:
        target = (record(event.target_type, event.target_id)
                  if event.target_type and event.target_id else None)
        details = [(str(DETAIL_LABELS.get(k, k)), _values(event, k, v, record),
                     " → " if event.action == "user.updated" else ", ")
                    for k, v in (event.details or {}).items()]
        rows.append(Row(event, action_label(event.action), target, details))
    return rows
