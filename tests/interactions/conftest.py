"""Factories for interactions, on top of the contact factories."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.extensions import db
from crm.interactions.models import InteractionKind, InteractionVisibility
from crm.interactions.services import InteractionData, log_interaction
from tests.factories import user


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
