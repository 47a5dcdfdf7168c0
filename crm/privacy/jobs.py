"""The weekly retention review: each body's count of contacts past the retention period goes
to the audit log, where its admins find it beside the review page."""

from __future__ import annotations

from crm.extensions import db
from crm.jobs import crontab, periodic_task
from crm.privacy.retention import review_all


def review_retention() -> dict[str, int]:
    counts = review_all()
    db.session.commit()
    return counts


@periodic_task(crontab(day_of_week="1", hour="4", minute="30"))
def weekly_retention_review() -> None:
    review_retention()
