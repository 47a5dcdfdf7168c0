"""Create and manage accounts. Every change is audit-logged; callers commit."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.audit.services import record
from crm.auth.models import Role, User
from crm.auth.services import close_all_sessions, hash_password, normalise_email, password_problem
from crm.extensions import db
from crm.i18n import N_
from crm.mail.services import queue_email
from crm.orgs.models import Organisation


class UserError(ValueError):
    """A user change that cannot be made; ``code`` tells which rule refused it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def email_taken(email: str, *, except_id: int | None = None) -> bool:
    stmt = select(func.count(User.id)).where(User.email == normalise_email(email))
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return bool(db.session.scalar(stmt))


def create_user(actor: User | None, *, email: str, full_name: str, role: Role,
                organisation: Organisation, password: str) -> User:
    if email_taken(email):
        raise UserError("email_taken")
    problem = password_problem(password, personal=(email.split("@")[0], *full_name.split()))
    if problem:
        raise UserError(f"password_{problem}")
    user = User(email=normalise_email(email), full_name=full_name.strip(), role=role,
                organisation=organisation, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record(actor, "user.created", user, role=role.value, organisation=organisation.short_name)
    queue_email(user.email, N_("Your Relais account"), "account_created", locale=user.locale or "fr",
                user=user, created_by=actor)
    return user


def update_user(actor: User, user: User, *, full_name: str, role: Role,
                organisation: Organisation) -> None:
    if user.id == actor.id and role != user.role:
        raise UserError("own_role")
    changes: dict[str, list[str]] = {}
    if user.full_name != full_name.strip():
        changes["full_name"] = [user.full_name, full_name.strip()]
        user.full_name = full_name.strip()
    if user.role != role:
        changes["role"] = [user.role.value, role.value]
        user.role = role
    if user.organisation_id != organisation.id:
        changes["organisation"] = [user.organisation.short_name, organisation.short_name]
        user.organisation = organisation
    if changes:
        if "role" in changes or "organisation" in changes:
            close_all_sessions(user)  # rights changed: sign in again
        record(actor, "user.updated", user, **changes)


def set_enabled(actor: User, user: User, enabled: bool) -> None:
    if user.id == actor.id:
        raise UserError("own_account")
    if user.is_enabled == enabled:
        return
    user.is_enabled = enabled
    if not enabled:
        close_all_sessions(user)
    record(actor, "user.enabled" if enabled else "user.disabled", user)


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
