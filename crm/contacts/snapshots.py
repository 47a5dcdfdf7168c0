"""A contact's values as JSON and back, for undo (imports, merges).

Reads no database, but is not a core: it builds the contact models' enums and ``ContactData``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from typing import Any

from crm.contacts.models import Civility, ContactKind, LegalBasis, Visibility
from crm.contacts.services import ContactData

_ENUMS = {"civility": Civility, "kind": ContactKind, "visibility": Visibility,
          "legal_basis": LegalBasis}


def snapshot(data: ContactData) -> dict[str, Any]:
    """``data`` as JSON-ready values (enums as their value, dates in ISO 8601)."""
    out = asdict(data)
    if data.information_sent_at:
        out["information_sent_at"] = data.information_sent_at.isoformat()
    return {k: (v.value if hasattr(v, "value") else v) for k, v in out.items()}


def from_snapshot(values: dict[str, Any]) -> ContactData:
    """The ``ContactData`` a ``snapshot`` was taken of."""
    out = {f.name: values[f.name] for f in fields(ContactData)}
    for name, enum_type in _ENUMS.items():
        out[name] = enum_type(out[name])
    if out.get("information_sent_at"):
        out["information_sent_at"] = dt.datetime.fromisoformat(out["information_sent_at"])
    return ContactData(**out)
