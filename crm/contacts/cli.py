"""Command line: demo data at scale, and the trash purge."""

from __future__ import annotations

import datetime as dt
import time

import click
from flask.cli import AppGroup, with_appcontext

from crm.contacts import demo
from crm.contacts.services import purge_deleted_contacts
from crm.extensions import db
from crm.outlets.services import purge_deleted_outlets
from crm.settings import settings

contacts_cli = AppGroup("contacts", help="Contacts and outlets.")


@click.command("generate")
@click.option("--contacts", "contacts", default=1_000, show_default=True, type=click.IntRange(0))
@click.option("--outlets", "outlets", default=200, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=2026, show_default=True)
@click.option("--duplicates", "duplicate_share", default=0.08, show_default=True,
              type=click.FloatRange(0, 0.5), help="Share of contacts that duplicate another.")
@with_appcontext
def generate_command(contacts: int, outlets: int, seed: int, duplicate_share: float) -> None:
    """Generate fictional French press contacts and outlets of the region."""
    started = time.perf_counter()
    result = demo.generate(contacts, outlets, seed=seed, duplicate_share=duplicate_share)
    db.session.commit()
    click.echo(f"{result.outlets} outlets and {result.contacts} contacts "
               f"({result.duplicates} near-duplicates) in {time.perf_counter() - started:.1f} s.")


@contacts_cli.command("purge-trash")
@click.option("--days", type=click.IntRange(1), default=None,
              help="Age in the trash before removal (default: CONTACTS_TRASH_DAYS, 30).")
def purge_trash(days: int | None) -> None:
    """Remove for good the contacts and outlets deleted more than N days ago."""
    period = dt.timedelta(days=days) if days else settings().trash_retention
    contacts, outlets = purge_deleted_contacts(None, period), purge_deleted_outlets(None, period)
    db.session.commit()
    click.echo(f"Purged {contacts} contact(s) and {outlets} outlet(s).")
