"""In a real browser: a manager is made to enrol, then signs in with a code from the app."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from crm.auth.core import mfa
from crm.settings import override
from tests.conftest import PASSWORD
from tests.e2e.journey import sign_in

pytestmark = pytest.mark.e2e


def next_code(secret: str) -> str:
    """The authenticator's next code: never the one just used, always inside the window."""
    return mfa.totp_code(secret, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))


def test_a_manager_enrols_then_signs_in_with_a_code(page: Page, live_server, app, make_user):
    override(app, MFA_REQUIRED_ROLES=["admin", "manager"])
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []  # CSP violations and script errors (missing files are checked apart)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    user = make_user("manager")

    sign_in(page, live_server, user.email, PASSWORD)
    expect(page).to_have_url(f"{live_server}/auth/mfa/")
    expect(page.get_by_role("alert")).to_contain_text("Votre rôle impose la validation en deux étapes")
    page.goto(f"{live_server}/contacts/")  # nothing else before enrolment
    expect(page).to_have_url(f"{live_server}/auth/mfa/")
    with page.expect_navigation():
        page.get_by_role("button", name="Configurer la validation en deux étapes").click()

    qr = page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 0  # allowed by the CSP
    secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
    page.get_by_role("textbox", name="Code").fill(mfa.totp_code(secret, dt.datetime.now(dt.UTC)))
    with page.expect_navigation():
        page.get_by_role("button", name="Activer la validation en deux étapes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    with page.expect_navigation():
        page.get_by_role("link", name="Je les ai conservés : continuer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, user.email, PASSWORD)
    expect(page).to_have_url(f"{live_server}/auth/mfa/verify")
    page.get_by_role("textbox", name="Code").fill(next_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"{live_server}/contacts/")
    expect(page).to_have_url(f"{live_server}/contacts/")
    assert errors == [] and failed == []
