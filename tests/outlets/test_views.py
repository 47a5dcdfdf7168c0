"""Outlet pages: the stale-edit conflict page, the trash, and the search."""


def test_outlet_edit_conflict_and_delete(app, client, login_as):
    login_as("manager")
    location = client.post_form("/outlets/new", {"name": "France Bleu", "kind": "radio"}
                                ).headers["Location"]
    outlet_id = int(location.rsplit("/", 1)[1])
    ok = client.post_form(f"/outlets/{outlet_id}/edit",
                          {"name": "France Bleu Bourgogne", "kind": "radio", "version": "1"})
    assert ok.status_code == 302
    stale = client.post_form(f"/outlets/{outlet_id}/edit",
                             {"name": "ICI Bourgogne", "kind": "radio", "version": "1"})
    assert stale.status_code == 409 and "France Bleu Bourgogne" in stale.text
    client.post_form(f"/outlets/{outlet_id}/delete")
    assert client.get(f"/outlets/{outlet_id}").status_code == 404
    assert "France Bleu Bourgogne" in client.get("/outlets/trash").text


def test_outlet_search_and_deleted_outlet_leaves_contact_search(app, client, login_as,
                                                                make_outlet, make_contact):
    login_as("officer")
    outlet_id = make_outlet("L'Est Républicain", aliases=["ER"])
    make_outlet("Le Bien Public", aliases=["LBP"])
    make_contact("HERMIER", "Cécile", outlet_ids=[outlet_id])
    listing = client.get("/outlets/?q=republicain")
    assert "L&#39;Est Républicain" in listing.text and "Le Bien Public" not in listing.text
    assert "Le Bien Public" in client.get("/outlets/?q=lbp").text
    assert "Le Bien Public" not in client.get("/outlets/?kind=radio").text
    assert "HERMIER" in client.get("/contacts/?q=republicain").text
    client.post_form(f"/outlets/{outlet_id}/delete")
    assert "HERMIER" not in client.get("/contacts/?q=republicain").text
    client.post_form(f"/outlets/{outlet_id}/restore")
    assert "HERMIER" in client.get("/contacts/?q=republicain").text
