"""Translated labels of the values the subject access page shows (kinds and statuses of the
records of other features, as their raw values), and of the privacy enums."""

from flask_babel import lazy_gettext as _l

from crm.interactions.services import KIND
from crm.privacy.models import RequestKind, RequestStatus

REQUEST_STATUS = {RequestStatus.OPEN: _l("Open"), RequestStatus.ANSWERED: _l("Answered")}
REQUEST_KIND = {
    RequestKind.ACCESS: _l("Access to their data"),
    RequestKind.RECTIFY: _l("Rectification"),
    RequestKind.ERASE: _l("Erasure"),
    RequestKind.OBJECT: _l("Restriction or objection (no more mailings)"),
}
# raw value -> label, for the columns "kind", "status" and "outcome" of the access page
VALUES = {
    **{kind.value: label for kind, label in KIND.items()},
    **{kind.value: label for kind, label in REQUEST_KIND.items()},
    "pending": _l("To send"), "sending": _l("Being sent"), "sent": _l("Sent"),
    "failed": _l("Failed"), "bounced": _l("Bounced"), "uncertain": _l("Uncertain"),
    "open": _l("Open"), "done": _l("Done"), "cancelled": _l("Cancelled"),
    "answered": _l("Answered"), "created": _l("Created"), "updated": _l("Updated"),
    "skipped": _l("Skipped"), "rejected": _l("Rejected"),
}
# the answers to an event's invitation (the column "answer" of the access page)
RSVP = {"pending": _l("No answer yet"), "accepted": _l("Coming"), "declined": _l("Not coming"),
        "waitlisted": _l("On the waiting list"), "offered": _l("Seat offered"),
        "cancelled": _l("Cancelled")}
