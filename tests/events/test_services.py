"""Events and their answers through the services: invitations and links, answers, the
waitlist and its promotions, edits, scope and erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.events.models import (
    CrewMember,
    CrewRole,
    Event,
    EventSession,
    Invitation,
    Response,
    ResponseStatus,
)
from crm.events.services import (
    AnswerData,
    CapacityError,
    CrewData,
    EventData,
    ExpiredToken,
    InvalidToken,
    SessionData,
    StaleEdit,
    answer_invitation,
    expire_offers,
    find_invitation,
    get_event_or_404,
    invite,
    link_token,
    update_event,
    visible_events,
)
from crm.extensions import db
from crm.privacy.services import erase_contact
from crm.settings import override
from tests.events.conftest import paris


def _answer(token: str, choices: dict[int, bool], **details: object):
    invitation = find_invitation(token)
    outcome = answer_invitation(invitation, AnswerData(choices=choices, **details))  # type: ignore[arg-type]
    db.session.commit()
    return outcome


def _status(session_id: int, contact_id: int) -> ResponseStatus:
    return db.session.scalar(select(Response.status).join(Invitation).where(
        Response.session_id == session_id, Invitation.contact_id == contact_id))


def _seats(session_id: int) -> int:
    db.session.expire_all()
    return db.session.get_one(EventSession, session_id).seats_taken


def test_one_invitation_per_contact_and_a_stable_link(app, open_event, make_contact,
                                                      invite_contacts):
    event = open_event()
    contact = make_contact()
    first = invite_contacts(event, [contact])
    again = invite_contacts(event, [contact])
    assert first == again and len(first[0]) >= 43  # 256 bits, base64
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation.token_hash != first[0] and first[0] not in invitation.token_hash
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
        # one "no answer yet" row per session
        assert db.session.scalar(select(func.count()).select_from(Response)) == 2
        assert find_invitation(first[0]).id == invitation.id


def test_forged_and_expired_links(app, open_event, make_contact, invite_contacts):
    event = open_event()
    token, = invite_contacts(event, [make_contact()])
    with app.app_context():
        for forged in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "é" * 500):
            with pytest.raises(InvalidToken):
                find_invitation(forged)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=32)
        with pytest.raises(ExpiredToken):
            find_invitation(token, now=later)


def test_yes_takes_seats_for_the_crew_and_a_full_session_waitlists(app, open_event, make_contact,
                                                                   invite_contacts):
    event = open_event(capacity=3)
    ids = [make_contact("HERMIER", "Cécile"), make_contact("ROBIN", "Antoine"),
           make_contact("MARTIN", "Paul")]
    tokens = invite_contacts(event, ids)
    with app.app_context():
        outcome = _answer(tokens[0], {event.press_id: True, event.conference_id: True},
                          outlet_name="L'Est Républicain",
                          crew=[CrewData(CrewRole.PHOTOGRAPHER, "Léa Photo")])
        assert outcome.statuses == {event.press_id: ResponseStatus.ACCEPTED,
                                    event.conference_id: ResponseStatus.ACCEPTED}
        assert _seats(event.press_id) == 2 and _seats(event.conference_id) == 1
        assert _answer(tokens[1], {event.press_id: True}).statuses[event.press_id] == \
            ResponseStatus.ACCEPTED
        assert _answer(tokens[2], {event.press_id: True}).statuses[event.press_id] == \
            ResponseStatus.WAITLISTED
        assert _seats(event.press_id) == 3
        assert _status(event.conference_id, ids[2]) == ResponseStatus.PENDING


def test_the_same_answer_twice_changes_nothing(app, open_event, make_contact, invite_contacts):
    event = open_event()
    token, = invite_contacts(event, [make_contact()])
    with app.app_context():
        answer = {"choices": {event.press_id: True}, "outlet_name": "France 3",
                  "crew": [CrewData(CrewRole.CAMERA, "Jean JRI")]}
        assert _answer(token, **answer).changed
        assert not _answer(token, **answer).changed
        assert _seats(event.press_id) == 2
        assert db.session.scalar(select(func.count()).select_from(CrewMember)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "event.answered")) == 1


def test_cancelling_promotes_the_first_waiting_who_confirms(app, open_event, make_contact,
                                                            invite_contacts):
    event = open_event(capacity=1)
    ids = [make_contact("A", "Un"), make_contact("B", "Deux"), make_contact("C", "Trois")]
    tokens = invite_contacts(event, ids)
    with app.app_context():
        for token in tokens:
            _answer(token, {event.press_id: True})
        assert [_status(event.press_id, c) for c in ids] == [
            ResponseStatus.ACCEPTED, ResponseStatus.WAITLISTED, ResponseStatus.WAITLISTED]
        outcome = _answer(tokens[0], {event.press_id: False})
        assert outcome.statuses[event.press_id] == ResponseStatus.CANCELLED
        assert [p.invitation.contact_id for p in outcome.promoted] == [ids[1]]
        offer = outcome.promoted[0]
        assert offer.offer_expires_at is not None and offer.promoted_at is not None
        assert _status(event.press_id, ids[1]) == ResponseStatus.OFFERED
        assert _seats(event.press_id) == 1
        assert _answer(tokens[1], {event.press_id: True}).statuses[event.press_id] == \
            ResponseStatus.ACCEPTED
        assert _seats(event.press_id) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "event.promoted")) == 1


def test_an_offer_not_confirmed_in_time_goes_to_the_next(app, open_event, make_contact,
                                                        invite_contacts):
    override(app, EVENT_OFFER_HOURS=2)
    event = open_event(capacity=1)
    ids = [make_contact("A", "Un"), make_contact("B", "Deux"), make_contact("C", "Trois")]
    tokens = invite_contacts(event, ids)
    with app.app_context():
        for token in tokens:
            _answer(token, {event.press_id: True})
        _answer(tokens[0], {event.press_id: False})
        assert expire_offers() == []  # not yet
        promoted = expire_offers(dt.datetime.now(dt.UTC) + dt.timedelta(hours=3))
        db.session.commit()
        assert [p.invitation.contact_id for p in promoted] == [ids[2]]
        assert _status(event.press_id, ids[1]) == ResponseStatus.CANCELLED
        assert _status(event.press_id, ids[2]) == ResponseStatus.OFFERED
        assert _seats(event.press_id) == 1


def test_a_bigger_crew_that_does_not_fit_changes_nothing(app, open_event, make_contact,
                                                         invite_contacts):
    event = open_event(capacity=2)
    token, other = invite_contacts(event, [make_contact("A", "Un"), make_contact("B", "Deux")])
    with app.app_context():
        _answer(token, {event.press_id: True})
        _answer(other, {event.press_id: True})
        invitation = find_invitation(token)
        with pytest.raises(CapacityError):
            answer_invitation(invitation, AnswerData(
                choices={event.press_id: True}, crew=[CrewData(CrewRole.TECHNICIAN, "Son")]))
        db.session.rollback()
        assert _seats(event.press_id) == 2
        assert db.session.scalar(select(func.count()).select_from(CrewMember)) == 0


def test_moving_a_session_raises_its_sequence_and_a_stale_form_is_refused(app, open_event):
    event = open_event()
    with app.app_context():
        record = db.session.get_one(Event, event.id)
        manager = db.session.get_one(User, event.manager_id)
        press, conference = record.sessions
        day = press.starts_at.date()
        data = EventData(title=record.title, organiser_ids=[o.id for o in record.organisers],
                         sessions=(SessionData("Point presse", paris(day, 8), paris(day, 9),
                                               id=press.id, capacity=3),
                                   SessionData("Assises", conference.starts_at, conference.ends_at,
                                               room=conference.room, id=conference.id)))
        version = record.version
        update_event(manager, record, data, version)
        db.session.commit()
        assert (press.ics_sequence, conference.ics_sequence) == (1, 0)
        with pytest.raises(StaleEdit):
            update_event(manager, record, data, version)


def test_organisers_and_shared_events_are_seen_private_ones_are_not(app, open_event, make_user):
    event = open_event()
    prefecture = make_user("officer", "Préfecture BFC")
    region = make_user("officer", "Région BFC")
    with app.app_context():
        from crm.events.models import EventVisibility
        record = db.session.get_one(Event, event.id)
        assert db.session.scalars(visible_events(db.session.get_one(User, prefecture.id))).all()
        record.visibility = EventVisibility.PRIVATE
        db.session.commit()
        assert get_event_or_404(db.session.get_one(User, region.id), event.id) == record
        assert not db.session.scalars(visible_events(db.session.get_one(User, prefecture.id))).all()
        from werkzeug.exceptions import NotFound
        with pytest.raises(NotFound):
            get_event_or_404(db.session.get_one(User, prefecture.id), event.id)


def test_erasing_a_contact_keeps_anonymous_counts(app, open_event, make_contact, make_user,
                                                  invite_contacts):
    event = open_event()
    contact = make_contact(emails=["cecile.hermier@estrepublicain.test"])
    token, = invite_contacts(event, [contact])
    eraser = make_user("manager", "AER BFC")
    with app.app_context():
        _answer(token, {event.press_id: True}, press_card="12345",
                crew=[CrewData(CrewRole.PHOTOGRAPHER, "Léa Photo")])
        from crm.contacts.models import Contact
        erase_contact(db.session.get_one(User, eraser.id), db.session.get_one(Contact, contact))
        db.session.commit()
        invitation = db.session.scalar(select(Invitation))
        assert invitation.contact_id is None and invitation.press_card == ""
        assert invitation.token_hash is None
        assert db.session.scalar(select(func.count()).select_from(CrewMember)) == 0
        assert _seats(event.press_id) == 2  # still counted, as nobody
        with pytest.raises(InvalidToken):
            find_invitation(token)
        assert link_token  # the link cannot be rebuilt either
        with pytest.raises(InvalidToken):
            link_token(invitation)


def test_invite_twice_in_one_call_and_again_from_another_body(app, open_event, make_contact,
                                                              make_user):
    event = open_event()
    contact = make_contact()
    region = make_user("manager", "Région BFC")
    with app.app_context():
        record = db.session.get_one(Event, event.id)
        first = invite(db.session.get_one(User, event.manager_id), record, [contact, contact])
        again = invite(db.session.get_one(User, region.id), record, [contact])
        db.session.commit()
        assert [i.id for i in first] == [i.id for i in again]
        assert again[0].organisation.short_name == "AER BFC"  # who invited first


def test_the_worker_passes_expired_offers_on_and_mails_the_next(app, open_event, make_contact,
                                                                invite_contacts):
    from crm.events.jobs import pass_on_expired_offers
    from crm.mail.models import OutboxMessage
    override(app, EVENT_OFFER_HOURS=0)
    event = open_event(capacity=1)
    ids = [make_contact("A", "Un"), make_contact("B", "Deux", emails=["deux@journal.test"]),
           make_contact("C", "Trois", emails=["trois@journal.test"])]
    tokens = invite_contacts(event, ids)
    with app.app_context():
        for token in tokens:
            _answer(token, {event.press_id: True})
        _answer(tokens[0], {event.press_id: False})  # offered to Deux, for no time at all
        assert pass_on_expired_offers() == 1
        assert _status(event.press_id, ids[2]) == ResponseStatus.OFFERED
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient == "trois@journal.test")) == 1
