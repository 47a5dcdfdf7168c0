"""The access matrix: another body's private contact answers 404 to every role, everywhere."""

import pytest

from crm.contacts.models import Visibility


@pytest.fixture
def private_of_region(make_contact, make_outlet):
    outlet = make_outlet("Le Journal de Saône-et-Loire")
    return make_contact("SECRETNAME", "Privée", org="Région BFC", visibility=Visibility.PRIVATE,
                        outlet_ids=[outlet], emails=["privee@jsl.fr"]), outlet


ROLES = ["officer", "manager", "admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), [
    ("get", "/contacts/{id}"),
    ("get", "/contacts/{id}/edit"),
    ("post", "/contacts/{id}/edit"),
    ("post", "/contacts/{id}/delete"),
    ("post", "/contacts/{id}/restore"),
])
def test_another_bodys_private_contact_is_not_found(client, login_as, private_of_region,
                                                    role, method, path):
    contact_id, _outlet = private_of_region
    login_as(role, "AER BFC")
    url = path.format(id=contact_id)
    response = client.get(url) if method == "get" else client.post_form(
        url, {"last_name": "X", "source": "x", "version": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_another_bodys_private_contact_is_absent_from_lists(client, login_as,
                                                            private_of_region, role):
    contact_id, outlet_id = private_of_region
    login_as(role, "Préfecture BFC")
    for url in ("/contacts/?q=secretname", "/contacts/?q=privee@jsl.fr", "/contacts/",
                f"/outlets/{outlet_id}", "/contacts/trash"):
        assert "SECRETNAME" not in client.get(url).text, url
    assert client.post_form("/contacts/bulk-tag", {"contact_ids": [contact_id], "beat": "x"},
                            follow_redirects=True).status_code == 200
    duplicate = client.post_form("/contacts/new", {
        "last_name": "Autre", "source": "test", "emails": "privee@jsl.fr", "kind": "journalist",
        "civility": "none", "visibility": "shared", "legal_basis": "legitimate_interest"})
    assert duplicate.status_code == 302  # the private twin is neither shown nor a blocker


@pytest.mark.parametrize("role", ROLES)
def test_the_owner_body_sees_and_edits_its_private_contact(client, login_as, private_of_region,
                                                           role):
    contact_id, _outlet = private_of_region
    login_as(role, "Région BFC")
    assert "SECRETNAME" in client.get(f"/contacts/{contact_id}").text
    assert client.get(f"/contacts/{contact_id}/edit").status_code == 200
    assert "SECRETNAME" in client.get("/contacts/?q=secretname").text


@pytest.mark.parametrize("url", ["/contacts/", "/contacts/new", "/contacts/trash", "/outlets/",
                                 "/outlets/new", "/outlets/trash"])
def test_pages_need_a_signed_in_user(client, url):
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("url", ["/contacts/new", "/outlets/new", "/contacts/trash",
                                 "/outlets/trash"])
def test_pages_render_for_a_signed_in_user(client, login_as, url):
    login_as("officer")
    page = client.get(url)
    assert page.status_code == 200
    assert "<h1" in page.text
