"""`flask devmail`: a local SMTP server for development that keeps every message in a file."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from pathlib import Path

import click
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import current_app
from flask.cli import with_appcontext


class MaildirHandler:
    """Stores each received message as instance/mail/<time>-<random>.eml; relays nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{secrets.token_hex(3)}.eml"
        content = envelope.original_content or envelope.content or b""
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return "250 Message accepted for delivery"


def start_devmail(folder: Path, host: str, port: int) -> Controller:
    controller = Controller(MaildirHandler(folder), hostname=host, port=port)
    controller.start()
    return controller


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
