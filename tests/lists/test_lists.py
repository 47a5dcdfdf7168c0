"""Lists and segments: adding contacts, counts in each body's scope, segments evaluated when read."""

from __future__ import annotations

import json

from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.extensions import db
from crm.lists.models import ContactList, ListKind
from crm.lists.services import create_list, member_count, member_counts, member_ids


def _user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def _new_list(client, name: str = "PQR Doubs") -> int:
    response = client.post_form("/lists/new", {"name": name, "visibility": "shared"})
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_ticked_contacts_go_into_a_list_once(app, client, login_as, make_contact):
    officer = login_as("officer")
    ids = [make_contact("HERMIER", "Cécile"), make_contact("ROBIN", "Antoine")]
    list_id = _new_list(client)
    page = client.get("/contacts/")
    assert "Ajouter les contacts sélectionnés à la liste" in page.text
    for _ in range(2):
        response = client.post_form("/lists/add", {"list_id": list_id, "contact_ids": ids})
        assert response.status_code == 302
    shown = client.get(f"/lists/{list_id}").text
    assert "HERMIER" in shown and "ROBIN" in shown
    assert '<td data-label="Contacts">2</td>' in client.get("/lists/").text
    with app.app_context():
        assert member_count(_user(officer.id), db.session.get_one(ContactList, list_id)) == 2


def test_another_bodys_private_contact_is_neither_added_nor_counted(app, client, login_as,
                                                                      make_user, make_contact):
    officer = login_as("officer")
    shared = make_contact("HERMIER", "Cécile", org="Préfecture BFC")
    private = make_contact("SECRET", "Jeanne", org="Préfecture BFC", visibility=Visibility.PRIVATE)
    list_id = _new_list(client)
    client.post_form("/lists/add", {"list_id": list_id, "contact_ids": [shared, private]})
    prefecture = make_user("officer", "Préfecture BFC")
    with app.app_context():
        contact_list = db.session.get_one(ContactList, list_id)
        assert member_ids(_user(officer.id), contact_list) == [shared]
        # the Préfecture sees its private contact, but it was never added
        assert member_count(_user(prefecture.id), contact_list) == 1


def test_a_private_contact_in_a_shared_list_is_hidden_from_other_bodies(app, make_user,
                                                                         make_contact):
    prefecture, aer = make_user("officer", "Préfecture BFC"), make_user("officer", "AER BFC")
    private = make_contact("SECRET", "Jeanne", org="Préfecture BFC", visibility=Visibility.PRIVATE)
    shared = make_contact("HERMIER", "Cécile", org="Préfecture BFC")
    with app.app_context():
        from crm.lists.services import add_members
        contact_list = create_list(_user(prefecture.id), "Invités")
        assert add_members(_user(prefecture.id), contact_list, [private, shared]) == 2
        db.session.commit()
        assert member_count(_user(prefecture.id), contact_list) == 2
        assert member_ids(_user(aer.id), contact_list) == [shared]


def test_another_body_cannot_change_a_shared_list(app, client, login_as, make_user, make_contact):
    prefecture = make_user("officer", "Préfecture BFC")
    contact = make_contact()
    with app.app_context():
        list_id = create_list(_user(prefecture.id), "Invités").id
        db.session.commit()
    login_as("officer")
    assert client.get(f"/lists/{list_id}").status_code == 200
    response = client.post_form("/lists/add", {"list_id": list_id, "contact_ids": [contact]})
    assert response.status_code == 403


def test_a_segment_is_the_contact_search_evaluated_when_read(app, client, login_as, make_contact):
    officer = login_as("officer")
    make_contact("HERMIER", "Cécile", area="25")
    page = client.get("/contacts/?area=25")
    criteria = json.loads(_hidden(page.text, "criteria"))
    assert criteria == {"q": "", "filters": {"area": "25"}}
    response = client.post_form("/lists/segments", {"name": "Doubs", "visibility": "shared",
                                                    "criteria": json.dumps(criteria)})
    assert response.status_code == 302
    make_contact("ROBIN", "Antoine", area="25")  # added after the segment was saved
    make_contact("MARTIN", "Paul", area="21")
    with app.app_context():
        segment = db.session.scalar(select(ContactList).where(ContactList.name == "Doubs"))
        assert segment.kind == ListKind.SEGMENT
        names = db.session.scalars(select(Contact.last_name).where(
            Contact.id.in_(member_ids(_user(officer.id), segment)))).all()
        assert sorted(names) == ["HERMIER", "ROBIN"]
    shown = client.get(f"/lists/{segment.id}").text
    assert "ROBIN" in shown and "MARTIN" not in shown
    assert "area=25" in shown  # the link back to the search


def test_a_forged_segment_is_refused(client, login_as):
    login_as("officer")
    for criteria in ('{"filters": {"area": 1}}', '{"filters": {"owner": "x"}}',
                     '{"filters": {"kind": "pirate"}}'):
        response = client.post_form("/lists/segments", {"name": "x", "visibility": "shared",
                                                        "criteria": criteria})
        assert response.status_code == 400, criteria


def test_remove_and_delete(app, client, login_as, make_contact):
    login_as("officer")
    contact = make_contact()
    list_id = _new_list(client)
    client.post_form("/lists/add", {"list_id": list_id, "contact_ids": [contact]})
    assert client.post_form(f"/lists/{list_id}/members/{contact}/remove").status_code == 302
    assert "HERMIER" not in client.get(f"/lists/{list_id}").text
    assert client.post_form(f"/lists/{list_id}/delete").status_code == 302
    assert client.get(f"/lists/{list_id}").status_code == 404


def test_a_contact_page_adds_to_a_list(client, login_as, make_contact):
    login_as("officer")
    contact = make_contact()
    list_id = _new_list(client, "Économie")
    assert "Économie" in client.get(f"/contacts/{contact}").text
    client.post_form("/lists/add", {"list_id": list_id, "contact_ids": [contact]})
    assert f"/lists/{list_id}" in client.get(f"/contacts/{contact}").text


def _hidden(html: str, name: str) -> str:
    import html as html_lib
    import re
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return html_lib.unescape(match.group(1))


def test_the_lists_page_counts_every_segment_in_one_statement(app, client, login_as, make_contact):
    from tests.test_query_counts import counting

    officer = login_as("officer")
    make_contact("HERMIER", "Cécile", area="25")
    make_contact("ROBIN", "Antoine", area="21")
    make_contact("MARTIN", "Paul", area="25")
    with app.app_context():
        reader = _user(officer.id)
        create_list(reader, "Doubs", criteria={"q": "", "filters": {"area": "25"}})
        db.session.commit()
    with counting(app) as few:
        client.get("/lists/")
    with app.app_context():
        reader = _user(officer.id)
        for name, criteria in [("Côte-d'Or", {"q": "", "filters": {"area": "21"}}),
                               ("Martin", {"q": "martin", "filters": {}}),
                               ("Tous", {"q": "", "filters": {}})]:
            create_list(reader, name, criteria=criteria)
        db.session.commit()
    with counting(app) as many:
        client.get("/lists/")
    assert len(many) == len(few)
    with app.app_context():
        reader = _user(officer.id)
        segments = list(db.session.scalars(select(ContactList).order_by(ContactList.id)))
        counts = member_counts(reader, segments)
        assert {s.name: counts[s.id] for s in segments} == {
            "Doubs": 2, "Côte-d'Or": 1, "Martin": 1, "Tous": 3}
        assert all(counts[s.id] == member_count(reader, s) for s in segments)
