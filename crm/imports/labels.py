"""Readable names for import decisions, outcomes and row problems."""

from flask_babel import lazy_gettext as _l

STATUSES = {"staged": _l("Awaiting confirmation"), "queued": _l("Being imported"),
            "committed": _l("Imported"),
            "undone": _l("Undone")}
DECISIONS = {"new": _l("New contact"), "existing": _l("Already known"),
             "repeated": _l("Repeated in the file"), "invalid": _l("Rejected")}
OUTCOMES = {"created": _l("Created"), "updated": _l("Updated"), "skipped": _l("Skipped"),
            "rejected": _l("Rejected")}
EVIDENCE = {"email": _l("same email"), "phone": _l("same phone"),
            "name+outlet": _l("same name at the same outlet"), "name": _l("same name")}


def problem_labels() -> dict[str, object]:
    return {
        "missing_name": _l("Last name missing"),
        "invalid_email": _l("Invalid email address"),
        "invalid_phone": _l("Invalid phone number"),
        "unknown_area": _l("Unknown département (ignored)"),
        "unreadable_row": _l("Unreadable row"),
        "erased": _l("Person erased on request (RGPD): not imported again"),
    }


def label(table: dict[str, object], key: object) -> str:
    value = getattr(key, "value", key)
    return str(table.get(str(value), value))
