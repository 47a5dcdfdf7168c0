"""Organisations: the initial data step, creation and renaming (audit-logged)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from crm.audit.services import record
from crm.auth.models import User
from crm.extensions import db
from crm.orgs import grammar
from crm.orgs.models import Organisation

# The three bodies Relais was built for, created by `flask orgs init` (each "la": l’Agence…,
# la Région…, la Préfecture…).
FOUNDING_ARTICLE = "la"
FOUNDING_ORGANISATIONS = (
    ("Agence Économique Régionale de Bourgogne-Franche-Comté", "AER BFC",
     ["AER", "Agence économique régionale"]),
    ("Région Bourgogne-Franche-Comté", "Région BFC",
     ["Conseil régional de Bourgogne-Franche-Comté", "Conseil régional"]),
    ("Préfecture de la région Bourgogne-Franche-Comté", "Préfecture BFC",
     ["Préfecture de Région", "Préfecture de la Côte-d'Or", "Préfecture"]),
)


class OrganisationError(ValueError):
    pass


def init_organisations() -> list[Organisation]:
    """Create the founding organisations that are missing; returns those created."""
    created = []
    for name, short_name, aliases in FOUNDING_ORGANISATIONS:
        exists = db.session.scalar(select(Organisation).where(Organisation.short_name == short_name))
        if exists is not None and not exists.aliases:
            exists.aliases = aliases  # databases created before aliases existed
        if exists is None:
            org = Organisation(name=name, short_name=short_name, aliases=aliases,
                               article=FOUNDING_ARTICLE)
            db.session.add(org)
            created.append(org)
    db.session.flush()
    for org in created:
        record(None, "organisation.created", org, name=org.name)
    return created


def _name_taken(name: str, short_name: str, except_id: int | None) -> bool:
    stmt = select(func.count(Organisation.id)).where(
        or_(func.lower(Organisation.name) == name.lower(),
            func.lower(Organisation.short_name) == short_name.lower())
    )
    if except_id is not None:
        stmt = stmt.where(Organisation.id != except_id)
    return bool(db.session.scalar(stmt))


def create_organisation(actor: User, *, name: str, short_name: str,
                        aliases: list[str] | None = None, article: str = "") -> Organisation:
    name, short_name = name.strip(), short_name.strip()
    if _name_taken(name, short_name, None):
        raise OrganisationError("name_taken")
    org = Organisation(name=name, short_name=short_name, aliases=aliases or [],
                       article=article if article in grammar.ARTICLES else "")
    db.session.add(org)
    db.session.flush()
    record(actor, "organisation.created", org, name=name)
    return org


def rename_organisation(actor: User, org: Organisation, *, name: str, short_name: str,
                        aliases: list[str] | None = None, article: str | None = None) -> None:
    name, short_name = name.strip(), short_name.strip()
    if _name_taken(name, short_name, org.id):
        raise OrganisationError("name_taken")
    if (org.name, org.short_name) != (name, short_name):
        record(actor, "organisation.renamed", org, old=[org.name, org.short_name],
               new=[name, short_name])
        org.name, org.short_name = name, short_name
    if aliases is not None and aliases != (org.aliases or []):
        record(actor, "organisation.aliases_changed", org, old=org.aliases or [], new=aliases)
        org.aliases = aliases
    if article is not None and article in grammar.ARTICLES and article != org.article:
        record(actor, "organisation.article_changed", org, old=org.article, new=article)
        org.article = article


def the_organisation(org: Organisation) -> str:
    """The organisation's name with its article in French: "l’Agence…", "la Région…"."""
    return grammar.with_article(org.name, org.article)


def of_organisation(org: Organisation) -> str:
    """The organisation's name after "de" in French: "de l’Agence…", "de la Région…"."""
    return grammar.of(org.name, org.article)


def list_organisations() -> list[tuple[Organisation, int]]:
    stmt = (select(Organisation, func.count(User.id))
            .outerjoin(User, User.organisation_id == Organisation.id)
            .group_by(Organisation.id).order_by(Organisation.name))
    return [(org, count) for org, count in db.session.execute(stmt)]
