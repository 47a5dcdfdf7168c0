"""``flask privacy retention``: the contacts past the retention period, per body."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.extensions import db
from crm.orgs.models import Organisation
from crm.privacy.jobs import review_retention
from crm.privacy.retention import candidates

privacy_cli = AppGroup("privacy", help="RGPD: retention review.")


@privacy_cli.command("retention")
@click.option("--org", "short_name", default=None, help="One body's short name (default: all).")
def retention(short_name: str | None) -> None:
    """List the contacts past the retention period and log each body's count."""
    stmt = select(Organisation).order_by(Organisation.name)
    if short_name:
        stmt = stmt.where(Organisation.short_name == short_name)
    bodies = list(db.session.scalars(stmt))
    if not bodies:
        raise click.ClickException(f"No organisation is called {short_name!r}.")
    for body in bodies:
        found = list(db.session.scalars(candidates(body.id)))
        click.echo(f"{body.short_name}: {len(found)} contact(s) to review")
        for contact in found:
            last = contact.last_interaction_at or contact.created_at
            click.echo(f"  {contact.id}\t{contact.full_name}\t{last.date().isoformat()}")
    counts = review_retention()
    click.echo(f"Logged: {sum(counts.values())} contact(s) to review in all.")
