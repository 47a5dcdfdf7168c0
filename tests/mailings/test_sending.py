"""Sending through a real SMTP server: the messages parsed back, retries, bounces, a worker
killed mid-send, a double "Send", and the one-click unsubscribe."""

from __future__ import annotations

import email
import email.policy
import multiprocessing
import os

import pytest
from sqlalchemy import func, select

from crm.auth.models import User
from crm.contacts.models import Contact, ContactOptOut
from crm.extensions import db
from crm.mail.services import SmtpSettings
from crm.mailings import sending
from crm.mailings.models import Delivery, DeliveryStatus, Exclusion, ExclusionReason, Mailing, MailingStatus
from crm.mailings.services import send_mailing
from crm.settings import override
from tests.conftest import login


def _send(app, draft) -> None:
    with app.app_context():
        send_mailing(db.session.get_one(User, draft["manager"].id),
                     db.session.get_one(Mailing, draft["mailing"]))
        db.session.commit()


def _process(app) -> None:
    with app.test_request_context():
        for mailing_id in sending.active_mailings():
            sending.process_mailing(mailing_id, SmtpSettings.from_config(app.config))


def _deliveries(app, draft) -> dict[str, Delivery]:
    with app.app_context():
        rows = db.session.scalars(select(Delivery).where(
            Delivery.mailing_id == draft["mailing"])).all()
        db.session.expunge_all()
        return {d.email: d for d in rows}


def _parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def test_each_recipient_gets_one_personal_message(app, smtp, draft):
    _send(app, draft)
    _process(app)
    assert len(smtp.messages) == 3
    by_to = {m.rcpt_tos[0]: _parsed(m) for m in smtp.messages}
    msg = by_to["cecile.hermier@estrepublicain.test"]
    assert msg["Subject"] == "Assises 2026 : invitation de Cécile"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [part.strip(" <>") for part in msg["List-Unsubscribe"].split(",")]
    assert https.startswith("http://localhost/mailings/unsubscribe/") and mailto.startswith("mailto:")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.startswith("Agence Économique Régionale")  # each body heads the message
    assert "Région Bourgogne-Franche-Comté" in text.splitlines()[0]
    assert "Madame," in text and "Madame HERMIER" in text
    assert "<strong>Assises</strong>" in html and "Région" in html
    assert "CNIL" in text  # first message: the information notice
    robin = by_to["antoine.robin@bienpublic.test"].get_body(("plain",)).get_content()
    assert "Madame, Monsieur," in robin  # unknown civility
    rows = _deliveries(app, draft)
    assert {d.status for d in rows.values()} == {DeliveryStatus.SENT}
    assert {d.message_id for d in rows.values()} == {_parsed(m)["Message-ID"] for m in smtp.messages}
    with app.app_context():
        assert db.session.get_one(Mailing, draft["mailing"]).status == MailingStatus.DONE
        assert all(c.information_sent_at for c in db.session.scalars(select(Contact)))
    token = https.rsplit("/", 1)[1].split("?")[0]
    assert all(token not in (d.unsubscribe_hash or "") for d in rows.values())  # hash only


def test_opted_out_of_a_co_signer_bounced_and_erased_are_left_out(app, smtp, draft, make_contact):
    with app.app_context():
        hermier, robin, _martin = (db.session.get_one(Contact, i) for i in draft["contacts"])
        region = next(o for o in db.session.get_one(Mailing, draft["mailing"]).senders
                      if o.short_name == "Région BFC")
        db.session.add(ContactOptOut(contact_id=hermier.id, organisation_id=region.id))
        robin.is_email_bounced = True
        db.session.commit()
    _send(app, draft)
    _process(app)
    assert [m.rcpt_tos for m in smtp.messages] == [["paul.martin@francebleu.test"]]
    with app.app_context():
        reasons = dict(db.session.execute(select(Exclusion.contact_id, Exclusion.reason)).all())
    assert reasons == {draft["contacts"][0]: ExclusionReason.SENDER_OPT_OUT,
                       draft["contacts"][1]: ExclusionReason.BOUNCED}


