"""Interaction services on their own: scope, who may change an interaction, the contacts an
author may link, the one-time form token, and what each verb audits."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, Visibility
from crm.extensions import db
from crm.interactions.models import InteractionKind, InteractionVisibility
from crm.interactions.services import (
    InteractionData,
    already_logged,
    candidates,
    get_interaction_or_404,
    log_interaction,
    restore_interaction,
    soft_delete_interaction,
    visible_interactions,
)
from tests.factories import user

AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def _data(contact_ids: list[int], **changes: object) -> InteractionData:
    values: dict[str, object] = {"kind": InteractionKind.CALL, "happened_at": AT,
                                 "subject": "Appel sur les Assises", "contact_ids": contact_ids}
    return InteractionData(**{**values, **changes})  # type: ignore[arg-type]


def _actions(interaction_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "interaction", AuditEvent.target_id == interaction_id)
        .order_by(AuditEvent.id)))


def test_an_interaction_is_seen_by_its_body_unless_shared_and_never_from_the_trash(
        app, make_user, make_contact):
    contact = make_contact()
    author, colleague = make_user("officer", "AER BFC"), make_user("officer", "AER BFC")
    other = make_user("officer", "Région BFC")
    with app.app_context():
        own = log_interaction(user(author.id), _data([contact])).id
        shared = log_interaction(user(author.id), _data(
            [contact], visibility=InteractionVisibility.SHARED)).id
        db.session.commit()
        assert get_interaction_or_404(user(colleague.id), own).id == own
        with pytest.raises(NotFound):
            get_interaction_or_404(user(other.id), own)
        assert [i.id for i in db.session.scalars(visible_interactions(user(other.id)))] == [shared]
        soft_delete_interaction(user(author.id), get_interaction_or_404(user(author.id), shared))
        db.session.commit()
        assert db.session.scalars(visible_interactions(user(other.id))).all() == []
        with pytest.raises(NotFound):
            get_interaction_or_404(user(author.id), shared)
        assert get_interaction_or_404(user(author.id), shared, deleted=True).id == shared


def test_a_log_keeps_only_contacts_the_author_sees_and_audits_their_ids(app, make_user,
                                                                        make_contact):
    author = make_user("officer", "AER BFC")
    shared = make_contact("Partagé")
    private = make_contact("Privé", org="Région BFC", visibility=Visibility.PRIVATE)
    with app.app_context():
        with pytest.raises(ValueError, match="at least one contact"):
            log_interaction(user(author.id), _data([private]))
        with pytest.raises(ValueError, match="subject"):
            log_interaction(user(author.id), _data([shared], subject="  "))
        with pytest.raises(ValueError, match="http"):
            log_interaction(user(author.id), _data([shared], coverage_url="javascript:alert(1)"))
        interaction = log_interaction(user(author.id), _data([shared, private]))
        db.session.commit()
        assert [c.id for c in interaction.contacts] == [shared]
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "interaction.created")).one()
        assert (event.actor_id, event.target_id) == (author.id, interaction.id)
        assert event.details == {"kind": "call", "contacts": [shared]}


def test_last_interaction_moves_forward_never_back(app, make_user, make_contact):
    author = make_user("officer", "AER BFC")
    contact_id = make_contact()
    with app.app_context():
        log_interaction(user(author.id), _data([contact_id]))
        log_interaction(user(author.id), _data([contact_id], happened_at=AT - dt.timedelta(days=3)))
        db.session.commit()
        assert db.session.get_one(Contact, contact_id).last_interaction_at == AT
        log_interaction(user(author.id), _data([contact_id], happened_at=AT + dt.timedelta(hours=1)))
        db.session.commit()
        assert db.session.get_one(Contact, contact_id).last_interaction_at == \
            AT + dt.timedelta(hours=1)


def test_only_the_author_or_a_manager_of_its_body_deletes_and_restores(app, make_user,
                                                                       make_contact):
    contact = make_contact()
    author, manager = make_user("officer", "AER BFC"), make_user("manager", "AER BFC")
    colleague, other_manager = make_user("officer", "AER BFC"), make_user("manager", "Région BFC")
    with app.app_context():
        interaction = log_interaction(user(author.id), _data(
            [contact], visibility=InteractionVisibility.SHARED))
        for outsider in (colleague, other_manager):
            with pytest.raises(PermissionError):
                soft_delete_interaction(user(outsider.id), interaction)
        assert interaction.deleted_at is None
        soft_delete_interaction(user(manager.id), interaction)
        assert (interaction.is_deleted, interaction.deleted_by_id) == (True, manager.id)
        with pytest.raises(PermissionError):
            restore_interaction(user(colleague.id), interaction)
        restore_interaction(user(author.id), interaction)
        db.session.commit()
        assert (interaction.deleted_at, interaction.deleted_by_id) == (None, None)
        assert _actions(interaction.id) == ["interaction.created", "interaction.deleted",
                                            "interaction.restored"]


def test_a_form_token_logs_one_interaction(app, make_user, make_contact):
    author = make_user("officer", "AER BFC")
    contact = make_contact()
    with app.app_context():
        assert not already_logged("token-1") and not already_logged(None)
        log_interaction(user(author.id), _data([contact]), form_token="token-1")
        db.session.commit()
        assert already_logged("token-1")
        with pytest.raises(IntegrityError):
            log_interaction(user(author.id), _data([contact]), form_token="token-1")
        db.session.rollback()
        log_interaction(user(author.id), _data([contact]))  # no token: never a conflict
        log_interaction(user(author.id), _data([contact]))
        db.session.commit()


def test_candidates_are_the_contact_then_colleagues_the_reader_sees(app, make_user,
                                                                    make_contact, make_outlet):
    outlet = make_outlet()
    contact = make_contact("HERMIER", outlet_ids=[outlet])
    colleague = make_contact("ARNOUX", outlet_ids=[outlet])
    hidden = make_contact("BERNARD", org="Région BFC", visibility=Visibility.PRIVATE,
                          outlet_ids=[outlet])
    elsewhere = make_contact("DURAND")
    reader = make_user("officer", "AER BFC")
    region = make_user("officer", "Région BFC")
    with app.app_context():
        found = candidates(user(reader.id), db.session.get_one(Contact, contact))
        assert [c.id for c in found] == [contact, colleague]
        found = candidates(user(region.id), db.session.get_one(Contact, contact),
                           db.session.get_one(Contact, elsewhere))
        assert [c.id for c in found] == [contact, elsewhere, colleague, hidden]
