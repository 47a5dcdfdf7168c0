"""Readable names for import decisions, outcomes, row problems, refusals and encodings."""

import codecs

from flask_babel import lazy_gettext as _l

STATUSES = {"staging": _l("Being read"), "failed": _l("Could not be read"),
            "staged": _l("Awaiting confirmation"), "queued": _l("Being imported"),
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
        "unverified_phone": _l("Phone number unknown to the numbering plan: kept as typed in "
                               "the notes"),
        "unknown_area": _l("Unknown département (ignored)"),
        "unreadable_row": _l("Unreadable row"),
        "erased": _l("Person erased on request (RGPD): not imported again"),
    }


def label(table: dict[str, object], key: object) -> str:
    value = getattr(key, "value", key)
    return str(table.get(str(value), value))


# What a person sees of the encoding a file was read with (never a codec name).
ENCODINGS = {"utf-8": _l("UTF-8"), "utf-8-sig": _l("UTF-8"), "cp1252": _l("Windows (French Excel)"),
             "iso8859-1": _l("Western European (ISO-8859-1)"),
             "mac-roman": _l("Mac (old Apple format)")}


def encoding_label(name: str | None) -> str:
    if not name:
        return ""
    try:
        key = codecs.lookup(name).name
    except LookupError:
        return str(_l("another encoding"))
    return str(ENCODINGS.get(key, _l("another encoding")))


REFUSALS = {
    "empty": _l("This file is empty: there is nothing to import."),
    "not_a_table": _l("This file is not a table: its content is binary (an image, an archive…) "
                      "whatever its name says. Save your table as CSV or Excel (.xlsx)."),
    "too_large": _l("The file is too large."),
    "too_much_content": _l("The file holds more than can be imported at once (pages, rows, cells "
                           "or text): split it into smaller files."),
    "unsafe_archive": _l("The file looks like a compressed bomb (too many parts or too much data "
                         "once uncompressed): it was not opened."),
    "unsupported": _l("This kind of file cannot be imported, or its content does not match its "
                      "extension."),
    "unreadable": _l("The file could not be read. Check its format, or choose the encoding and "
                     "the separator by hand."),
    "error": _l("Reading the file failed unexpectedly. Try again; if it fails again, tell an "
                "administrator."),
}


def refusal_label(code: str | None) -> str:
    return str(REFUSALS.get(code or "", REFUSALS["unreadable"]))
