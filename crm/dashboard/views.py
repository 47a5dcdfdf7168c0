from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.extensions import db

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    recent = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == current_user.id)
        .order_by(AuditEvent.id.desc()).limit(10)
    ).all()
    return render_template("dashboard/index.html", recent=recent)
