"""The retention review: contacts with no meaningful exchange for the period (a mailing
received does not count), kept with a reason, anonymised or erased in bulk; the weekly job and
the CLI; the audit log purged past its retention."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import func, select, update

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.extensions import db
from crm.mailings.models import Delivery, DeliveryStatus
from crm.mailings.services import MailingData, create_mailing
from crm.privacy.models import RetentionKeep, Suppression
from crm.privacy.retention import ANONYMOUS, candidates
from tests.factories import user

OLD = dt.datetime(2022, 3, 1, 9, tzinfo=dt.UTC)


def _age(app, *ids: int, last: dt.datetime | None = OLD) -> None:
    with app.app_context():
        db.session.execute(update(Contact).where(Contact.id.in_(ids)).values(
            created_at=OLD, last_interaction_at=last))
        db.session.commit()


def _candidates(app, org_id: int) -> list[int]:
    with app.app_context():
        return [c.id for c in db.session.scalars(candidates(org_id))]


def test_candidates_are_the_bodys_contacts_without_a_recent_exchange(app, make_user, make_contact,
                                                                      make_interaction):
    manager = make_user("manager")
    old, never, recent, mailed, theirs = (make_contact(n, org=o) for n, o in (
        ("ANCIEN", "AER BFC"), ("JAMAIS", "AER BFC"), ("RECENT", "AER BFC"),
        ("ENVOI", "AER BFC"), ("AUTRE", "Région BFC")))
    _age(app, old, mailed, theirs)
    _age(app, never, last=None)  # created long ago, never an exchange
    _age(app, recent)
    make_interaction(manager.id, [recent], happened_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    with app.app_context():  # a mailing received is no exchange coming from the person
        mailing = create_mailing(user(manager.id), MailingData(subject="S", body="B"))
        db.session.flush()
        db.session.add(Delivery(mailing_id=mailing.id, contact_id=mailed, email="e@x.test",
                                message_id="<m@x>", status=DeliveryStatus.SENT,
                                sent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
        db.session.commit()
    assert _candidates(app, manager.organisation_id) == sorted([old, never, mailed])
    # three years by default: the same contacts were not due a year earlier
    with time_machine.travel(dt.datetime(2024, 6, 1, tzinfo=dt.UTC), tick=False):
        assert _candidates(app, manager.organisation_id) == []


def test_keep_anonymise_and_erase_in_bulk(app, client, login_as, make_contact):
    admin = login_as("admin")
    kept, anon, erased, left = (make_contact(n, emails=[f"{n.lower()}@journal.test"],
                                             phones=["+33612345678"] if n == "EFFACE" else [])
                                for n in ("GARDE", "ANONYME_A", "EFFACE", "RESTE"))
    _age(app, kept, anon, erased, left)
    page = client.get("/privacy/retention")
    assert page.status_code == 200 and page.text.count('name="contact_ids"') == 4
    no_reason = client.post_form("/privacy/retention", {"decision": "keep", "confirm": "y",
                                                        "contact_ids": [kept]})
    assert no_reason.status_code == 422 and "Dites pourquoi" in no_reason.text
    unconfirmed = client.post_form("/privacy/retention", {"decision": "erase",
                                                          "contact_ids": [erased]})
    assert unconfirmed.status_code == 422
    none = client.post_form("/privacy/retention", {"decision": "erase", "confirm": "y"})
    assert none.status_code == 422 and "Cochez au moins un contact" in none.text
    assert client.post_form("/privacy/retention", {
        "decision": "keep", "reason": "Correspondant permanent", "confirm": "y",
        "contact_ids": [kept]}).status_code == 302
    assert client.post_form("/privacy/retention", {
        "decision": "anonymise", "confirm": "y", "contact_ids": [anon]}).status_code == 302
    assert client.post_form("/privacy/retention", {
        "decision": "erase", "confirm": "y", "contact_ids": [erased]}).status_code == 302
    # a double click finds nothing left to do
    again = client.post_form("/privacy/retention", {"decision": "erase", "confirm": "y",
                                                    "contact_ids": [erased]}, follow_redirects=True)
    assert "0 contact(s) traité(s)" in again.text
    assert _candidates(app, admin.organisation_id) == [left]
    with app.app_context():
        keep = db.session.scalars(select(RetentionKeep)).one()
        assert (keep.contact_id, keep.reason) == (kept, "Correspondant permanent")
        assert keep.until.year == dt.datetime.now(dt.UTC).year + 3
        person = db.session.get_one(Contact, anon)
        assert (person.last_name, person.first_name, person.emails, person.notes) == (
            ANONYMOUS, "", [], None)
        assert "anonyme_a" not in person.search_text.lower()
        assert db.session.get(Contact, erased) is None
        # not asked by the person: nothing goes to the suppression list
        assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0
        assert db.session.scalar(select(AuditEvent.details).where(
            AuditEvent.action == "contact.erased")) == {"contacts": 1, "on_request": False}
    # the keep ends with the next period
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3 * 366 + 1)):
        assert kept in _candidates(app, admin.organisation_id)


def test_another_bodys_contacts_are_left_alone(app, client, login_as, make_contact):
    login_as("admin")
    theirs = make_contact("AUTRE", org="Région BFC")
    _age(app, theirs)
    client.post_form("/privacy/retention", {"decision": "erase", "confirm": "y",
                                            "contact_ids": [theirs]})
    with app.app_context():
        assert db.session.get(Contact, theirs) is not None


def test_the_weekly_job_and_the_cli_log_each_bodys_count(app, make_contact):
    old = make_contact("ANCIEN")
    _age(app, old)
    result = app.test_cli_runner().invoke(args=["privacy", "retention", "--org", "AER BFC"])
    assert result.exit_code == 0, result.output
    assert "AER BFC: 1 contact(s) to review" in result.output and "ANCIEN" in result.output
    assert app.test_cli_runner().invoke(args=["privacy", "retention", "--org", "X"]).exit_code != 0
    from crm.privacy.jobs import review_retention
    with app.app_context():
        assert review_retention()["AER BFC"] == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "retention.review_due")) == 2
    names = {name.rsplit(".", 1)[-1] for name in app.extensions["huey"]._registry._registry}
    assert "weekly_retention_review" in names


def test_the_nightly_housekeeping_purges_audit_events_past_retention(app, make_contact):
    from crm.maintenance import housekeeping

    make_contact("RECENT")  # its creation is audited now
    with app.app_context():
        with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(
                days=app.config["AUDIT_RETENTION_DAYS"] + 2), tick=False):
            make_old = AuditEvent(action="auth.login", details={})
            db.session.add(make_old)
            db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert housekeeping()["audit_events"] == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before - 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "contact.created")) == 1
