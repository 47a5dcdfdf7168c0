"""Contact values as the reader sees them, field by field (the conflict page, the timeline).

The timeline itself lives in ``crm.contacts.timeline``: interactions, tasks and events."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from crm.contacts import labels
from crm.contacts.core.normalise import display_phone
from crm.contacts.labels import FIELD_LABELS
from crm.contacts.services import ContactData
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet


def _names(model: type[Outlet | Organisation], ids: list[int], attr: str) -> str:
    if not ids:
        return ""
    column: InstrumentedAttribute[str] = getattr(model, attr)
    rows = db.session.scalars(select(column).where(model.id.in_(ids)))
    return ", ".join(sorted(rows))


def describe(data: ContactData) -> dict[str, str]:
    """Each editable field of ``data`` as displayed text, keyed by field name."""
    yes, no = str(_l("Yes")), str(_l("No"))
    return {
        "civility": str(labels.CIVILITY[data.civility]), "first_name": data.first_name,
        "last_name": data.last_name, "kind": str(labels.CONTACT_KIND[data.kind]),
        "job_title": data.job_title or "", "outlet_ids": _names(Outlet, data.outlet_ids, "name"),
        "emails": ", ".join(data.emails),
        "phones": ", ".join(display_phone(p) for p in data.phones),
        "beats": ", ".join(data.beats), "area": labels.area_label(data.area),
        "social_links": " ".join(data.social_links), "notes": data.notes or "",
        "visibility": str(labels.VISIBILITY[data.visibility]), "source": data.source,
        "legal_basis": str(labels.LEGAL_BASIS[data.legal_basis]),
        "information_sent_at": format_date(data.information_sent_at)
        if data.information_sent_at else "",
        "is_opted_out": yes if data.is_opted_out else no,
        "opt_out_organisation_ids": _names(Organisation, data.opt_out_organisation_ids, "name"),
        "is_email_bounced": yes if data.is_email_bounced else no,
    }


def compare(mine: ContactData, current: ContactData) -> list[tuple[str, str, str, bool]]:
    """(label, my value, current value, differs) for every field: the conflict page's rows."""
    left, right = describe(mine), describe(current)
    return [(str(label), left[name], right[name], left[name] != right[name])
            for name, label in FIELD_LABELS.items()]


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))

