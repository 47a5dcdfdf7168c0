"""The reserved ``.test`` domain (the demo's addresses) is accepted outside production and
refused in production, by the contact form, the normaliser and the account form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm import emails
from crm.contacts.core.normalise import InvalidEmail, normalise_email
from crm.contacts.models import ContactEmail
from crm.extensions import db
from crm.users.forms import NewUserForm
from tests.conftest import make_app
from tests.contacts.test_views import new_contact_form

PRODUCTION = {"MODE": "production", "SECRET_KEY": "k" * 43, "SUPPRESSION_KEY": "s" * 43,
              "BASE_URL": "https://relais.example.fr"}


def _account_form_accepts(app, email: str) -> bool:
    with app.test_request_context(method="POST", data={"email": email}):
        form = NewUserForm(meta={"csrf": False})
        form.email.validate(form)
        return not form.email.errors


def test_test_domain_is_accepted_outside_production(app, client, login_as):
    login_as("officer")
    response = client.post_form("/contacts/new", new_contact_form(
        emails="Presse@Relais.test", phones=""))
    assert response.status_code == 302, response.text
    with app.app_context():
        assert db.session.scalar(select(ContactEmail.email)) == "presse@relais.test"
    assert normalise_email("admin.aer@relais.test") == "admin.aer@relais.test"
    assert _account_form_accepts(app, "admin.aer@relais.test")


def test_test_domain_is_refused_in_production(app, database_url):
    production = make_app(database_url, **PRODUCTION)
    try:
        with pytest.raises(InvalidEmail):
            normalise_email("presse@relais.test")
        assert normalise_email("presse@est-republicain.fr") == "presse@est-republicain.fr"
        assert not _account_form_accepts(production, "admin.aer@relais.test")
        assert _account_form_accepts(production, "admin@aer-bfc.com")
    finally:
        emails.init_app(app)  # the other tests' app is not in production
    assert normalise_email("presse@relais.test") == "presse@relais.test"
