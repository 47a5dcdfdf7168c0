"""`flask devmail`: a local SMTP server for development that keeps every message in a file."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from crm.mail.services import start_devmail


@click.command("devmail")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=None, type=int, help="Defaults to MAIL_PORT.")
@with_appcontext
def devmail_command(host: str, port: int | None) -> None:
    """Run the development SMTP server; messages land in instance/mail/."""
    folder = Path(current_app.instance_path) / "mail"
    controller = start_devmail(folder, host, port or current_app.config["MAIL_PORT"])
    click.echo(f"Development mail server on {host}:{controller.port}, saving to {folder}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()
