"""Factories for contacts and outlets, built through the real services (a pytest plugin)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Visibility
from crm.contacts.services import ContactData, create_contact
from crm.extensions import db
from crm.interactions.models import InteractionKind, InteractionVisibility
from crm.interactions.services import InteractionData, log_interaction
from crm.orgs.models import Organisation
from crm.outlets.models import OutletKind
from crm.outlets.services import OutletData, create_outlet


def org_id_of(short_name: str) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.short_name == short_name))


@pytest.fixture
def make_outlet(app):
    def make(name: str = "L'Est Républicain", kind: OutletKind = OutletKind.PQR,
             **kwargs: object) -> int:
        with app.app_context():
            outlet = create_outlet(None, OutletData(name=name, kind=kind, **kwargs))
            db.session.commit()
            return outlet.id

    return make


@pytest.fixture
def make_contact(app):
    def make(last_name: str = "HERMIER", first_name: str = "Cécile", *, org: str = "AER BFC",
             visibility: Visibility = Visibility.SHARED, **kwargs: object) -> int:
        with app.app_context():
            data = ContactData(last_name=last_name, first_name=first_name,
                               source=str(kwargs.pop("source", "Annuaire de test")),
                               visibility=visibility, **kwargs)  # type: ignore[arg-type]
            contact = create_contact(None, data, organisation_id=org_id_of(org))
            db.session.commit()
            return contact.id

    return make


def user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


@pytest.fixture
def make_interaction(app):
    def make(author_id: int, contact_ids: list[int], *, subject: str = "Appel au sujet des Assises",
             kind: InteractionKind = InteractionKind.CALL,
             visibility: InteractionVisibility = InteractionVisibility.ORG,
             happened_at: dt.datetime | None = None, **kwargs: object) -> int:
        with app.app_context():
            data = InteractionData(
                kind=kind, subject=subject, contact_ids=contact_ids, visibility=visibility,
                happened_at=happened_at or dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
                **kwargs)  # type: ignore[arg-type]
            interaction = log_interaction(user(author_id), data)
            db.session.commit()
            return interaction.id

    return make
