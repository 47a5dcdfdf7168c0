from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from werkzeug.serving import run_simple

from crm.auth.models import Role, User
from crm.clock import local_today
from crm.config import DEFAULT_BASE_URLS
from crm.demo import press
from crm.demo.events import load_events
from crm.demo.journalists import load_press_file
from crm.demo.services import demo_email, demo_password, load_demo, write_credentials
from crm.extensions import db
from crm.security import QuietRequestHandler
from crm.settings import override, settings

demo_cli = AppGroup("demo", help="Demo data for a local try-out.")


@demo_cli.command("load")
def load() -> None:
    """Load the demo data (idempotent) and print how to sign in."""
    password = demo_password(Path(current_app.instance_path))
    accounts, created = load_demo(password)
    outlets = press.load_outlets()
    manager = db.session.scalar(select(User).where(User.email == demo_email(
        Role.MANAGER, "Région BFC")))
    imported = manager is not None and press.import_release(manager)
    press_file = load_press_file(local_today())
    events = load_events(manager, local_today()) if manager is not None else 0
    db.session.commit()
    write_credentials(Path(current_app.instance_path), password, accounts)
    click.echo(f"Demo data: {created} account(s) created, {len(accounts)} in all; "
               f"{outlets} outlet(s) created; press release "
               f"{'imported' if imported else 'already imported'}.")
    if events:
        click.echo(f"Demo events: {events} created (the Assises 2026, past, and a press point "
                   "to come that you can invite to).")
    if press_file:
        click.echo(f"Demo press file: {press_file.contacts} journalists, "
                   f"{press_file.interactions} interactions, {press_file.tasks} tasks.")
    click.echo("Contact files to try the import with: " + ", ".join(
        str(press.DATA / name) for name in press.DEMO_FILES))
    click.echo("Sign in with one of (also listed in instance/demo-credentials.txt):")
    for account in accounts:
        click.echo(f"  {account.email:<32} {account.role.value:<8} {account.organisation}")
    click.echo(f"Password for every demo account: {password}")


@click.command("dev")
@click.option("--port", default=5000, show_default=True, envvar="PORT",
              help="Web server port (also read from PORT).")
@with_appcontext
def dev_command(port: int) -> None:
    """Development: mail catcher, background worker and web server together."""
    from crm.mail.services import start_devmail

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if settings(app).base_url == DEFAULT_BASE_URLS["development"]:  # links in mail follow --port
        override(app, BASE_URL=f"http://127.0.0.1:{port}")
    mail = start_devmail(Path(app.instance_path) / "mail", "127.0.0.1", app.config["MAIL_PORT"])
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"])
    click.echo(f"Mail catcher on 127.0.0.1:{mail.port} (messages in instance/mail/).")
    click.echo(f"Relais on http://127.0.0.1:{port}")
    try:
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False,
                   request_handler=QuietRequestHandler)  # no versions in the Server header
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        mail.stop()
