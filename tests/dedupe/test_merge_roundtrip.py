"""Merge then undo is an exact round trip of every row that references a contact.

Hypothesis draws a small world (contacts of the three bodies, shared or private, with
emails, phones, beats, outlets and opt-outs; interactions linking several of them; tasks;
contact block entries; a proposed pair), merges two contacts as an officer who sees both,
undoes the merge, and compares full row snapshots of the contact table and of every table
with a foreign key to ``contact.id``. Each example runs in one transaction, rolled back.

Left out of the comparison: the kept contact's ``version`` and ``updated_at`` (an undo is a
new write), and ``contact_merge``, the record of the merge and of its undo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, select

from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import ContactData, create_contact
from crm.dedupe.merging import CHOOSABLE, merge_contacts, undo_merge
from crm.dedupe.models import DuplicatePair, PairStatus
from crm.extensions import db
from crm.imports.models import ContactBlock, ContactBlockEntry, ContactBlockSection
from crm.interactions.models import InteractionKind, InteractionVisibility, interaction_contact
from crm.interactions.services import InteractionData, log_interaction
from crm.orgs.models import Organisation
from crm.outlets.models import OutletKind
from crm.outlets.services import OutletData, create_outlet
from crm.tasks.services import TaskData, create_task

BODIES = ("AER BFC", "Région BFC", "Préfecture BFC")
UNCOMPARED = {"contact": {"version", "updated_at"}}
NOT_COMPARED = {"contact_merge"}

contact = st.fixed_dictionaries({
    "body": st.integers(0, 2),
    "visibility": st.sampled_from([Visibility.SHARED, Visibility.SHARED, Visibility.PRIVATE]),
    "first_name": st.sampled_from(["Aline", "aline", "Cécile", ""]),
    "last_name": st.sampled_from(["POIRIER", "Poirier", "HERMIER"]),
    "job_title": st.sampled_from([None, "Journaliste", "Pigiste"]),
    "emails": st.lists(st.sampled_from(["a@x.fr", "b@x.fr", "c@y.fr"]), max_size=2),
    "phones": st.lists(st.sampled_from(["0680556966", "0380446405"]), max_size=2),
    "beats": st.lists(st.sampled_from(["Santé", "Économie", "Culture"]), max_size=2),
    "outlets": st.lists(st.integers(0, 1), max_size=2),
    "opt_outs": st.lists(st.integers(0, 2), max_size=2),
    "is_opted_out": st.booleans(),
    "is_email_bounced": st.booleans(),
    "information_sent_at": st.sampled_from([None, dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)]),
})
world = st.fixed_dictionaries({
    "contacts": st.lists(contact, min_size=2, max_size=4),
    # (author's body, indexes of the contacts it links, shared or not)
    "interactions": st.lists(st.tuples(st.integers(0, 2), st.lists(st.integers(0, 3),
                                                                   min_size=1, max_size=3),
                                       st.booleans()), max_size=3),
    "tasks": st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), max_size=2),
    "block": st.lists(st.integers(0, 3), max_size=3),
    "pair": st.booleans(),
    "merge": st.tuples(st.integers(0, 3), st.integers(0, 3)),
    "actor": st.integers(0, 2),
    "chosen": st.fixed_dictionaries({name: st.sampled_from(["kept", "merged"])
                                     for name in CHOOSABLE}),
})


@pytest.fixture
def officers(app, make_user) -> list[int]:
    return [make_user("officer", body).id for body in BODIES]


def _references() -> list[Table]:
    tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_COMPARED and any(
        fk.column.table.name == "contact" for fk in t.foreign_keys)]
    return [db.metadata.tables["contact"], *tables]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the contact table and of the tables that reference it, in key order."""
    db.session.flush()
    out = {}
    for table in _references():
        skip = UNCOMPARED.get(table.name, set())
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        out[table.name] = [{k: v for k, v in row.items() if k not in skip} for row in rows]
    return out


def _sees(user: User, contact: Contact) -> bool:
    return contact.visibility is Visibility.SHARED or \
        contact.organisation_id == user.organisation_id


