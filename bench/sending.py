"""Mailing throughput: 10,000 recipients sent by the worker to a local aiosmtpd server.

Run from the repository root: ``python -m bench.sending [--recipients N] [--only sqlite]``.
The worker (``crm.mailings.sending.deliver``: per batch, claim and commit, then render, SMTP and
settle each recipient over one connection, then write the batch's outcomes and commit) is timed
beside a baseline measured in the same run against the same server: a bare smtplib loop sending
the same rendered messages (bytes, as the worker sends them) over one connection. Memory: the
process's resident size every 1,000 messages of the worker.
Goal: the worker at 0.7x the baseline's rate or better, memory flat.
"""

from __future__ import annotations

import argparse
import resource
import secrets
import smtplib
import socket
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select

from bench.contacts import make_app, postgres_schema
from crm.auth.models import Role, User
from crm.contacts.models import Contact, ContactEmail, Visibility
from crm.extensions import db
from crm.lists.models import ListMember
from crm.lists.services import create_list
from crm.mail.services import SmtpSettings
from crm.mailings import sending
from crm.mailings.models import Delivery, Mailing
from crm.mailings.services import MailingData, create_mailing, send_mailing
from crm.orgs.models import Organisation
from crm.orgs.services import init_organisations
from crm.settings import override
from crm.users.services import create_user

GOAL_RATIO = 0.7
CLAIM_BATCHES = (20, 50)  # the default MAILING_CLAIM_BATCH, then larger batches
BODY = ("{{ salutation }}\n\nLes Assises de l'économie régionale se tiendront le **3 décembre** "
        "à Besançon. Un point presse est prévu de 9 h à 10 h, {{ civilite }} {{ nom }}.\n\n"
        "- Accueil à 8 h 45\n- Conférence de 10 h à 13 h\n\nCordialement,")


