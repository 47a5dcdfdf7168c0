import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.users.services import UserError, create_user

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_short_name", required=True, help="Organisation short name, e.g. 'AER BFC'.")
@click.password_option(help="Prompted for when not given (12 to 128 characters).")
def create(email: str, full_name: str, role: str, org_short_name: str, password: str) -> None:
    """Create an account (there is no default account)."""
    org = db.session.scalar(select(Organisation).where(Organisation.short_name == org_short_name))
    if org is None:
        known = ", ".join(db.session.scalars(select(Organisation.short_name)))
        raise click.ClickException(f"Unknown organisation {org_short_name!r}. Known: {known or 'none'}.")
    try:
        user = create_user(None, email=email, full_name=full_name, role=Role(role),
                           organisation=org, password=password)
    except UserError as exc:
        raise click.ClickException(f"Refused: {exc.code}.") from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}, {org.short_name}).")


@users_cli.command("reset-mfa")
@click.argument("email")
def reset_mfa(email: str) -> None:
    """Remove an account's two-step verification (a lost phone and no admin left to do it):
    the person sets it up again at the next sign-in."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account {email!r}.")
    try:
        auth_services.reset_mfa(None, user)
    except auth_services.MfaError as exc:
        raise click.ClickException(f"{user.email} has no two-step verification.") from exc
    db.session.commit()
    click.echo(f"Two-step verification removed for {user.email}; their sessions are closed.")