def build(drawn: dict[str, Any], users: list[User]) -> list[Contact]:
    orgs = [db.session.scalar(select(Organisation.id).where(Organisation.short_name == b))
            for b in BODIES]
    outlets = [create_outlet(None, OutletData(name=f"Le Bien Public {i}", kind=OutletKind.PQR))
               for i in range(2)]
    contacts = [create_contact(users[c["body"]], ContactData(
        last_name=c["last_name"], first_name=c["first_name"], source="test",
        visibility=c["visibility"], job_title=c["job_title"], emails=c["emails"],
        phones=c["phones"], beats=c["beats"], outlet_ids=[outlets[i].id for i in c["outlets"]],
        opt_out_organisation_ids=[orgs[i] for i in c["opt_outs"]],
        is_opted_out=c["is_opted_out"], is_email_bounced=c["is_email_bounced"],
        information_sent_at=c["information_sent_at"]), organisation_id=orgs[c["body"]])
        for c in drawn["contacts"]]
    for body, linked, shared in drawn["interactions"]:
        ids = {contacts[i].id for i in linked if i < len(contacts)
               and _sees(users[body], contacts[i])}
        if ids:
            log_interaction(users[body], InteractionData(
                kind=InteractionKind.CALL, subject="Appel", contact_ids=sorted(ids),
                happened_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
                visibility=InteractionVisibility.SHARED if shared else InteractionVisibility.ORG))
    for body, index in drawn["tasks"]:
        if index < len(contacts) and _sees(users[body], contacts[index]):
            create_task(users[body], TaskData(title="Relancer", assignee_id=users[body].id,
                                              contact_id=contacts[index].id))
    if drawn["block"]:
        block = ContactBlock(fingerprint="f" * 64, title="Bloc")
        block.sections.append(ContactBlockSection(position=0, heading="AER BFC"))
        block.sections[0].entries = [ContactBlockEntry(position=n, contact_id=contacts[i].id)
                                     for n, i in enumerate(drawn["block"]) if i < len(contacts)]
        db.session.add(block)
    db.session.flush()
    return contacts


def _merge_allowed(drawn: dict[str, Any], contacts: list[Contact],
                   users: list[User]) -> tuple[Contact, Contact, User]:
    """The drawn merge, made one an officer may do: two different contacts, seen by the
    actor (the owner of a private one), the shared one kept when the other is private."""
    kept_at, merged_at = (i % len(contacts) for i in drawn["merge"])
    if kept_at == merged_at:
        merged_at = (kept_at + 1) % len(contacts)
    kept, merged = contacts[kept_at], contacts[merged_at]
    private = {c.organisation_id for c in (kept, merged) if c.visibility is Visibility.PRIVATE}
    assume(len(private) <= 1)  # two bodies' private contacts: nobody sees both
    actor = next((u for u in users if u.organisation_id in private), users[drawn["actor"]])
    if kept.visibility is Visibility.PRIVATE and merged.visibility is Visibility.SHARED:
        kept, merged = merged, kept
    return kept, merged, actor


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=world)
def test_merge_then_undo_is_an_exact_round_trip(app, officers, drawn):
    with app.app_context():
        users = [db.session.get_one(User, i) for i in officers]
        try:
            contacts = build(drawn, users)
            kept, merged, actor = _merge_allowed(drawn, contacts, users)
            if drawn["pair"]:
                low, high = sorted((kept.id, merged.id))
                db.session.add(DuplicatePair(low_id=low, high_id=high, score=12.5, evidence=[]))
            before = snapshot()
            merge = merge_contacts(actor, kept, merged, drawn["chosen"])
            assert snapshot() != before  # the merge did change something
            undo_merge(actor, merge)
            assert snapshot() == before
        finally:
            db.session.rollback()


def test_a_merge_recorded_before_the_fix_is_undone_too(app, officers):
    """Merges stored with the key taken before the move (and no pair state) still undo."""
    with app.app_context():
        user = db.session.get_one(User, officers[0])
        kept, merged = (create_contact(user, ContactData(last_name="POIRIER", source="test"),
                                       organisation_id=user.organisation_id) for _ in range(2))
        db.session.flush()
        call = log_interaction(user, InteractionData(
            kind=InteractionKind.CALL, subject="Appel", contact_ids=[merged.id],
            happened_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)))
        db.session.add(DuplicatePair(low_id=kept.id, high_id=merged.id, score=12.5, evidence=[]))
        merge = merge_contacts(user, kept, merged, {})
        merge.repointed = [{"table": "interaction_contact", "column": "contact_id",
                            "key": {"interaction_id": call.id, "contact_id": merged.id}}]
        db.session.commit()
        undo_merge(user, merge)
        db.session.commit()
        linked = db.session.scalars(select(interaction_contact.c.contact_id).where(
            interaction_contact.c.interaction_id == call.id)).all()
        pair = db.session.scalar(select(DuplicatePair))
        assert linked == [merged.id]
        assert pair.status is PairStatus.OPEN
