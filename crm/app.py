"""The application factory: ``create_app`` wires everything explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from crm import database, emails, errors, i18n, jobs, requestlog, security, templating
from crm.auth import passwords
from crm.auth.access import init_login_manager
from crm.config import load_config
from crm.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        "crm",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    load_config(app, config)
    emails.init_app(app)
    requestlog.init_app(app)  # first: its after_request hook runs last
    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    passwords.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    init_login_manager()
    jobs.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)

    _register_blueprints(app)
    _register_commands(app)
    _register_template_helpers(app)
    _compose_pages(app)
    return app


def _register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from crm.audit.display import describe_events
    from crm.audit.labels import action_label
    from crm.auth.services import role_label
    from crm.contacts.display import describe, field_label
    from crm.contacts.labels import evidence_label
    from crm.imports import views as imports_views
    from crm.interactions import views as interactions_views
    from crm.tasks import views as tasks_views

    app.jinja_env.globals.update(action_label=action_label, role_label=role_label,
                                 evidence_label=evidence_label, describe_contact=describe,
                                 audit_rows=lambda events: describe_events(current_user, events))
    app.add_template_filter(field_label, "field_label")
    app.add_template_filter(imports_views.evidence_filter, "evidence_label")
    for context in (interactions_views.template_context, tasks_views.template_context,
                    imports_views.template_context):
        app.context_processor(context)


def _compose_pages(app: Flask) -> None:
    """Pages that one feature composes and another answers with: a quick log (interactions)
    answers with the contact page (contacts)."""
    from crm.contacts.views import render_page
    from crm.interactions import views as interactions_views

    interactions_views.init_app(app, contact_page=render_page)


def _register_blueprints(app: Flask) -> None:
    from crm.audit.views import bp as audit_bp
    from crm.auth.mfa_views import bp as mfa_bp
    from crm.auth.views import bp as auth_bp
    from crm.contacts.views import bp as contacts_bp
    from crm.dashboard.views import bp as dashboard_bp
    from crm.dedupe.views import bp as dedupe_bp
    from crm.events.attendance_views import bp as attendance_bp
    from crm.events.door_views import bp as door_bp
    from crm.events.invitations import personalise_invitations
    from crm.events.public import bp as rsvp_bp
    from crm.events.views import bp as events_bp
    from crm.exports.views import bp as exports_bp
    from crm.health.views import bp as health_bp
    from crm.imports.views import bp as imports_bp
    from crm.interactions.views import bp as interactions_bp
    from crm.lists.views import bp as lists_bp
    from crm.mailings.attachment_views import bp as mailing_attachments_bp
    from crm.mailings.services import register_personaliser
    from crm.mailings.views import bp as mailings_bp
    from crm.orgs.views import bp as orgs_bp
    from crm.outlets.views import bp as outlets_bp
    from crm.privacy.views import bp as privacy_bp
    from crm.tasks.views import bp as tasks_bp
    from crm.users.views import bp as users_bp

    app.register_blueprint(dashboard_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(mfa_bp, url_prefix="/auth/mfa")
    app.register_blueprint(users_bp, url_prefix="/admin/users")
    app.register_blueprint(orgs_bp, url_prefix="/admin/organisations")
    app.register_blueprint(audit_bp, url_prefix="/admin/audit")
    app.register_blueprint(contacts_bp, url_prefix="/contacts")
    app.register_blueprint(outlets_bp, url_prefix="/outlets")
    app.register_blueprint(interactions_bp, url_prefix="/interactions")
    app.register_blueprint(tasks_bp, url_prefix="/tasks")
    app.register_blueprint(lists_bp, url_prefix="/lists")
    app.register_blueprint(mailings_bp, url_prefix="/mailings")
    app.register_blueprint(mailing_attachments_bp, url_prefix="/mailings")
    app.register_blueprint(exports_bp, url_prefix="/exports")
    app.register_blueprint(events_bp, url_prefix="/events")
    app.register_blueprint(rsvp_bp, url_prefix="/rsvp")
    register_personaliser(app, personalise_invitations)  # invitations are mailings
    app.register_blueprint(imports_bp, url_prefix="/imports")
    app.register_blueprint(dedupe_bp, url_prefix="/duplicates")
    app.register_blueprint(privacy_bp, url_prefix="/privacy")
    app.register_blueprint(attendance_bp, url_prefix="/events")
    app.register_blueprint(door_bp, url_prefix="/events")
    app.register_blueprint(health_bp)  # /healthz and /readyz: probes send no CSRF token
    csrf.exempt(health_bp)


def _register_commands(app: Flask) -> None:
    from crm.auth.cli import sessions_cli
    from crm.contacts.cli import contacts_cli, generate_command
    from crm.demo.cli import demo_cli, dev_command
    from crm.mail.cli import devmail_command
    from crm.orgs.cli import orgs_cli
    from crm.privacy.cli import privacy_cli
    from crm.users.cli import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(sessions_cli)
    demo_cli.add_command(generate_command)
    app.cli.add_command(demo_cli)
    app.cli.add_command(contacts_cli)
    app.cli.add_command(dev_command)
    app.cli.add_command(devmail_command)
    app.cli.add_command(jobs.worker_command)
