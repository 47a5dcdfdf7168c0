"""The access matrix: another body's private interaction answers 404 to every role, and it
never shows nor counts anywhere (contact timeline, outlet page, dashboard, search, tasks)."""

from __future__ import annotations

import pytest

from crm.interactions.models import InteractionVisibility
from tests.conftest import login

ROLES = ["officer", "manager", "admin"]
SECRET = "SUJETSECRET"


@pytest.fixture
def private_of_region(make_user, make_contact, make_outlet, make_interaction):
    """A shared contact at an outlet, with one private interaction logged by the Région."""
    author = make_user("officer", "Région BFC")
    outlet = make_outlet("Le Bien Public")
    contact = make_contact("PUBLIQUE", "Claire", outlet_ids=[outlet])
    interaction = make_interaction(author.id, [contact], subject=SECRET, outlet_id=outlet)
    return interaction, contact, outlet


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), [
    ("get", "/interactions/{id}"),
    ("get", "/interactions/{id}/edit"),
    ("post", "/interactions/{id}/edit"),
    ("post", "/interactions/{id}/delete"),
    ("post", "/interactions/{id}/restore"),
    ("get", "/tasks/new?interaction_id={id}"),
])
def test_another_bodys_private_interaction_is_not_found(client, login_as, private_of_region,
                                                        role, method, path):
    interaction, contact, _outlet = private_of_region
    login_as(role, "AER BFC")
    url = path.format(id=interaction)
    response = client.get(url) if method == "get" else client.post_form(
        url, {"subject": "x", "kind": "call", "contact_ids": [contact]})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_another_bodys_private_interaction_never_shows_nor_counts(client, login_as,
                                                                  private_of_region, role):
    _interaction, contact, outlet = private_of_region
    login_as(role, "Préfecture BFC")
    pages = {url: client.get(url).text for url in (
        f"/contacts/{contact}", f"/contacts/{contact}?kind=interactions",
        f"/contacts/{contact}?kind=call", f"/outlets/{outlet}", "/", "/tasks/", "/tasks/team",
        f"/contacts/?q={SECRET.lower()}")}
    for url, text in pages.items():
        assert SECRET not in text, url
    assert "0 élément" in pages[f"/contacts/{contact}?kind=interactions"]
    assert "1 élément" in pages[f"/contacts/{contact}"]  # the creation of the contact only
    assert "<td>1</td>" not in pages["/"]  # the weekly chart counts our own body only


@pytest.mark.parametrize("role", ROLES)
def test_the_owner_body_sees_it_and_a_shared_one_is_seen_by_all(
        client, app, login_as, make_user, private_of_region, make_interaction, role):
    interaction, contact, outlet = private_of_region
    me = login_as(role, "Région BFC")
    assert SECRET in client.get(f"/interactions/{interaction}").text
    assert SECRET in client.get(f"/contacts/{contact}").text
    assert SECRET in client.get(f"/outlets/{outlet}").text
    assert SECRET in client.get("/").text
    make_interaction(me.id, [contact], subject="PARTAGEE",
                     visibility=InteractionVisibility.SHARED)
    other = make_user("officer", "Préfecture BFC")
    client.post_form("/auth/logout")
    login(client, other.email)
    page = client.get(f"/contacts/{contact}").text
    assert "PARTAGEE" in page and SECRET not in page


NEW_GET_ROUTES = ["/tasks/", "/tasks/team", "/tasks/new", "/tasks/{task}",
                  "/tasks/{task}/edit", "/interactions/{interaction}",
                  "/interactions/{interaction}/edit", "/", "/contacts/{contact}"]


@pytest.fixture
def own_records(make_contact, make_interaction, client):
    def make(user_id: int) -> dict[str, int]:
        contact = make_contact()
        interaction = make_interaction(user_id, [contact])
        response = client.post_form("/tasks/new", {
            "title": "Relancer", "assignee_id": str(user_id), "priority": "normal"})
        task = int(response.location.rsplit("/", 1)[1])
        return {"contact": contact, "interaction": interaction, "task": task}

    return make


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", NEW_GET_ROUTES)
def test_every_new_page_renders_for_every_role(client, login_as, own_records, role, path):
    me = login_as(role, "AER BFC")
    page = client.get(path.format(**own_records(me.id)))
    assert page.status_code == 200
    assert "<h1" in page.text


@pytest.mark.parametrize("path", ["/tasks/", "/tasks/team", "/tasks/new", "/tasks/1",
                                  "/tasks/1/edit", "/interactions/1", "/interactions/1/edit"])
def test_new_pages_need_a_signed_in_user(client, path):
    assert client.get(path).status_code == 302


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), [
    ("get", "/tasks/{id}"), ("get", "/tasks/{id}/edit"), ("post", "/tasks/{id}/edit"),
    ("post", "/tasks/{id}/comments"), ("post", "/tasks/{id}/status"),
])
def test_a_task_between_two_other_bodies_is_not_found(app, client, login_as, make_user, role,
                                                      method, path):
    region = make_user("officer", "Région BFC")
    prefecture = make_user("officer", "Préfecture BFC")
    login(client, region.email)
    response = client.post_form("/tasks/new", {"title": "Entre nous", "priority": "normal",
                                               "assignee_id": str(prefecture.id)})
    task = int(response.location.rsplit("/", 1)[1])
    client.post_form("/auth/logout")
    login_as(role, "AER BFC")
    url = path.format(id=task)
    response = client.get(url) if method == "get" else client.post_form(
        url, {"status": "done", "body": "x", "title": "x"})
    assert response.status_code == 404
    assert "Entre nous" not in client.get("/tasks/team?status=").text
