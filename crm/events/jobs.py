"""The worker's minute job for waitlists: offers not confirmed in time are cancelled and their
seats offered to the next people waiting, who are told by e-mail."""

from __future__ import annotations

from crm.events.notices import queue_offers
from crm.events.rsvp import expire_offers
from crm.extensions import db
from crm.jobs import crontab, periodic_task


def pass_on_expired_offers() -> int:
    """Cancel the expired offers, offer their seats on and queue the e-mails; commits.
    Returns how many new offers were made."""
    promoted = expire_offers()
    queue_offers(promoted)
    db.session.commit()
    return len(promoted)


@periodic_task(crontab(minute="*"))
def expired_offers_every_minute() -> None:
    pass_on_expired_offers()
