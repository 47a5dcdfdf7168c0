from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from crm.access import role_required
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.auth.services import ROLE_LABELS
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.security import id_arg, page_arg
from crm.users import services
from crm.users.forms import NewUserForm, UserForm

bp = Blueprint("users", __name__)

def _messages() -> dict[str, str]:
    return {
        "email_taken": _("An account already uses this email address."),
        "own_role": _("You cannot change your own role."),
        "own_account": _("You cannot deactivate your own account."),
    }


def get_user_or_404(user_id: int) -> User:
    return db.first_or_404(select(User).where(User.id == user_id))


def _with_choices(form: UserForm) -> UserForm:
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in services.organisations()]
    return form


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    stmt = select(User).join(User.organisation).order_by(Organisation.name, User.full_name)
    org_id = id_arg("organisation")
    if org_id:
        stmt = stmt.where(User.organisation_id == org_id)
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("users/index.html", page=page, role_labels=ROLE_LABELS,
                           organisations=services.organisations(), org_id=org_id)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new() -> ResponseReturnValue:
    form = _with_choices(NewUserForm(organisation_id=current_user.organisation_id))
    if form.validate_on_submit():
        org = db.get_or_404(Organisation, form.organisation_id.data)
        try:
            user = services.create_user(current_user, email=form.email.data,
                                        full_name=form.full_name.data, role=Role(form.role.data),
                                        organisation=org, password=form.new_password.data)
        except services.UserError as exc:
            form.email.errors.append(_messages().get(exc.code, exc.code))
        else:
            db.session.commit()
            flash(_("Account created for %(name)s.", name=user.full_name), "success")
            return redirect(url_for("users.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("users/new.html", form=form), status


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int) -> ResponseReturnValue:
    user = get_user_or_404(user_id)
    form = _with_choices(UserForm(obj=user, role=user.role.value))
    if form.validate_on_submit():
        org = db.get_or_404(Organisation, form.organisation_id.data)
        try:
            services.update_user(current_user, user, full_name=form.full_name.data,
                                 role=Role(form.role.data), organisation=org)
        except services.UserError as exc:
            form.role.errors.append(_messages()[exc.code])
        else:
            db.session.commit()
            flash(_("Account updated."), "success")
            return redirect(url_for("users.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("users/edit.html", form=form, user=user,
                           mfa=auth_services.mfa_authenticator(user)), status


@bp.post("/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(user_id: int) -> ResponseReturnValue:
    return _set_enabled(get_user_or_404(user_id), False)


@bp.post("/<int:user_id>/activate")
@role_required(Role.ADMIN)
def activate(user_id: int) -> ResponseReturnValue:
    return _set_enabled(get_user_or_404(user_id), True)


def _set_enabled(user: User, enabled: bool) -> ResponseReturnValue:
    try:
        services.set_enabled(current_user, user, enabled)
    except services.UserError as exc:
        flash(_messages()[exc.code], "danger")
    else:
        db.session.commit()
        flash(_("Account activated.") if enabled else _("Account deactivated; its sessions are closed."),
              "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/mfa/reset")
@role_required(Role.ADMIN)
def reset_mfa(user_id: int) -> ResponseReturnValue:
    user = get_user_or_404(user_id)
    try:
        auth_services.reset_mfa(current_user, user)
    except auth_services.MfaError as exc:
        flash(_("Manage your own two-step verification from your account page.")
              if exc.code == "own_account"
              else _("This account has no two-step verification to reset."), "warning")
    else:
        db.session.commit()
        flash(_("Two-step verification reset for %(name)s: they will set it up again at their next "
                "sign-in; their sessions are closed.", name=user.full_name), "success")
    return redirect(url_for("users.edit", user_id=user.id))
