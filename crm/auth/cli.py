import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from crm.auth.services import purge_expired_sessions
from crm.extensions import db

sessions_cli = AppGroup("sessions", help="Server-side sessions.")


@sessions_cli.command("purge")
def purge() -> None:
    """Delete sessions past their idle timeout or lifetime."""
    cfg = current_app.config
    count = purge_expired_sessions(dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
                                   dt.timedelta(hours=cfg["SESSION_LIFETIME_HOURS"]))
    db.session.commit()
    click.echo(f"{count} expired session(s) removed.")
