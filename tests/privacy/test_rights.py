"""The person's rights from the contact page: the access export, rectification, objection,
erasure leaving no trace, and the log of requests with its one-month deadline."""

import datetime as dt
import json

from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, Visibility
from crm.extensions import db
from crm.interactions.models import InteractionVisibility
from crm.mailings.models import (
    Delivery,
    DeliveryStatus,
    Exclusion,
    ExclusionReason,
    MailingStatus,
)
from crm.mailings.services import MailingData, create_mailing
from crm.privacy.models import PrivacyRequest, RequestKind, RequestStatus, add_months
from crm.tasks.services import TaskData, create_task
from tests.conftest import login
from tests.factories import user
from tests.imports.test_flow import batch_id, upload


def test_add_months_keeps_the_day_or_the_end_of_a_shorter_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2026, 3, 31), -36) == dt.date(2023, 3, 31)


def _mailing_to(app, manager_id: int, contact_id: int, status=DeliveryStatus.SENT) -> int:
    with app.app_context():
        mailing = create_mailing(user(manager_id), MailingData(subject="Assises 2026",
                                                                body="Bonjour"))
        mailing.status = MailingStatus.DONE  # its report lists the deliveries
        db.session.flush()
        db.session.add(Delivery(mailing_id=mailing.id, contact_id=contact_id, name="Aline POIRIER",
                                first_name="Aline", last_name="POIRIER",
                                email="apoirier@aer-bfc.com", message_id=f"<m{mailing.id}@t>",
                                status=status, sent_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC)))
        db.session.add(Exclusion(mailing_id=mailing.id, contact_id=contact_id,
                                 name="Aline POIRIER", reason=ExclusionReason.DUPLICATE))
        db.session.commit()
        return mailing.id


def test_access_export_holds_everything_the_body_may_show(app, client, login_as, make_user,
                                                          make_contact, make_interaction):
    admin = login_as("admin")
    other = make_user("officer", "Région BFC")
    aline = make_contact("POIRIER", "Aline", emails=["apoirier@aer-bfc.com"],
                         phones=["06 80 55 69 66"], beats=["Économie"], notes="Préfère le matin")
    make_interaction(admin.id, [aline], subject="Entretien sur les Assises")
    make_interaction(other.id, [aline], subject="Appel privé de la Région",
                     visibility=InteractionVisibility.ORG)
    _mailing_to(app, admin.id, aline)
    with app.app_context():
        create_task(user(admin.id), TaskData(title="Rappeler Aline", assignee_id=admin.id,
                                             contact_id=aline))
        db.session.commit()
    logged = client.post_form(f"/privacy/contacts/{aline}/rights",
                              {"kind": "access", "requester": "Par courriel",
                               "received_on": "2026-11-30"})
    assert logged.status_code == 302 and logged.headers["Location"].endswith(
        f"/privacy/contacts/{aline}/access")
    page = client.get(f"/privacy/contacts/{aline}/access")
    assert page.status_code == 200
    for text in ("apoirier@aer-bfc.com", "06 80 55 69 66", "Économie", "Préfère le matin",
                 "Entretien sur les Assises", "Assises 2026", "Rappeler Aline", "Envoyé",
                 "Accès à ses données", "Annuaire de test"):
        assert text in page.text, text
    assert "Appel privé de la Région" not in page.text  # another body's private interaction
    download = client.get(f"/privacy/contacts/{aline}/access.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.data)
    assert data["contact"]["emails"] == ["apoirier@aer-bfc.com"]
    assert data["contact"]["phones"] == ["+33680556966"]
    assert [i["subject"] for i in data["interactions"]] == ["Entretien sur les Assises"]
    assert data["mailings"][0]["subject"] == "Assises 2026"
    assert data["tasks"][0]["title"] == "Rappeler Aline"
    assert data["requests"] == [{"kind": "access", "received_on": "2026-11-30",
                                 "answered_on": None, "status": "open"}]


def test_only_an_admin_of_the_owning_body_answers_and_private_contacts_stay_hidden(
        client, login_as, make_contact):
    theirs = make_contact("HERMIER", org="Préfecture BFC")
    hidden = make_contact("SECRET", org="Préfecture BFC", visibility=Visibility.PRIVATE)
    mine = make_contact("ROBIN", org="AER BFC")
    login_as("manager")
    assert client.get(f"/privacy/contacts/{mine}/rights").status_code == 403
    client.post_form("/auth/logout")
    login_as("admin")
    assert client.get(f"/privacy/contacts/{theirs}/rights").status_code == 403
    assert client.get(f"/privacy/contacts/{theirs}/access.json").status_code == 403
    assert client.get(f"/privacy/contacts/{hidden}/access").status_code == 404
    assert client.get(f"/privacy/contacts/{hidden}/access.json").status_code == 404
    assert client.get(f"/privacy/contacts/{mine}/rights").status_code == 200
    page = client.get(f"/contacts/{mine}")
    assert f"/privacy/contacts/{mine}/rights" in page.text


def test_objection_is_a_global_opt_out_answered_at_once(app, client, login_as, make_contact):
    login_as("admin")
    robin = make_contact("ROBIN")
    done = client.post_form(f"/privacy/contacts/{robin}/rights", {"kind": "object"},
                            follow_redirects=True)
    assert "plus aucun envoi" in done.text
    with app.app_context():
        assert db.session.get_one(Contact, robin).is_opted_out
        request = db.session.scalars(select(PrivacyRequest)).one()
        assert (request.kind, request.status, request.contact_id) == (
            RequestKind.OBJECT, RequestStatus.ANSWERED, robin)


def test_rectification_opens_the_edit_form_and_stays_open_until_answered(app, client, login_as,
                                                                         make_contact):
    login_as("admin")
    robin = make_contact("ROBIN")
    logged = client.post_form(f"/privacy/contacts/{robin}/rights", {"kind": "rectify"})
    assert logged.headers["Location"].endswith(f"/contacts/{robin}/edit")
    with app.app_context():
        request_id = db.session.scalar(select(PrivacyRequest.id))
    listed = client.get("/privacy/requests/")
    assert "Rectification" in listed.text and "Marquer comme traitée" in listed.text
    assert client.post_form(f"/privacy/requests/{request_id}/answer").status_code == 302
    again = client.post_form(f"/privacy/requests/{request_id}/answer", follow_redirects=True)
    assert "déjà traitée" in again.text  # a double click answers once
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "privacy.request_answered")) == 1


