"""Erasure on request: everything about the person goes, a digest stays, imports refuse them."""

from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.dedupe.merging import merge_contacts
from crm.dedupe.models import DuplicatePair
from crm.extensions import db
from crm.imports.models import ImportBatch, ImportRow, RowOutcome
from crm.interactions.models import Interaction
from crm.privacy.models import Suppression
from crm.tasks.models import Task
from crm.tasks.services import TaskData, create_task
from tests.imports.test_flow import batch_id, upload

CSV = ("Nom;Prénom;Courriel;Tél. portable\r\n"
       "POIRIER;Aline;apoirier@aer-bfc.com;\r\n"
       "SOUVERBIE;Marie;;06 08 37 99 02\r\n"
       "HUBIDOS;Laure;lhubidos@region-bfc.fr;\r\n").encode("cp1252")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_erasure_removes_the_person_and_imports_refuse_them(app, client, login_as, make_contact,
                                                           make_interaction):
    manager = login_as("manager")
    aline = make_contact("POIRIER", "Aline", emails=["apoirier@aer-bfc.com"],
                         phones=["06 80 55 69 66"])
    copy = make_contact("Poirier", "Aline", emails=["aline.poirier@gmail.com"])
    marie = make_contact("SOUVERBIE", "Marie", phones=["06 08 37 99 02"])
    call = make_interaction(manager.id, [aline, marie])
    with app.app_context():  # a pair still to review and a task about her
        db.session.add(DuplicatePair(low_id=min(aline, marie), high_id=max(aline, marie),
                                     score=9.0, evidence=[]))
        create_task(db.session.get_one(User, manager.id),
                    TaskData(title="Rappeler Aline", assignee_id=manager.id, contact_id=aline))
        db.session.commit()
    with app.app_context():  # a duplicate merged into Aline is erased with her
        merge_contacts(db.session.get_one(User, manager.id), db.session.get_one(Contact, aline),
                       db.session.get_one(Contact, copy), {})
        db.session.commit()
    page = client.get(f"/privacy/contacts/{aline}/erase")
    assert page.status_code == 200 and "ne peut pas être annulé" in page.text
    assert "doublon fusionné" in page.text
    refused = client.post_form(f"/privacy/contacts/{aline}/erase", {})
    assert refused.status_code == 422 and count(app, Contact, Contact.id == aline) == 1
    done = client.post_form(f"/privacy/contacts/{aline}/erase", {"confirm": "y"},
                            follow_redirects=True)
    assert "a été effacé" in done.text
    assert count(app, Contact, Contact.id.in_([aline, copy])) == 0
    assert count(app, Interaction, Interaction.id == call) == 1  # the call stays, without her
    assert count(app, DuplicatePair) == 0
    assert count(app, Task, Task.contact_id.is_(None), Task.title == "Rappeler Aline") == 1
    assert count(app, Suppression) == 3  # two emails and one phone, as digests only
    with app.app_context():
        digests = db.session.scalars(select(Suppression.digest)).all()
        assert not any("@" in d or "+33" in d for d in digests)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.erased"))
        assert event.details == {"contacts": 2, "on_request": True}
    client.post_form(f"/privacy/contacts/{marie}/erase", {"confirm": "y"})

    response = upload(client, CSV, "presse.csv")
    batch = batch_id(response)
    preview = client.get(f"/imports/{batch}")
    assert preview.text.count("effacée à sa demande") == 2
    assert "apoirier@aer-bfc.com" not in preview.text  # nothing of the erased rows is kept
    client.post_form(f"/imports/{batch}/commit", {"mode": "skip"})
    with app.app_context():
        rows = db.session.scalars(select(ImportRow).join(ImportBatch).where(
            ImportBatch.id == batch).order_by(ImportRow.number)).all()
        assert [r.outcome for r in rows] == [RowOutcome.REJECTED, RowOutcome.REJECTED,
                                             RowOutcome.CREATED]
        assert rows[0].raw == {} and rows[0].values == {}
        assert db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.last_name.in_(["POIRIER", "Poirier", "SOUVERBIE"]))) == 0


def test_an_import_row_is_emptied_when_its_person_is_erased(app, client, login_as):
    login_as("manager")
    batch = batch_id(upload(client, CSV, "presse.csv"))
    client.post_form(f"/imports/{batch}/commit", {"mode": "skip"})
    with app.app_context():
        aline = db.session.scalar(select(Contact.id).where(Contact.last_name == "POIRIER"))
        row_id = db.session.scalar(select(ImportRow.id).where(ImportRow.contact_id == aline))
    client.post_form(f"/privacy/contacts/{aline}/erase", {"confirm": "y"})
    with app.app_context():
        row = db.session.get_one(ImportRow, row_id)
        assert row.raw == {} and row.values == {} and row.contact_id is None
        others = db.session.scalars(select(ImportRow).where(ImportRow.id != row_id)).all()
        assert all(r.raw for r in others)  # the other people's rows are untouched


def test_only_a_manager_of_the_owning_body_may_erase(app, client, login_as, make_contact,
                                                     make_user):
    shared = make_contact("HERMIER", "Cécile", org="Préfecture BFC")
    private = make_contact("ROBIN", "Antoine", org="Préfecture BFC",
                           visibility=Visibility.PRIVATE)
    own = make_contact("POIRIER", "Aline")
    login_as("officer")
    assert client.get(f"/privacy/contacts/{own}/erase").status_code == 403
    assert client.post_form(f"/privacy/contacts/{own}/erase", {"confirm": "y"}).status_code == 403
    other = app.test_client()
    manager = make_user("manager", "AER BFC")
    from tests.conftest import login
    login(other, manager.email)
    assert other.get(f"/privacy/contacts/{shared}/erase").status_code == 403
    assert other.get(f"/privacy/contacts/{private}/erase").status_code == 404
    assert "Effacer (RGPD)" in other.get(f"/contacts/{own}").text
    assert "Effacer (RGPD)" not in other.get(f"/contacts/{shared}").text
    assert count(app, Contact) == 3
