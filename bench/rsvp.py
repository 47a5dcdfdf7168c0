"""RSVP under load: 2,000 invitees answering at once, threads against the WSGI app in-process.

Run from the repository root: ``python -m bench.rsvp [--invitees N] [--threads T]
[--only sqlite|postgresql]``. An open event like the Assises (a press point of 300 seats, then
the conference without limit) has N invitees; each answers through their personal link as a
browser does (the RSVP page's GET for its form token, then the POST), most of them "yes" to
both sessions, some with a photographer, some "no". The baseline, measured in the same run by
the same threads on the same app: the RSVP page's GET alone.

Printed: answers per second and p95 latency of the POST beside the GET's, and how many POSTs
were refused with a 5xx (SQLite's "database is locked" under concurrent writers) and sent
again, as a person would, up to three times. Asserted at the end,
on each database: no answer lost (every invitee's answer is recorded), the press point's seats
taken never above its capacity and equal to the seats of the answers holding one, the
waitlist holding the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from bench.contacts import make_app, postgres_schema
from crm.auth.models import Role
from crm.contacts.models import Contact, Visibility
from crm.events.models import Audience, Event, EventSession, EventStatus, Response, ResponseStatus
from crm.events.services import EventData, SessionData, create_event, invite, link_token, set_status
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.orgs.services import init_organisations
from crm.users.services import create_user

PARIS = ZoneInfo("Europe/Paris")
CAPACITY = 300
RETRIES = 3
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def populate(app: Flask, invitees: int) -> tuple[int, int, int, list[str]]:
    """The event, its sessions and ``invitees`` invitations: (event, press, conference, links)."""
    with app.app_context():
        upgrade()
        init_organisations()
        org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
        assert org is not None
        manager = create_user(None, email="manager@aer-bfc.test", full_name="Bench",
                              role=Role.MANAGER, organisation=org,
                              password="bench password of sufficient length")  # noqa: S106
        db.session.execute(insert(Contact), [{
            "first_name": f"Anne{i}", "last_name": f"MARTIN{i}", "name_key": f"martin{i} anne{i}",
            "sort_key": f"martin{i:06d}", "kind": "journalist", "organisation_id": org.id,
            "visibility": Visibility.SHARED.value, "source": "bench", "civility": "none",
            "legal_basis": "legitimate_interest", "search_text": f"anne{i} martin{i}",
            "version": 1} for i in range(invitees)])
        day = dt.datetime.now(PARIS).date() + dt.timedelta(days=30)
        at = lambda hour: dt.datetime.combine(day, dt.time(hour), PARIS)  # noqa: E731
        event = create_event(manager, EventData(title="Assises 2026", sessions=(
            SessionData("Point presse", at(9), at(10), audience=Audience.PRESS,
                        capacity=CAPACITY),
            SessionData("Assises", at(10), at(13)))))
        set_status(manager, event, EventStatus.OPEN)
        ids = list(db.session.scalars(select(Contact.id).order_by(Contact.id)))
        links = [link_token(i) for i in invite(manager, event, ids)]
        db.session.commit()
        press, conference = (s.id for s in event.sessions)
        return event.id, press, conference, links


def _answer(number: int, press: int, conference: int) -> dict[str, str]:
    """The form a browser sends: most say yes to both, every 10th no, every 4th comes with a
    photographer."""
    coming = "no" if number % 10 == 0 else "yes"
    data = {f"session_{press}": coming, f"session_{conference}": coming,
            "outlet_name": f"Journal {number % 40}"}
    if number % 4 == 0 and coming == "yes":
        data.update({"crew-0-role": "photographer", "crew-0-name": f"Photo {number}"})
    return data


def _timed(threads: int, jobs: list[Callable[[FlaskClient], int]], app: Flask) \
        -> tuple[float, list[float], list[int]]:
    """Run ``jobs`` on ``threads`` threads (a client each); (seconds, latencies, statuses)."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock, queue = threading.Lock(), list(reversed(jobs))

    def worker() -> None:
        client = app.test_client()
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            started = time.perf_counter()
            status = job(client)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(status)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000 if len(values) > 1 else 0.0


def run(app: Flask, invitees: int, threads: int) -> dict[str, float]:
    event_id, press, conference, links = populate(app, invitees)
    page = lambda link: f"/rsvp/{link}"  # noqa: E731

    def get(link: str) -> Callable[[FlaskClient], int]:
        return lambda client: client.get(page(link)).status_code

    retries: list[int] = []

    def post(number: int, link: str) -> Callable[[FlaskClient], int]:
        def job(client: FlaskClient) -> int:
            for attempt in range(RETRIES + 1):  # a refused answer is sent again, as a person would
                form = client.get(page(link)).text
                token = TOKEN.search(form)
                data = {**_answer(number, press, conference),
                        "csrf_token": token.group(1) if token else ""}
                status = client.post(page(link), data=data).status_code
                if status < 500:
                    return status
                retries.append(attempt)
            return status
        return job

    get_s, get_lat, get_status = _timed(threads, [get(link) for link in links], app)
    post_s, post_lat, post_status = _timed(
        threads, [post(n, link) for n, link in enumerate(links)], app)
    assert set(get_status) == {200}, sorted(set(get_status))
    assert set(post_status) <= {200, 302, 303}, sorted(set(post_status))
    _check(app, event_id, press, invitees)
    return {"get_rate": invitees / get_s, "get_p95": _p95(get_lat),
            "post_rate": invitees / post_s, "post_p95": _p95(post_lat),
            "retried": float(len(retries))}


def _check(app: Flask, event_id: int, press: int, invitees: int) -> None:
    """No answer lost; the press point's seats never above its capacity."""
    with app.app_context():
        session = db.session.get_one(EventSession, press)
        by_status = dict(db.session.execute(select(Response.status, func.count()).where(
            Response.session_id == press).group_by(Response.status)).all())
        assert by_status.get(ResponseStatus.PENDING, 0) == 0, f"answers lost: {by_status}"
        assert sum(by_status.values()) == invitees
        held = db.session.scalar(select(func.coalesce(func.sum(Response.seats), 0)).where(
            Response.session_id == press, Response.status.in_(
                [ResponseStatus.ACCEPTED, ResponseStatus.OFFERED])))
        assert held == session.seats_taken <= CAPACITY, (held, session.seats_taken)
        assert by_status.get(ResponseStatus.WAITLISTED, 0) > 0
        assert db.session.get_one(Event, event_id).status == EventStatus.OPEN
        print(f"  press point: {session.seats_taken}/{CAPACITY} seats, "
              + ", ".join(f"{k}={v}" for k, v in sorted(by_status.items())))


def report(name: str, result: dict[str, float]) -> None:
    print(f"{name}:")
    print(f"  baseline, the RSVP page's GET: {result['get_rate']:8.1f} req/s  "
          f"p95 {result['get_p95']:7.1f} ms")
    print(f"  answers (GET form + POST):     {result['post_rate']:8.1f} answers/s  "
          f"p95 {result['post_p95']:7.1f} ms  ratio {result['post_rate'] / result['get_rate']:.2f}")
    print(f"  answers refused (5xx) and sent again: {int(result['retried'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invitees", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"{args.invitees} invitees answering on {args.threads} threads "
          f"(press point of {CAPACITY} seats)")
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(f"sqlite:///{Path(folder) / 'rsvp.db'}")
            report("SQLite", run(app, args.invitees, args.threads))
    if args.only != "sqlite":
        with postgres_schema("bench_rsvp") as url:
            if url is not None:
                report("PostgreSQL", run(make_app(url), args.invitees, args.threads))


if __name__ == "__main__":
    main()
