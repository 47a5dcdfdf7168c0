"""Capacity under concurrent answers, on SQLite and PostgreSQL: threads answer at once, and
the database never lets the press point hold more seats than it has."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from crm.events.models import CrewRole, EventSession, Response, ResponseStatus
from crm.events.services import AnswerData, CrewData, answer_invitation, find_invitation
from crm.extensions import db


def _answer_all_at_once(app, tokens: list[str], answer: AnswerData) -> list[BaseException]:
    barrier = threading.Barrier(len(tokens))
    errors: list[BaseException] = []

    def run(token: str) -> None:
        with app.app_context():
            try:
                invitation = find_invitation(token)
                barrier.wait()
                answer_invitation(invitation, answer)
                db.session.commit()
            except BaseException as exc:
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def _counts(session_id: int) -> dict[ResponseStatus, int]:
    return dict(db.session.execute(select(Response.status, func.count()).where(
        Response.session_id == session_id).group_by(Response.status)).all())


def test_concurrent_yes_never_exceed_the_capacity(app, open_event, make_contact,
                                                  invite_contacts):
    event = open_event(capacity=5)
    tokens = invite_contacts(event, [make_contact(f"NOM{i}", "Prénom") for i in range(12)])
    crew = AnswerData(choices={event.press_id: True},
                      crew=[CrewData(CrewRole.PHOTOGRAPHER, "Photo")])
    assert _answer_all_at_once(app, tokens, crew) == []
    with app.app_context():
        session = db.session.get_one(EventSession, event.press_id)
        counts = _counts(event.press_id)
        # two seats each: two fit in five, the ten others wait, none is lost
        assert counts == {ResponseStatus.ACCEPTED: 2, ResponseStatus.WAITLISTED: 10}
        assert session.seats_taken == 4
        seated = db.session.scalar(select(func.sum(Response.seats)).where(
            Response.session_id == event.press_id, Response.status == ResponseStatus.ACCEPTED))
        assert seated == session.seats_taken <= session.capacity


def test_the_same_answer_posted_twice_at_once_is_counted_once(app, open_event, make_contact,
                                                              invite_contacts):
    event = open_event(capacity=5)
    token, = invite_contacts(event, [make_contact()])
    answer = AnswerData(choices={event.press_id: True},
                        crew=[CrewData(CrewRole.CAMERA, "JRI")])
    assert _answer_all_at_once(app, [token] * 4, answer) == []
    with app.app_context():
        assert db.session.get_one(EventSession, event.press_id).seats_taken == 2
        assert _counts(event.press_id) == {ResponseStatus.ACCEPTED: 1}
