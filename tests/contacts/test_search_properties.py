"""Property: whatever a French name looks like, its folded, upper- or lower-case spelling finds
it, on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from crm.contacts.listing import search_contacts
from crm.contacts.models import Contact
from crm.contacts.services import ContactData, create_contact
from crm.extensions import db
from tests.contacts.conftest import org_id_of, user

LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæÉÈÀÇŒ"
names = st.text(alphabet=LETTERS + "-' ", min_size=1, max_size=30).filter(
    lambda s: any(c.isalpha() for c in s))


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@pytest.fixture
def reader_id(make_user) -> int:
    return make_user().id


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(last=names, first=names)
def test_any_spelling_of_a_name_finds_it(app, reader_id, last, first):
    with app.app_context():
        contact = create_contact(None, ContactData(last_name=last, first_name=first,
                                                   source="propriété"),
                                 organisation_id=org_id_of("AER BFC"))
        db.session.commit()
        try:
            for query in (last, last.upper(), strip_accents(last).lower(), f"{first} {last}"):
                found = [c.id for c in search_contacts(user(reader_id), query, per_page=200).items]
                assert contact.id in found, query
        finally:
            db.session.execute(delete(Contact).where(Contact.id == contact.id))
            db.session.commit()
