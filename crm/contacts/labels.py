"""Translated labels of the contact fields and of the contact and outlet enums, for forms,
lists, the conflict page, the review of duplicates and the audit log."""

from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from crm.contacts.models import AREAS, Civility, ContactKind, LegalBasis, PhoneKind, Visibility
from crm.outlets.models import OutletKind

# The one label of each editable contact field: the contact form, the conflict page, the
# timeline and the audit log (``field_label``), the review of duplicates, the import columns.
FIELD_LABELS = {
    "civility": _l("Civility"), "first_name": _l("First name"), "last_name": _l("Last name"),
    "kind": _l("Kind"), "job_title": _l("Job title"), "outlet_ids": _l("Outlets"),
    "emails": _l("Email addresses"), "phones": _l("Phone numbers"),
    "beats": _l("Beats and topics"), "area": _l("Area"),
    "social_links": _l("Social media links"), "notes": _l("Notes"),
    "visibility": _l("Visibility"), "source": _l("Source"), "legal_basis": _l("Legal basis"),
    "information_sent_at": _l("Information notice sent on"),
    "is_opted_out": _l("Opted out of every mailing"),
    "opt_out_organisation_ids": _l("Opted out of the mailings of"),
    "is_email_bounced": _l("Email bounced"),
}

CIVILITY = {Civility.NONE: _l("(none)"), Civility.MR: _l("Mr"), Civility.MRS: _l("Ms")}
CONTACT_KIND = {
    ContactKind.JOURNALIST: _l("Journalist"),
    ContactKind.PRESS_OFFICER: _l("Press officer"),
    ContactKind.ELECTED: _l("Elected official"),
    ContactKind.OTHER: _l("Other"),
}
VISIBILITY = {Visibility.SHARED: _l("Shared with all bodies"),
              Visibility.PRIVATE: _l("Private to my organisation")}
LEGAL_BASIS = {
    LegalBasis.LEGITIMATE_INTEREST: _l("Legitimate interest"),
    LegalBasis.CONSENT: _l("Consent"),
    LegalBasis.PUBLIC_TASK: _l("Public task"),
}
PHONE_KIND = {PhoneKind.MOBILE: _l("mobile"), PhoneKind.LANDLINE: _l("landline"),
              PhoneKind.SWITCHBOARD: _l("switchboard")}
OUTLET_KIND = {
    OutletKind.PQR: _l("Regional daily press"),
    OutletKind.WEEKLY: _l("Weekly"),
    OutletKind.MAGAZINE: _l("Magazine"),
    OutletKind.RADIO: _l("Radio"),
    OutletKind.TV: _l("Television"),
    OutletKind.WEB: _l("Web"),
    OutletKind.AGENCY: _l("Agency"),
}
AREA = {"national": _l("National")}
def area_label(area: str | None) -> str:
    return str(AREA.get(area, area)) if area else ""


def plain(labels: dict[str, Any]) -> dict[str, Any]:
    """Labels as plain strings in the current locale: translated once per request and locale
    (a page asks for them from several places), not per row."""
    kept: dict[tuple[int, str], dict[str, Any]] = g.setdefault("_relais_plain_labels", {})
    key = (id(labels), str(get_locale()))
    found = kept.get(key)
    if found is None:
        found = kept[key] = {
            name: {k: str(v) for k, v in value.items()} if isinstance(value, dict) else value
            for name, value in labels.items()}
    return found


LABELS = {"civility_labels": CIVILITY, "kind_labels": CONTACT_KIND,
          "visibility_labels": VISIBILITY, "legal_basis_labels": LEGAL_BASIS,
          "phone_kind_labels": PHONE_KIND, "outlet_kind_labels": OUTLET_KIND,
          "area_label": area_label,
          "area_names": {a: AREA.get(a, a) for a in AREAS}}


# What the duplicate search found for each field of a pair: (field, level) → a phrase.
# Fields and levels are those of ``crm.dedupe.engine.spec.contact_spec`` and ``crm.dedupe.engine.fields``.
EVIDENCE = {
    ("name", "different"): _l("different names"),
    ("name", "same surname only"): _l("same surname only"),
    ("name", "similar"): _l("similar names"),
    ("name", "same surname, similar first name"): _l("same surname, similar first name"),
    ("name", "same name"): _l("same first name and surname"),
    ("name", "missing"): _l("name missing on one side"),
    ("email", "different"): _l("different email addresses"),
    ("email", "same email"): _l("same email address"),
    ("email", "missing"): _l("email address missing on one side"),
    ("email_user", "different user names"): _l("different user names in the email addresses"),
    ("email_user", "same user name, other domain"):
        _l("same user name in the email addresses, at another domain"),
    ("email_user", "missing"): _l("user names of the email addresses not compared"),
    ("surname", "different"): _l("different surnames (a first name missing)"),
    ("surname", "similar"): _l("similar surnames (a first name missing)"),
    ("surname", "same"): _l("same surname (a first name missing)"),
    ("surname", "missing"): _l("surnames not compared on their own"),
    ("phone", "different"): _l("different phone numbers"),
    ("phone", "same landline"): _l("same landline number"),
    ("phone", "same mobile"): _l("same mobile number"),
    ("phone", "missing"): _l("phone number missing on one side"),
    ("outlet", "none in common"): _l("no outlet in common"),
    ("outlet", "one in common"): _l("an outlet in common"),
    ("outlet", "missing"): _l("outlet missing on one side"),
}
EVIDENCE_FIELD = {"name": _l("name"), "email": _l("email address"),
                  "email_user": _l("user name of the email address"), "surname": _l("surname"),
                  "phone": _l("phone number"),
                  "outlet": _l("outlet")}
EVIDENCE_LEVEL = {"different": _l("different"), "vaguely similar": _l("vaguely similar"),
                  "similar": _l("similar"), "same": _l("identical"),
                  "two edits": _l("two letters apart"), "one edit": _l("one letter apart"),
                  "missing": _l("missing on one side")}


def evidence_label(evidence: dict[str, Any]) -> str:
    """One piece of a duplicate pair's evidence (``{"field", "label", ...}``) as a phrase."""
    field, level = str(evidence.get("field", "")), str(evidence.get("label", ""))
    phrase = EVIDENCE.get((field, level))
    if phrase is not None:
        return str(phrase)
    return str(_l("%(field)s: %(level)s", field=EVIDENCE_FIELD.get(field, field),
                  level=EVIDENCE_LEVEL.get(level, level)))
