import re

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.outlets.models import Outlet


def new_contact_form(**overrides):
    return {"civility": "mrs", "first_name": "Cécile", "last_name": "HERMIER",
            "kind": "journalist", "emails": "C.Hermier@EstRepublicain.fr",
            "phones": "+33 (0)6 80 55 69 66\n03 80 44 55 66", "beats": "Économie, culture",
            "area": "21", "visibility": "shared", "source": "Carte de visite, Assises 2026",
            "legal_basis": "legitimate_interest", **overrides}


def test_nav_has_contacts_and_outlets(client, login_as):
    login_as("officer")
    page = client.get("/contacts/")
    assert page.status_code == 200
    assert 'aria-current="page"' in page.text
    assert ">Contacts</a>" in page.text and ">Médias</a>" in page.text


def test_create_outlet_and_contacts_then_find_them(app, client, login_as):
    login_as("officer")
    response = client.post_form("/outlets/new", {"name": "L'Est Républicain", "kind": "pqr",
                                                 "aliases": "ER", "switchboard_phone": ""})
    assert response.status_code == 302
    with app.app_context():
        outlet_id = db.session.scalar(select(Outlet.id))
    response = client.post_form("/contacts/new", new_contact_form(outlet_ids=str(outlet_id)))
    assert response.status_code == 302, response.text
    show = client.get(response.headers["Location"])
    assert "Cécile HERMIER" in show.text
    assert "06 80 55 69 66" in show.text and "c.hermier@estrepublicain.fr" in show.text
    assert "Contact créé" in show.text  # timeline, from the audit log
    for query in ("republicain", "hermier", "06 80 55", "ECONOMIE"):
        listing = client.get("/contacts/", query_string={"q": query})
        assert "HERMIER" in listing.text, query
    assert "Aucun contact ne correspond" in client.get("/contacts/?q=zzz").text
    outlet_page = client.get(f"/outlets/{outlet_id}")
    assert "HERMIER" in outlet_page.text


def test_form_errors_are_shown_next_to_fields(client, login_as):
    login_as("officer")
    response = client.post_form("/contacts/new", new_contact_form(
        emails="pas-une-adresse", phones="06 80", source="", social_links="javascript:x"))
    assert response.status_code == 422
    assert "Ligne 1 : « pas-une-adresse » n’est pas une adresse électronique valide." \
        in response.text
    assert "Ligne 1 : « 06 80 » n’est pas un numéro de téléphone valide." in response.text
    assert "n’est pas une adresse http(s)" in response.text
    assert 'aria-invalid="true"' in response.text


def test_duplicate_warning_then_create_anyway(app, client, login_as):
    login_as("officer")
    assert client.post_form("/contacts/new", new_contact_form()).status_code == 302
    again = client.post_form("/contacts/new", new_contact_form(
        first_name="cecile", last_name="Hermier", phones="0033680556966", emails=""))
    assert again.status_code == 200
    assert "Ce contact existe peut-être déjà" in again.text
    assert "Utiliser le contact existant" in again.text
    forced = client.post_form("/contacts/new", new_contact_form(
        phones="0033680556966", emails="", create_anyway="Créer quand même"))
    assert forced.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Contact)).all()) == 2


def test_stale_edit_shows_the_conflict_page(app, client, login_as):
    login_as("officer")
    location = client.post_form("/contacts/new", new_contact_form()).headers["Location"]
    contact_id = int(location.rsplit("/", 1)[1])
    form = client.get(f"/contacts/{contact_id}/edit").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    first = client.post_form(f"/contacts/{contact_id}/edit",
                             new_contact_form(job_title="Cheffe d'agence", version=version))
    assert first.status_code == 302
    second = client.post_form(f"/contacts/{contact_id}/edit",
                              new_contact_form(job_title="Pigiste", version=version))
    assert second.status_code == 409
    assert "Vos modifications" in second.text and "Version actuelle" in second.text
    assert "Pigiste" in second.text and "Cheffe d&#39;agence" in second.text
    with app.app_context():
        assert db.session.get_one(Contact, contact_id).job_title == "Cheffe d'agence"
    # "save my version over it" re-sends the form with the current version
    current = re.search(r'name="version" value="(\d+)"', second.text).group(1)
    assert current == "2"
    third = client.post_form(f"/contacts/{contact_id}/edit",
                             new_contact_form(job_title="Pigiste", version=current))
    assert third.status_code == 302
    with app.app_context():
        assert db.session.get_one(Contact, contact_id).job_title == "Pigiste"


