"""Each body's rights over shared records: edits, deletion, merges and their undo, blocks.

The Région and the AER each have a shared contact the other sees; what belongs to the owner
(visibility, removing an opt-out, deletion) stays with the owner, and another body's private
records never show, through blocks or merges either.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.contacts.rights import another_body_may_write
from crm.contacts.services import (
    ContactData,
    OwnerOnly,
    contact_data,
    delete_contact,
    restore_deleted_contact,
    update_contact,
)
from crm.dedupe.merging import MergeRefused, merge_contacts, undo_merge
from crm.dedupe.models import ContactMerge, DuplicatePair
from crm.extensions import db
from crm.imports.models import (
    ContactBlock,
    ContactBlockEntry,
    ContactBlockSection,
    SourceKind,
)
from crm.imports.parsing.readers import Table
from crm.imports.staging import stage_table
from crm.interactions.models import interaction_contact
from tests.conftest import login, org_id

EDIT_FORM = {"civility": "mrs", "first_name": "Aline", "last_name": "POIRIER",
             "kind": "journalist", "source": "Annuaire de test", "area": "",
             "legal_basis": "legitimate_interest", "visibility": "shared", "version": "1"}


@pytest.fixture
def bodies(app, make_user):
    """Signed-in clients: an AER officer and a Région officer."""
    users, clients = {}, {}
    for org in ("AER BFC", "Région BFC"):
        users[org] = make_user("officer", org)
        clients[org] = app.test_client()
        assert login(clients[org], users[org].email).status_code == 302
    return users, clients


def get(_app, contact_id: int) -> Contact:
    return db.session.get_one(Contact, contact_id)


def as_user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


# -- 3. edits by another body ---------------------------------------------------------------

def test_another_body_can_add_opt_outs_but_never_clear_them(app, bodies, make_contact):
    _users, clients = bodies
    aer = org_id(app, "AER BFC")
    contact = make_contact("POIRIER", "Aline", org="AER BFC", is_opted_out=True,
                           is_email_bounced=True, opt_out_organisation_ids=[aer])
    form = clients["Région BFC"].get(f"/contacts/{contact}/edit")
    assert 'name="visibility"' not in form.text  # shown as text, not offered
    assert "Seul l’organisme propriétaire décide qui voit ce contact." in form.text
    assert re.search(r'<input[^>]* checked [^>]*disabled id="is_opted_out"', form.text)
    assert re.search(rf'<option disabled selected value="{aer}">', form.text)
    # the form re-posted without the boxes, and asking for a private contact
    region = org_id(app, "Région BFC")
    response = clients["Région BFC"].post_form(f"/contacts/{contact}/edit", {
        **EDIT_FORM, "visibility": "private", "job_title": "Pigiste",
        "opt_out_organisation_ids": [str(region)]})
    assert response.status_code == 302, response.text
    with app.app_context():
        stored = get(app, contact)
        assert stored.job_title == "Pigiste"  # the edit itself went through
        assert stored.visibility is Visibility.SHARED
        assert stored.is_opted_out and stored.is_email_bounced
        assert sorted(o.organisation_id for o in stored.opt_outs) == sorted([aer, region])
    # the owner body may clear them and change the visibility
    response = clients["AER BFC"].post_form(f"/contacts/{contact}/edit", {
        **EDIT_FORM, "visibility": "private", "version": "2"})
    assert response.status_code == 302, response.text
    with app.app_context():
        stored = get(app, contact)
        assert stored.visibility is Visibility.PRIVATE
        assert not stored.is_opted_out and not stored.is_email_bounced and not stored.opt_outs


def test_the_service_enforces_the_owner_rules(app, bodies, make_contact):
    users, _clients = bodies
    contact = make_contact("POIRIER", "Aline", org="AER BFC", is_opted_out=True)
    with app.app_context():
        stored = get(app, contact)
        data = contact_data(stored)
        data.visibility, data.is_opted_out = Visibility.PRIVATE, False
        update_contact(as_user(users["Région BFC"].id), stored, data,
                       expected_version=stored.version)
        assert stored.visibility is Visibility.SHARED and stored.is_opted_out
        with pytest.raises(OwnerOnly):
            delete_contact(as_user(users["Région BFC"].id), stored)
        delete_contact(as_user(users["AER BFC"].id), stored)
        with pytest.raises(OwnerOnly):
            restore_deleted_contact(as_user(users["Région BFC"].id), stored)
        restore_deleted_contact(as_user(users["AER BFC"].id), stored)
        assert stored.deleted_at is None
        db.session.rollback()


# -- 5. deletion ----------------------------------------------------------------------------

def test_only_the_owner_body_deletes_and_after_a_confirmation(app, bodies, make_contact):
    _users, clients = bodies
    contact = make_contact("POIRIER", "Aline", org="AER BFC")
    other = clients["Région BFC"]
    assert f'href="/contacts/{contact}/delete"' not in other.get(f"/contacts/{contact}").text
    assert other.get(f"/contacts/{contact}/delete").status_code == 403
    assert other.post_form(f"/contacts/{contact}/delete").status_code == 403
    owner = clients["AER BFC"]
    assert f'href="/contacts/{contact}/delete"' in owner.get(f"/contacts/{contact}").text
    confirm = owner.get(f"/contacts/{contact}/delete")
    assert confirm.status_code == 200 and "Mettre à la corbeille" in confirm.text
    with app.app_context():
        assert get(app, contact).deleted_at is None  # asking changed nothing
    assert owner.post(f"/contacts/{contact}/delete", data={}).status_code == 400  # no token
    assert owner.post_form(f"/contacts/{contact}/delete").status_code == 302
    with app.app_context():
        assert get(app, contact).deleted_at is not None
    trash = other.get("/contacts/trash").text
    assert "POIRIER" in trash and f"/contacts/{contact}/restore" not in trash
    assert other.post_form(f"/contacts/{contact}/restore").status_code == 403
    assert owner.post_form(f"/contacts/{contact}/restore").status_code == 302


# -- 3. merges across bodies ----------------------------------------------------------------

def _pair(app, a: int, b: int) -> int:
    with app.app_context():
        low, high = sorted((a, b))
        pair = DuplicatePair(low_id=low, high_id=high, score=20.0, evidence=[])
        db.session.add(pair)
        db.session.commit()
        return pair.id


def test_a_private_copy_cannot_capture_a_shared_contact(app, bodies, make_contact,
                                                        make_interaction):
    users, clients = bodies
    shared = make_contact("POIRIER", "Aline", org="AER BFC", emails=["apoirier@aer-bfc.com"])
    call = make_interaction(users["AER BFC"].id, [shared])
    copy = make_contact("POIRIER", "Aline", org="Région BFC", visibility=Visibility.PRIVATE,
                        notes="Copie privée")
    pair = _pair(app, shared, copy)  # shared is the low side
    region = clients["Région BFC"]
    page = region.get(f"/duplicates/{pair}")
    assert 'disabled id="keep-1"' in page.text  # keeping the private copy is not offered
    assert region.post_form(f"/duplicates/{pair}/merge", {"keep": "high"}).status_code == 403
    with app.app_context():
        with pytest.raises(MergeRefused):
            merge_contacts(as_user(users["Région BFC"].id), get(app, copy), get(app, shared),
                           {"visibility": "kept"})
        db.session.rollback()
        assert get(app, shared).deleted_at is None
    # keeping the shared one: it stays shared, with its owner and its interactions
    assert region.post_form(f"/duplicates/{pair}/merge",
                            {"keep": "low", "f_visibility": "high"}).status_code == 302
    with app.app_context():
        kept = get(app, shared)
        assert kept.visibility is Visibility.SHARED and kept.organisation.short_name == "AER BFC"
        assert get(app, copy).deleted_at is not None
        links = db.session.execute(select(interaction_contact.c.contact_id).where(
            interaction_contact.c.interaction_id == call)).scalars().all()
        assert links == [shared]
    assert clients["AER BFC"].get(f"/contacts/{shared}").status_code == 200


def test_either_body_undoes_a_merge_of_their_shared_contacts(app, bodies, make_contact,
                                                             make_user):
    _users, clients = bodies
    aer = make_contact("POIRIER", "Aline", org="AER BFC")
    region = make_contact("Poirier", "Aline", org="Région BFC")
    pair = _pair(app, aer, region)
    assert clients["Région BFC"].post_form(f"/duplicates/{pair}/merge",
                                           {"keep": "high"}).status_code == 302
    with app.app_context():
        merge_id = db.session.scalar(select(ContactMerge.id))
        assert get(app, aer).deleted_at is not None  # another body's merge, not a deletion
    prefecture = app.test_client()
    login(prefecture, make_user("officer", "Préfecture BFC").email)
    listing = prefecture.get("/duplicates/merges").text
    assert "Seuls les organismes concernés peuvent l’annuler" in listing
    assert prefecture.post_form(f"/duplicates/merges/{merge_id}/undo").status_code == 403
    page = clients["AER BFC"].get("/duplicates/merges").text
    assert f"/duplicates/merges/{merge_id}/undo" in page
    undone = clients["AER BFC"].post_form(f"/duplicates/merges/{merge_id}/undo",
                                          follow_redirects=True)
    assert "Fusion annulée" in undone.text
    with app.app_context():
        assert get(app, aer).deleted_at is None


# -- 2. the merges list and undo ------------------------------------------------------------

def test_merges_of_a_private_contact_stay_with_its_body(app, bodies, make_contact):
    users, clients = bodies
    kept = make_contact("POIRIER", "Aline", org="Région BFC")
    private = make_contact("SECRETPOIRIER", "Aline", org="AER BFC",
                           visibility=Visibility.PRIVATE)
    with app.app_context():
        merge = merge_contacts(as_user(users["AER BFC"].id), get(app, kept), get(app, private),
                               {"last_name": "kept"})
        db.session.commit()
        merge_id = merge.id
    region = clients["Région BFC"]
    assert "SECRETPOIRIER" not in region.get("/duplicates/merges").text
    assert region.post_form(f"/duplicates/merges/{merge_id}/undo").status_code == 404
    with app.app_context():
        assert get(app, private).deleted_at is not None
    assert "SECRETPOIRIER" in clients["AER BFC"].get("/duplicates/merges").text
    assert clients["AER BFC"].post_form(f"/duplicates/merges/{merge_id}/undo").status_code == 302
    with app.app_context():
        assert get(app, private).deleted_at is None


# -- 4. undo puts interaction links back ----------------------------------------------------

def test_undo_gives_a_body_its_private_interaction_back(app, bodies, make_contact,
                                                        make_interaction):
    users, _clients = bodies
    aer = make_contact("POIRIER", "Aline", org="AER BFC")
    region = make_contact("Poirier", "Aline", org="Région BFC")
    private_call = make_interaction(users["Région BFC"].id, [region])  # Région only
    with app.app_context():
        merge = merge_contacts(as_user(users["AER BFC"].id), get(app, aer), get(app, region), {})
        db.session.commit()
        undo_merge(as_user(users["AER BFC"].id), db.session.get_one(ContactMerge, merge.id))
        db.session.commit()
        links = db.session.execute(select(interaction_contact.c.contact_id).where(
            interaction_contact.c.interaction_id == private_call)).scalars().all()
        assert links == [region]


# -- 1. contact blocks ----------------------------------------------------------------------

def _block(app, importer_id: int, people: list[int], *, heading: str | None) -> int:
    with app.app_context():
        user = as_user(importer_id)
        batch = stage_table(user, Table(headers=["Nom"], rows=[{"Nom": "X"}]),
                            kind=SourceKind.TEXT, filename="communique-confidentiel-aer.txt",
                            source="test", visibility=Visibility.SHARED)
        block = ContactBlock(fingerprint=f"{batch.id:064d}", title=heading or batch.filename,
                             batch_id=batch.id, created_by_id=user.id)
        section = ContactBlockSection(position=0, heading=heading)
        section.entries = [ContactBlockEntry(position=i, contact_id=c)
                           for i, c in enumerate(people)]
        block.sections.append(section)
        db.session.add(block)
        db.session.commit()
        return block.id


def test_blocks_hide_another_bodys_private_people_and_file_name(app, bodies, make_contact):
    users, clients = bodies
    shared = make_contact("HUBIDOS", "Laure", org="AER BFC")
    private = make_contact("SECRETPERSON", "Anne", org="AER BFC", visibility=Visibility.PRIVATE)
    mixed = _block(app, users["AER BFC"].id, [shared, private], heading=None)
    hidden = _block(app, users["AER BFC"].id, [private], heading="AER BFC")
    region = clients["Région BFC"]
    listing = region.get("/imports/blocks/").text
    assert "communique-confidentiel-aer" not in listing
    assert f"/imports/blocks/{mixed}" in listing and f"/imports/blocks/{hidden}" not in listing
    page = region.get(f"/imports/blocks/{mixed}")
    assert page.status_code == 200
    assert "HUBIDOS" in page.text
    assert "SECRETPERSON" not in page.text and "communique-confidentiel-aer" not in page.text
    assert "Bloc de contacts trouvé le" in page.text
    assert region.get(f"/imports/blocks/{hidden}").status_code == 404
    owner = clients["AER BFC"]
    page = owner.get(f"/imports/blocks/{mixed}").text
    assert "SECRETPERSON" in page and "communique-confidentiel-aer" in page
    assert owner.get(f"/imports/blocks/{hidden}").status_code == 200


def test_an_import_undo_trashes_the_contacts_it_made_for_other_bodies(app, bodies):
    """The joint release makes press officers of the three bodies; only the owner deletes a
    contact by hand, but the undo of the import that made them removes them all."""
    release = Path(__file__).parent / "data" / "communique-assises-2026.txt"
    _users, clients = bodies
    aer = clients["AER BFC"]
    staged = aer.post_form("/imports/new", {"text": release.read_text(encoding="utf-8"),
                                            "source": "Communiqué Assises 2026",
                                            "visibility": "shared"})
    number = int(staged.headers["Location"].rsplit("/", 1)[1])
    aer.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    with app.app_context():
        owners = {c.organisation.short_name for c in db.session.scalars(select(Contact))}
        block = db.session.scalar(select(ContactBlock.id))
    assert owners == {"AER BFC", "Région BFC", "Préfecture BFC"}
    assert "HUBIDOS" in clients["Région BFC"].get(f"/imports/blocks/{block}").text
    undone = aer.post_form(f"/imports/{number}/undo", follow_redirects=True)
    assert "Import annulé" in undone.text
    with app.app_context():
        assert db.session.scalars(select(Contact).where(Contact.deleted_at.is_(None))).all() == []


flags = st.fixed_dictionaries({
    "visibility": st.sampled_from(list(Visibility)), "is_opted_out": st.booleans(),
    "is_email_bounced": st.booleans(),
    "opt_out_organisation_ids": st.lists(st.integers(1, 3), unique=True),
    "job_title": st.sampled_from([None, "Pigiste"])})


@given(before=flags, wanted=flags)
def test_another_body_only_adds_opt_outs_and_never_sets_the_visibility(before, wanted):
    stored, sent = (ContactData(last_name="POIRIER", source="test", **v) for v in (before, wanted))
    written = another_body_may_write(stored, sent)
    assert written.visibility is stored.visibility
    assert set(written.opt_out_organisation_ids) == {*before["opt_out_organisation_ids"],
                                                     *wanted["opt_out_organisation_ids"]}
    assert written.is_opted_out == (before["is_opted_out"] or wanted["is_opted_out"])
    assert written.is_email_bounced >= before["is_email_bounced"]
    assert written.job_title == sent.job_title  # the rest is the editor's
