import click
from flask.cli import AppGroup

from crm.extensions import db
from crm.orgs.services import init_organisations

orgs_cli = AppGroup("orgs", help="Organisations.")


@orgs_cli.command("init")
def init() -> None:
    """Create the founding organisations (idempotent)."""
    created = init_organisations()
    db.session.commit()
    click.echo(f"{len(created)} organisation(s) created.")
