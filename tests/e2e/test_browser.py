import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.journey import sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (375, 1280)


def test_sign_in_and_see_the_home_page(page: Page, live_server, make_user):
    user = make_user("officer", "Région BFC")
    sign_in(page, live_server, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Test User")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_wrong_password_shows_the_error(page: Page, live_server, make_user):
    user = make_user("officer")
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill("not the right one")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_navigation_page_renders_in_french(page: Page, live_server, make_user, width):
    page.set_viewport_size({"width": width, "height": 900})
    admin = make_user("admin")
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    hrefs = page.eval_on_selector_all("nav a.nav-link, nav a.dropdown-item",
                                      "links => links.map(a => a.href)")
    assert len(hrefs) >= 5
    for href in hrefs:
        response = page.goto(href)
        assert response is not None and response.status == 200, href
        assert page.locator("html").get_attribute("lang") == "fr"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{href} overflows by {overflow}px at {width}px"
    assert errors == []  # no CSP violation, no script error


def test_mobile_menu_opens_and_signs_out(page: Page, live_server, make_user):
    page.set_viewport_size({"width": 375, "height": 800})
    user = make_user("manager")
    sign_in(page, live_server, user.email, PASSWORD)
    page.get_by_role("button", name="Afficher le menu").click()
    expect(page.locator("#main-nav.collapse.show")).to_be_visible()  # the opening has ended
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté·e.")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/auth/login?next=%2F")
    expect(page.get_by_role("status")).to_contain_text("Connectez-vous pour accéder à cette page.")