def test_451_is_retried_and_550_bounces(app, smtp, draft):
    smtp.answers["cecile.hermier@estrepublicain.test"] = ["451 4.7.1 Try again later"]
    smtp.answers["antoine.robin@bienpublic.test"] = ["550 5.1.1 No such user"]
    _send(app, draft)
    _process(app)
    rows = _deliveries(app, draft)
    assert rows["cecile.hermier@estrepublicain.test"].status == DeliveryStatus.PENDING
    assert rows["antoine.robin@bienpublic.test"].status == DeliveryStatus.BOUNCED
    assert rows["antoine.robin@bienpublic.test"].smtp_code == 550
    with app.app_context():
        db.session.execute(Delivery.__table__.update().values(
            next_attempt_at=func.current_timestamp()))  # the backoff has elapsed
        db.session.commit()
    _process(app)
    rows = _deliveries(app, draft)
    assert rows["cecile.hermier@estrepublicain.test"].status == DeliveryStatus.SENT
    assert rows["cecile.hermier@estrepublicain.test"].attempts == 2
    assert len(smtp.messages) == 3 - 1  # the bounced address never received anything
    with app.app_context():
        assert db.session.get_one(Contact, draft["contacts"][1]).is_email_bounced


def _die_after_smtp(app) -> None:
    """The worker, killed once the server has the message and before it commits."""
    with app.app_context():
        db.engine.dispose()  # the parent's connections stay the parent's
    sending.settle = lambda *args: os._exit(1)  # type: ignore[assignment]
    _process(app)
    os._exit(0)


def test_a_worker_killed_after_the_smtp_send_leaves_it_uncertain(app, smtp, draft, client):
    override(app, MAILING_CLAIM_BATCH=1)
    _send(app, draft)
    with app.app_context():
        db.engine.dispose()
    worker = multiprocessing.get_context("fork").Process(target=_die_after_smtp, args=(app,))
    worker.start()
    worker.join(30)
    assert worker.exitcode == 1
    assert len(smtp.messages) == 1
    override(app, MAILING_STALE_CLAIM_MINUTES=0)
    _process(app)  # the next run: the claimed row becomes uncertain, the others leave
    rows = _deliveries(app, draft)
    assert sorted(d.status for d in rows.values()) == sorted(
        [DeliveryStatus.UNCERTAIN, DeliveryStatus.SENT, DeliveryStatus.SENT])
    _process(app)
    assert len(smtp.messages) == 3  # nobody twice, the uncertain one not again
    login(client, draft["manager"].email)
    page = client.get(f"/mailings/{draft['mailing']}")
    assert "Incertain" in page.text and "Renvoyer" in page.text


def test_a_double_send_sends_once(app, smtp, draft, client):
    login(client, draft["manager"].email)
    first = client.post_form(f"/mailings/{draft['mailing']}/send")
    second = client.post_form(f"/mailings/{draft['mailing']}/send")
    assert first.status_code == second.status_code == 302
    assert "déjà été envoyé" in client.get(second.headers["Location"]).text
    _process(app)
    _process(app)
    assert len(smtp.messages) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 3


def test_one_click_unsubscribe_needs_no_cookie_and_never_redirects(app, smtp, draft):
    _send(app, draft)
    _process(app)
    msg = next(_parsed(m) for m in smtp.messages
               if m.rcpt_tos == ["paul.martin@francebleu.test"])
    url = msg["List-Unsubscribe"].split(",")[0].strip(" <>")
    path = url.removeprefix("http://localhost")
    anonymous = app.test_client()
    for _ in range(2):  # idempotent
        response = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "Location" not in response.headers
        assert not response.headers.getlist("Set-Cookie")
    with app.app_context():
        martin = db.session.get_one(Contact, draft["contacts"][2])
        assert sorted(o.organisation.short_name for o in martin.opt_outs) == [
            "AER BFC", "Région BFC"]
    assert anonymous.post("/mailings/unsubscribe/forged-token").status_code == 404


