"""Load the demo data: the organisations and one account per role and organisation.

Idempotent: running it again creates nothing that exists. The demo password is drawn
at random on the first run and kept in instance/demo-credentials.txt.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from crm.auth.models import Role, User
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.orgs.services import init_organisations
from crm.users.services import create_user

DEMO_PEOPLE = {
    "AER BFC": {Role.OFFICER: "Camille Arnoux", Role.MANAGER: "Hugo Berthier",
                Role.ADMIN: "Inès Carpentier"},
    "Région BFC": {Role.OFFICER: "Léa Dufresne", Role.MANAGER: "Julien Étienne",
                   Role.ADMIN: "Nadia Ferrand"},
    "Préfecture BFC": {Role.OFFICER: "Théo Garnier", Role.MANAGER: "Sophie Hamel",
                       Role.ADMIN: "Marc Isambert"},
}
ORG_SLUGS = {"AER BFC": "aer", "Région BFC": "region", "Préfecture BFC": "prefecture"}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    organisation: str


def demo_email(role: Role, short_name: str) -> str:
    return f"{role.value}.{ORG_SLUGS[short_name]}@relais.test"


def demo_password(instance: Path) -> str:
    path = instance / "demo-credentials.txt"
    if path.exists():
        return path.read_text().splitlines()[0].strip()
    password = "demo-" + secrets.token_urlsafe(12)
    instance.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def write_credentials(instance: Path, password: str, accounts: list[DemoAccount]) -> None:
    """Keep the password on the first line (read back by ``demo_password``), then every account."""
    lines = [password, "", "Relais demo accounts (one password for all, on the first line):"]
    lines += [f"{a.email:<32} {a.role.value:<8} {a.organisation}" for a in accounts]
    path = instance / "demo-credentials.txt"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def load_demo(password: str) -> tuple[list[DemoAccount], int]:
    """Create what is missing; returns every demo account and how many were created."""
    init_organisations()
    created = 0
    accounts = []
    for short_name, people in DEMO_PEOPLE.items():
        org = db.session.scalar(select(Organisation).where(Organisation.short_name == short_name))
        if org is None:  # renamed by an admin: leave it alone
            continue
        for role, name in people.items():
            email = demo_email(role, short_name)
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                create_user(None, email=email, full_name=name, role=role, organisation=org,
                            password=password)
                created += 1
            accounts.append(DemoAccount(email, role, short_name))
    return accounts, created
