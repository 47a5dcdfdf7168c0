"""What the mailing pages call each state and each reason a contact was left out."""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l

from crm.mailings.attachments import Refusal
from crm.mailings.models import DeliveryStatus, ExclusionReason, MailingStatus
from crm.orgs.models import Organisation
from crm.orgs.services import of_organisation

MAILING_STATUS = {
    MailingStatus.DRAFT: _l("Draft"),
    MailingStatus.QUEUED: _l("Waiting for the worker"),
    MailingStatus.SENDING: _l("Sending"),
    MailingStatus.DONE: _l("Sent"),
}
DELIVERY_STATUS = {
    DeliveryStatus.PENDING: _l("To send"),
    DeliveryStatus.SENDING: _l("Being sent"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.FAILED: _l("Failed"),
    DeliveryStatus.BOUNCED: _l("Bounced"),
    DeliveryStatus.UNCERTAIN: _l("Uncertain"),
}
EXCLUSION_REASON = {
    ExclusionReason.SUPPRESSED: _l("Erased on request (suppression list)"),
    ExclusionReason.OPTED_OUT: _l("Opted out of every mailing"),
    ExclusionReason.SENDER_OPT_OUT: _l("Opted out of a sending organisation"),
    ExclusionReason.BOUNCED: _l("Address bounced"),
    ExclusionReason.NO_EMAIL: _l("No email address"),
    ExclusionReason.DELETED: _l("In the trash"),
    ExclusionReason.DUPLICATE: _l("Same address as another recipient"),
}


def file_size(size: int) -> str:
    """A size for people: "850 kB", "2.4 MB" (in the page's language)."""
    if size < 1_048_576:
        return gettext("%(num)s kB", num=format_decimal(max(1, round(size / 1024))))
    return gettext("%(num)s MB", num=format_decimal(round(size / 1_048_576, 1)))


def refusal(reason: Refusal, filename: str, limit: int) -> str:
    """Why a file was not attached, for the manager."""
    if reason is Refusal.EMPTY:
        return gettext("“%(name)s” is empty: nothing was attached.", name=filename)
    if reason is Refusal.WRONG_TYPE:
        return gettext("“%(name)s” is neither a PDF nor a PNG or JPEG image (whatever its name "
                       "says): nothing was attached.", name=filename)
    if reason is Refusal.TOO_BIG:
        return gettext("“%(name)s” is larger than %(size)s, the limit for one file: nothing was "
                       "attached.", name=filename, size=file_size(limit))
    if reason is Refusal.TOTAL_TOO_BIG:
        return gettext("With “%(name)s” the files of this mailing would weigh more than "
                       "%(size)s together: remove one, or send a lighter file.", name=filename,
                       size=file_size(limit))
    return gettext("This mailing is no longer a draft: its files cannot change.")


def _french() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "fr"


def of_body(organisation: Organisation) -> str:
    """"de l’Agence…", "de la Région…" in French (the body's article), "of <name>" else."""
    if _french():
        return of_organisation(organisation)
    return gettext("of %(name)s", name=organisation.name)


def from_bodies(organisations: list[Organisation]) -> str:
    """"de l’Agence… et de la Région…" in French, "from <name>, <name>" else."""
    if _french():
        return format_list([of_organisation(o) for o in organisations], locale="fr")
    return gettext("from %(names)s", names=", ".join(o.name for o in organisations))


LABELS = {"mailing_status_labels": MAILING_STATUS, "delivery_status_labels": DELIVERY_STATUS,
          "exclusion_labels": EXCLUSION_REASON, "file_size": file_size, "of_body": of_body,
          "from_bodies": from_bodies}
