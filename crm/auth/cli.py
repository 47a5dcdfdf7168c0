import click
from flask.cli import AppGroup

from crm.auth.services import purge_expired_sessions
from crm.extensions import db
from crm.settings import settings

sessions_cli = AppGroup("sessions", help="Server-side sessions.")


@sessions_cli.command("purge")
def purge() -> None:
    """Delete sessions past their idle timeout or lifetime."""
    count = purge_expired_sessions(settings().session_idle, settings().session_lifetime)
    db.session.commit()
    click.echo(f"{count} expired session(s) removed.")