def test_requests_list_shows_the_deadline_and_overdue_ones(app, client, login_as, make_user,
                                                           make_contact):
    admin = login_as("admin")
    robin = make_contact("ROBIN")
    client.post_form(f"/privacy/contacts/{robin}/rights",
                     {"kind": "access", "received_on": "2020-01-31"})
    client.post_form(f"/privacy/contacts/{robin}/rights", {"kind": "rectify"})
    refused = client.post_form(f"/privacy/contacts/{robin}/rights",
                               {"kind": "access", "received_on": "2999-01-01"})
    assert refused.status_code == 422 and "dans le futur" in refused.text
    page = client.get("/privacy/requests/")
    assert "29 févr. 2020" in page.text or "29/02/2020" in page.text  # one month later
    assert page.text.count("(en retard)") == 1 and page.text.count("table-danger") == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PrivacyRequest).where(
            PrivacyRequest.organisation_id == admin.organisation_id)) == 2
    other = make_user("admin", "Région BFC")  # another body sees none of them
    client.post_form("/auth/logout")
    login(client, other.email)
    assert "Aucune demande" in client.get("/privacy/requests/").text


def test_erasure_leaves_no_trace_in_pages_searches_mailings_and_reimports(
        app, client, login_as, make_contact, make_interaction):
    admin = login_as("admin")
    aline = make_contact("POIRIER", "Aline", emails=["apoirier@aer-bfc.com"],
                         phones=["06 80 55 69 66"])
    make_interaction(admin.id, [aline], subject="Entretien")
    mailing = _mailing_to(app, admin.id, aline)
    pending = _mailing_to(app, admin.id, aline, status=DeliveryStatus.PENDING)
    erased = client.post_form(f"/privacy/contacts/{aline}/erase",
                              {"confirm": "y", "requester": "Lettre recommandée"},
                              follow_redirects=True)
    assert "a été effacé" in erased.text  # the flash names the person once
    for path in ("/contacts/?q=poirier", "/contacts/?q=aer-bfc.com", f"/mailings/{mailing}",
                 "/admin/audit/", "/privacy/requests/", "/contacts/trash"):
        page = client.get(path)
        assert page.status_code == 200, path
        for trace in ("POIRIER", "Poirier", "apoirier", "06 80 55 69 66", "+33680556966"):
            assert trace not in page.text, (path, trace)
    assert "Destinataire effacé" in client.get(f"/mailings/{mailing}").text
    assert client.get(f"/contacts/{aline}").status_code == 404
    with app.app_context():
        deliveries = db.session.scalars(select(Delivery)).all()
        assert len(deliveries) == 2  # kept as anonymous counts
        assert all(d.contact_id is None and d.name == "" and "apoirier" not in d.email
                   and "apoirier" not in d.message_id for d in deliveries)
        assert {d.mailing_id: d.status for d in deliveries}[pending] == DeliveryStatus.FAILED
        assert db.session.scalars(select(Exclusion.name)).all() == ["", ""]
        request = db.session.scalars(select(PrivacyRequest)).one()
        assert (request.kind, request.contact_id, request.requester, request.status) == (
            RequestKind.ERASE, None, "Lettre recommandée", RequestStatus.ANSWERED)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.target_type == "contact", AuditEvent.target_id == aline)) == 0
    batch = batch_id(upload(client, "Nom;Prénom;Courriel\r\nPOIRIER;Aline;APoirier@AER-BFC.com\r\n"
                                    .encode("cp1252"), "retour.csv"))
    assert "effacée à sa demande" in client.get(f"/imports/{batch}").text


def test_the_access_export_lists_the_answers_to_invitations_and_erasure_cuts_them(
        app, client, login_as, make_contact):
    from crm.events.models import Invitation, Response, ResponseStatus
    from crm.events.services import EventData, SessionData, create_event, invite

    admin = login_as("admin")
    aline = make_contact("POIRIER", "Aline")
    with app.app_context():
        start = dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC)
        event = create_event(user(admin.id), EventData(title="Assises 2026", sessions=[
            SessionData("Point presse", start, start + dt.timedelta(hours=1))]))
        db.session.flush()
        invite(user(admin.id), event, [aline])
        answer = db.session.scalars(select(Response)).one()
        answer.status = ResponseStatus.ACCEPTED
        db.session.commit()
    page = client.get(f"/privacy/contacts/{aline}/access")
    assert "Assises 2026" in page.text and "Point presse" in page.text and "Vient" in page.text
    data = json.loads(client.get(f"/privacy/contacts/{aline}/access.json").data)
    assert [(r["event"], r["session"], r["answer"]) for r in data["rsvps"]] == [
        ("Assises 2026", "Point presse", "accepted")]
    client.post_form(f"/privacy/contacts/{aline}/erase", {"confirm": "y"})
    with app.app_context():  # the answer stays as an anonymous count
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.contact_id is None and invitation.token_hash is None
        assert db.session.scalars(select(Response.status)).all() == [ResponseStatus.ACCEPTED]
