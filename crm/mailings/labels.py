"""What the mailing pages call each state and each reason a contact was left out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crm.mailings.models import DeliveryStatus, ExclusionReason, MailingStatus

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
LABELS = {"mailing_status_labels": MAILING_STATUS, "delivery_status_labels": DELIVERY_STATUS,
          "exclusion_labels": EXCLUSION_REASON}
