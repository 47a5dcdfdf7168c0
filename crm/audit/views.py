from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from crm.access import role_required
from crm.audit.forms import AuditFilterForm
from crm.audit.labels import action_label
from crm.audit.services import AuditFilter, audit_query, known_actions
from crm.auth.models import Role, User
from crm.auth.services import normalise_email
from crm.extensions import db
from crm.security import id_arg, page_arg, parse_id
from crm.settings import settings
from crm.users.services import organisations

bp = Blueprint("audit", __name__)


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(a, action_label(a)) for a in known_actions()]
    form.organisation.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(str(o.id), o.name) for o in organisations()]
    flt = AuditFilter()
    if form.validate():
        actor_id = None
        if form.actor.data:
            actor_id = db.session.scalar(
                select(User.id).where(User.email == normalise_email(form.actor.data))) or -1
        flt = AuditFilter(
            action=form.action.data or None,
            organisation_id=parse_id(form.organisation.data),
            actor_id=actor_id,
            target_type=request.args.get("target_type") or None,
            target_id=id_arg("target_id"),
            since=form.since.data,
            until=form.until.data,
        )
    page = db.paginate(audit_query(flt), page=page_arg(), per_page=settings().page_size,
                       error_out=False)
    return render_template("audit/index.html", form=form, page=page)