def test_the_unsubscribe_link_shows_a_page_and_acts_on_post(app, smtp, draft):
    _send(app, draft)
    _process(app)
    msg = _parsed(smtp.messages[0])
    path = msg["List-Unsubscribe"].split(",")[0].strip(" <>").removeprefix("http://localhost")
    reader = app.test_client()
    page = reader.get(path)
    assert page.status_code == 200 and "Ne plus rien recevoir des trois organismes" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactOptOut)) == 0
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = reader.post(path + "/choose", data={"csrf_token": token, "scope": "all"})
    assert done.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.is_opted_out)) == 1


@pytest.mark.parametrize("body", ["{{ prenom", "{% for x in y %}"])
def test_a_broken_merge_field_is_a_form_error(client, login_as, body):
    login_as("manager")
    response = client.post_form("/mailings/new", {"subject": "Invitation", "body": body})
    assert response.status_code == 422


def test_deliveries_claimed_several_at_a_time_are_each_sent_once(app, smtp, draft):
    override(app, MAILING_CLAIM_BATCH=2)
    smtp.answers["antoine.robin@bienpublic.test"] = ["550 5.1.1 No such user"]
    _send(app, draft)
    _process(app)
    _process(app)
    statuses = sorted(d.status for d in _deliveries(app, draft).values())
    assert statuses == [DeliveryStatus.BOUNCED, DeliveryStatus.SENT, DeliveryStatus.SENT]
    assert len(smtp.messages) == 2


def test_each_delivery_is_on_the_contact_timeline_and_in_the_audit_log(app, smtp, draft, client):
    _send(app, draft)
    _process(app)
    login(client, draft["manager"].email)
    page = client.get(f"/contacts/{draft['contacts'][0]}?kind=history").text
    assert "Envoi reçu" in page
    with app.app_context():
        from crm.audit.models import AuditEvent
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"mailing.queued", "mailing.started", "mailing.sent", "mailing.finished"} <= actions


def test_a_worker_killed_mid_batch_leaves_its_batch_uncertain_and_the_earlier_ones_settled(
        app, smtp, draft):
    override(app, MAILING_CLAIM_BATCH=2)
    _send(app, draft)
    with app.app_context():
        db.engine.dispose()
    settle = sending.settle
    answers: list[int] = []

    def die_at_the_third(*args):  # the first batch (two rows) settles, the second does not
        answers.append(1)
        if len(answers) == 3:
            os._exit(1)
        return settle(*args)

    def worker() -> None:
        with app.app_context():
            db.engine.dispose()
        sending.settle = die_at_the_third  # type: ignore[assignment]
        _process(app)
        os._exit(0)

    process = multiprocessing.get_context("fork").Process(target=worker)
    process.start()
    process.join(30)
    assert process.exitcode == 1
    assert len(smtp.messages) == 3
    rows = _deliveries(app, draft)
    assert sorted(d.status for d in rows.values()) == sorted(
        [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.SENDING])
    with app.app_context():
        from crm.audit.models import AuditEvent
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "mailing.sent")) == 2
    override(app, MAILING_STALE_CLAIM_MINUTES=0)
    _process(app)
    _process(app)
    assert len(smtp.messages) == 3  # the sent ones not again, the uncertain one not again
    assert sorted(d.status for d in _deliveries(app, draft).values()) == sorted(
        [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN])


def test_a_killed_batch_leaves_its_untried_rows_uncertain_never_sent(app, smtp, draft):
    override(app, MAILING_CLAIM_BATCH=3)
    _send(app, draft)
    with app.app_context():
        db.engine.dispose()
    process = multiprocessing.get_context("fork").Process(target=_die_after_smtp, args=(app,))
    process.start()
    process.join(30)
    assert process.exitcode == 1
    assert len(smtp.messages) == 1  # one message out, the two others never tried
    override(app, MAILING_STALE_CLAIM_MINUTES=0)
    _process(app)
    _process(app)
    assert len(smtp.messages) == 1
    assert {d.status for d in _deliveries(app, draft).values()} == {DeliveryStatus.UNCERTAIN}
