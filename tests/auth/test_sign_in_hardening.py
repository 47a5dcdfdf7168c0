"""Sign-in reveals nothing through its timing; the block-list sees through spelling."""

from __future__ import annotations

import argon2
import pytest

from crm.auth.passwords import password_problem
from crm.extensions import db
from crm.orgs.services import FOUNDING_ORGANISATIONS
from tests.conftest import PASSWORD, login, user_by_id


@pytest.fixture
def verifications(monkeypatch):  # type: ignore[no-untyped-def]
    """The argon2 verifications made, as (hash parameters) strings."""
    made: list[str] = []
    real = argon2.PasswordHasher.verify

    def verify(hasher, hash, password):  # type: ignore[no-untyped-def]
        made.append(hash.split("$")[3])
        return real(hasher, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    return made


def test_unknown_address_costs_one_argon2_verification(client, verifications):
    assert login(client, "nobody@example.org", "whatever password").status_code == 401
    assert len(verifications) == 1


def test_wrong_password_costs_one_verification_with_the_same_parameters(
        client, make_user, verifications):
    user = make_user("officer")
    login(client, "nobody@example.org", "whatever password")
    login(client, user.email, "whatever password")
    assert len(verifications) == 2
    assert verifications[0] == verifications[1]  # the dummy hash uses today's parameters


def test_deactivated_account_answers_like_an_unknown_one(app, client, make_user, verifications):
    user = make_user("officer")
    with app.app_context():
        db.session.merge(user_by_id(app, user.id)).is_enabled = False
        db.session.commit()
    response = login(client, user.email, PASSWORD)  # even with the right password
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert len(verifications) == 1


@pytest.mark.parametrize("password", [
    "AER BFC Région BFC",
    "aer-bfc-region-bfc",
    "RÉGION BFC PRÉFECTURE",
    "Préfecture de la Côte-d'Or",
    "prefecturedelacotedor",
    "Conseil régional 2026 !",
    "Agence économique régionale",
    "Relais Presse Région 2026",
    "bfc.bfc.bfc.bfc.bfc",
    "Préfecture BFC !!",
    "region region xx 12",
])
def test_passwords_made_of_the_organisations_words_are_refused(password):
    assert password_problem(password) == "context"


def test_every_founding_name_and_alias_is_refused_alone_or_combined():
    phrases = [p for name, short, aliases in FOUNDING_ORGANISATIONS for p in (name, short, *aliases)]
    for first in phrases:
        for second in phrases:
            candidate = f"{first} {second} 2026"
            if len(candidate) <= 128:
                assert password_problem(candidate) == "context", candidate


@pytest.mark.parametrize("password", [
    PASSWORD, "une nouvelle phrase secrète", "Région où nagent les truites",
    "prefecture2024abc", "mon chat aime les souris",
])
def test_real_passphrases_stay_accepted(password):
    assert password_problem(password) is None


def test_common_password_with_spaces_is_still_common():
    assert password_problem("azerty 123456") == "common"


def test_personal_words_combine_with_the_organisations():
    assert password_problem("Dupont Jeanne AER BFC", personal=("Jeanne", "Dupont")) == "context"