def test_delete_undo_and_trash(app, client, login_as):
    login_as("officer")
    location = client.post_form("/contacts/new", new_contact_form()).headers["Location"]
    contact_id = int(location.rsplit("/", 1)[1])
    confirm = client.get(f"/contacts/{contact_id}/delete")  # a confirmation, no change
    assert confirm.status_code == 200 and "Mettre à la corbeille" in confirm.text
    assert client.get(f"/contacts/{contact_id}").status_code == 200
    deleted = client.post_form(f"/contacts/{contact_id}/delete", follow_redirects=True)
    assert "mis à la corbeille" in deleted.text
    assert f'action="/contacts/{contact_id}/restore"' in deleted.text
    assert ">Annuler</button>" in deleted.text
    assert client.get(f"/contacts/{contact_id}").status_code == 404
    assert "HERMIER" in client.get("/contacts/trash").text
    restored = client.post_form(f"/contacts/{contact_id}/restore", follow_redirects=True)
    assert "restauré" in restored.text
    assert client.get(f"/contacts/{contact_id}").status_code == 200


def test_bulk_tag(app, client, login_as, make_contact):
    login_as("officer")
    ids = [make_contact("Un"), make_contact("Deux")]
    response = client.post_form("/contacts/bulk-tag", {"contact_ids": ids, "beat": "Sport"},
                                follow_redirects=True)
    assert "Thématique « Sport » ajoutée à 2 contact(s)." in response.text
    assert "Un" in client.get("/contacts/?beat=sport").text


def test_bulk_tag_returns_to_the_list_without_url_building_options(app, client, login_as,
                                                                   make_contact):
    login_as("officer")
    ids = [make_contact("Un")]
    response = client.post_form("/contacts/bulk-tag?q=un&_scheme=javascript&_external=1&_anchor=x",
                                {"contact_ids": ids, "beat": "Sport"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/contacts/?q=un"


def test_list_pages_paginate(app, client, login_as):
    from crm.contacts import demo

    login_as("officer")
    with app.app_context():
        demo.generate(120, 60, duplicate_share=0)
        db.session.commit()
    first = client.get("/contacts/")
    assert int(re.search(r"(\d+) résultats", first.text).group(1)) > 50  # private ones hidden
    assert 'href="/contacts/?page=2"' in first.text and "Suivant" in first.text
    second = client.get("/contacts/?page=2&sort=-created")
    assert 'aria-current="page">2</a>' in second.text and "Précédent" in second.text
    outlets = client.get("/outlets/")
    assert 'href="/outlets/?page=2"' in outlets.text


def test_an_edit_asks_only_about_duplicates_it_brings(app, client, login_as):
    login_as("officer")
    first = client.post_form("/contacts/new", new_contact_form())
    twin = client.post_form("/contacts/new", new_contact_form(
        emails="", phones="06 80 55 69 66", create_anyway="Créer quand même"))
    other = client.post_form("/contacts/new", new_contact_form(
        first_name="Paul", last_name="MARTIN", emails="p.martin@lebienpublic.fr", phones=""))
    assert {first.status_code, twin.status_code, other.status_code} == {302}
    contact_id = int(first.headers["Location"].rsplit("/", 1)[1])

    def edit(**changes):
        form = client.get(f"/contacts/{contact_id}/edit").text
        version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
        return client.post_form(f"/contacts/{contact_id}/edit",
                                new_contact_form(version=version, **changes))

    # the twin shares the phone since before: changing the job title asks nothing
    assert edit(job_title="Cheffe d'agence").status_code == 302
    # adding Paul Martin's address brings him as a possible duplicate: the form asks
    asked = edit(job_title="Cheffe d'agence",
                 emails="C.Hermier@EstRepublicain.fr\np.martin@lebienpublic.fr")
    assert asked.status_code == 200 and "Ce contact existe peut-être déjà" in asked.text
    assert "MARTIN" in asked.text