class Sink:
    """Accepts every message and keeps only a count."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def populate(app: Flask, recipients: int) -> int:
    """Organisations, a manager, ``recipients`` contacts in one list and a draft to them."""
    with app.app_context():
        upgrade()
        init_organisations()
        org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
        manager = create_user(None, email="manager@aer-bfc.test", full_name="Bench",
                              role=Role.MANAGER, organisation=org,
                              password="bench password of sufficient length")  # noqa: S106
        db.session.commit()
        rows = [{"civility": ("mr", "mrs", "none")[i % 3], "first_name": f"Anne{i}",
                 "last_name": f"MARTIN{i}", "name_key": f"martin{i} anne{i}",
                 "sort_key": f"martin{i:06d}", "kind": "journalist", "organisation_id": org.id,
                 "visibility": Visibility.SHARED.value, "source": "bench",
                 "search_text": f"martin{i} anne{i}", "version": 1}
                for i in range(recipients)]
        db.session.execute(insert(Contact), rows)
        ids = list(db.session.scalars(select(Contact.id).order_by(Contact.id)))
        db.session.execute(insert(ContactEmail), [
            {"contact_id": c, "email": f"anne{n}@journal.test", "is_primary": True}
            for n, c in enumerate(ids)])
        contact_list = create_list(manager, "Tous")
        db.session.execute(insert(ListMember), [{"list_id": contact_list.id, "contact_id": c}
                                                for c in ids])
        mailing = create_mailing(manager, MailingData(
            subject="Assises 2026 : invitation de {{ prenom }} {{ nom }}", body=BODY,
            list_ids=[contact_list.id]))
        db.session.commit()
        send_mailing(manager, mailing)
        db.session.commit()
        return mailing.id


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def run(app: Flask, recipients: int, port: int, sink: Sink) -> dict[str, float]:
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="AER BFC <presse@aer-bfc.test>")
    mailing_id = populate(app, recipients)
    with app.app_context():
        started = time.perf_counter()
        sending.start_mailing(mailing_id, smtp.sender)
        result: dict[str, float] = {"resolve_s": time.perf_counter() - started}
        # the baseline's messages: rendered beforehand, exactly as the worker renders them
        mailing = db.session.get_one(Mailing, mailing_id)
        composer = sending.Composer(mailing, smtp.sender)
        messages = [(d.email, composer.message(d, secrets.token_urlsafe(32))) for d in
                    db.session.scalars(select(Delivery).where(Delivery.mailing_id == mailing_id))]
        db.session.expunge_all()
        sink.count = 0
        started = time.perf_counter()
        conn = smtplib.SMTP("127.0.0.1", port)
        for email, message in messages:
            conn.sendmail(composer.layout.sender, [email], message)
        conn.quit()
        result["baseline"] = len(messages) / (time.perf_counter() - started)
        assert sink.count == len(messages)
        del messages
        for claim in CLAIM_BATCHES:
            if claim != CLAIM_BATCHES[0]:
                mailing_id = _another_mailing(mailing_id, smtp.sender)
            override(app, MAILING_CLAIM_BATCH=claim)
            rate, first, last = _worker(mailing_id, smtp, sink)
            assert sink.count == recipients, (claim, sink.count)
            result[f"worker_{claim}"], result[f"rss_first_{claim}"] = rate, first
            result[f"rss_last_{claim}"] = last
    return result


def _another_mailing(mailing_id: int, sender: str) -> int:
    """The same message to the same list again, resolved and ready for the worker."""
    first = db.session.get_one(Mailing, mailing_id)
    manager = db.session.get_one(User, first.created_by_id)
    again = create_mailing(manager, MailingData(subject=first.subject, body=first.body,
                                                list_ids=[x.id for x in first.lists]))
    db.session.commit()
    send_mailing(manager, again)
    db.session.commit()
    sending.start_mailing(again.id, sender)
    return again.id


def _worker(mailing_id: int, smtp: SmtpSettings, sink: Sink) -> tuple[float, float, float]:
    """The worker's rate on ``mailing_id``, and the resident size at the first and last
    thousand messages."""
    samples: list[float] = []
    settle = sending.settle

    def sampled(delivery, code, error):  # type: ignore[no-untyped-def]
        outcome = settle(delivery, code, error)
        if delivery.id % 1000 == 0:
            samples.append(current_rss_mib())
        return outcome

    sending.settle = sampled  # type: ignore[assignment]
    sink.count = 0
    try:
        started = time.perf_counter()
        sent = sending.deliver(mailing_id, smtp)
        rate = sent / (time.perf_counter() - started)
    finally:
        sending.settle = settle  # type: ignore[assignment]
    sending.finish(mailing_id)
    return rate, (samples[0] if samples else 0.0), (samples[-1] if samples else 0.0)


def report(name: str, result: dict[str, float]) -> None:
    print(f"{name}: recipients resolved in {result['resolve_s']:.2f} s")
    print(f"{name}: baseline (bare smtplib, same messages, one connection): "
          f"{result['baseline']:.0f} msg/s")
    for claim in CLAIM_BATCHES:
        ratio = result[f"worker_{claim}"] / result["baseline"]
        first, last = result[f"rss_first_{claim}"], result[f"rss_last_{claim}"]
        print(f"{name}: worker, MAILING_CLAIM_BATCH={claim} (claim, render, send, settle): "
              f"{result[f'worker_{claim}']:.0f} msg/s = {ratio:.2f}x the baseline "
              f"(goal >= {GOAL_RATIO}x) {'OK' if ratio >= GOAL_RATIO else 'MISSED'}; "
              f"resident memory {first:.1f} MiB at the first 1,000, {last:.1f} MiB at the last "
              f"({last - first:+.1f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        if args.only != "postgresql":
            with tempfile.TemporaryDirectory() as tmp:
                app = make_app(f"sqlite:///{Path(tmp) / 'sending.db'}")
                report("sqlite", run(app, args.recipients, port, sink))
        if args.only != "sqlite":
            with postgres_schema("bench_sending") as url:
                if url is not None:
                    report("postgresql", run(make_app(url), args.recipients, port, sink))
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
