from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.clock import local_today, local_zone
from crm.dashboard import services
from crm.extensions import db
from crm.interactions.services import KIND

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    recent = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == current_user.id)
        .order_by(AuditEvent.id.desc()).limit(10)
    ).all()
    today = local_today()
    chart = services.weekly_chart(current_user, today, local_zone())
    tasks = services.my_open_tasks(current_user, today)
    return render_template(
        "dashboard/index.html", recent=recent, today=today, chart=chart,
        chart_data=chart.as_data({k: str(v) for k, v in KIND.items()},
                                 lambda d: format_date(d, "d MMM")),
        tasks=tasks.items, open_count=tasks.total,
        interactions=services.recent_interactions(current_user))
