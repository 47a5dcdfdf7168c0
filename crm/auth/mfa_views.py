"""Multi-factor sign-in pages: the code step after the password, enrolment and management.

After a good password, a user with an active authenticator is only "half signed in": the
signed session cookie names them and the time, nothing else. No server-side session exists
and no page but the code page answers them until a code is accepted; then the session is
cleared and a fresh server-side session opened. Users whose role requires MFA
(``MFA_REQUIRED_ROLES``) and who have none can reach nothing but enrolment.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from crm.auth import mfa_services, services
from crm.auth.core import mfa
from crm.auth.forms import MfaCodeForm
from crm.auth.mfa_services import CodeCheck, MfaError
from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db
from crm.settings import settings

bp = Blueprint("mfa", __name__)

PENDING_KEY = "mfa_pending"
PENDING_MINUTES = 5  # time allowed between the password and the code
# What a user who must enrol may still reach.
ENROLMENT_ENDPOINTS = {"static", "mfa.manage", "mfa.start", "mfa.setup", "auth.logout",
                       "auth.language"}


def _keys() -> mfa.Keys:
    return mfa.keys_from(current_app.secret_key or "")


def _ip() -> str:
    return request.remote_addr or "?"


def _open_session(user: User) -> None:
    session.clear()  # a fresh session on every sign-in
    services.open_session(user, request.remote_addr, request.user_agent.string)
    login_user(user)
    session["locale"] = user.locale


def sign_in(user: User, next_url: str) -> Response:
    """After a good password: signed in at once, or on to the code page if ``user`` has MFA.

    The caller commits."""
    if not mfa_services.is_enrolled(user):
        _open_session(user)
        return redirect(next_url)
    session.clear()
    session[PENDING_KEY] = {"user_id": user.id, "at": utcnow().timestamp(), "next": next_url}
    session["locale"] = user.locale
    return redirect(url_for("mfa.verify"))


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user_id"), int) or \
            mfa_services.pending_expired(float(pending.get("at", 0)), utcnow(), PENDING_MINUTES):
        return None
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.is_enabled or not mfa_services.is_enrolled(user):
        return None
    return user


def _refused(check: CodeCheck) -> int:
    if check.retry_after:
        flash(_("Too many attempts. Try again in %(n)d seconds.", n=check.retry_after), "danger")
        return 429
    flash(_("This code is not valid, or it has already been used."), "danger")
    return 401


@bp.errorhandler(MfaError)
def refused(exc: MfaError) -> Response:
    """A refused operation: say why when it is the user's business, then back to a safe page."""
    db.session.rollback()
    if exc.code == "required":
        flash(_("Your role requires two-step verification: it cannot be turned off."), "danger")
    elif exc.code == "unreadable":  # sealed under a secret key that has since changed
        flash(_("Your two-step verification can no longer be read: ask an administrator to "
                "reset it."), "danger")
    if current_user.is_authenticated:
        return redirect(url_for("mfa.manage"))
    session.pop(PENDING_KEY, None)
    return redirect(url_for("auth.login"))


@bp.before_app_request
def require_enrolment() -> Response | None:
    if request.endpoint in ENROLMENT_ENDPOINTS or not current_user.is_authenticated:
        return None
    if mfa_services.is_required(current_user, settings().mfa_required_roles) and \
            not mfa_services.is_enrolled(current_user):
        return redirect(url_for("mfa.manage"))
    return None


@bp.route("/verify", methods=["GET", "POST"])
def verify() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form, status = MfaCodeForm(), 200
    if form.validate_on_submit():
        check = mfa_services.check_code(user, form.code.data, _ip(), settings().login_throttle, _keys())
        if check.ok:
            next_url = session[PENDING_KEY]["next"]
            _open_session(user)
            if check.recovery_code_used:
                flash(_("Recovery code accepted. Recovery codes left: %(n)d.",
                        n=mfa_services.remaining_recovery_codes(user)), "warning")
            db.session.commit()
            return redirect(next_url)
        db.session.commit()
        status = _refused(check)
    return render_template("auth/mfa_verify.html", form=form), status


@bp.get("/")
@login_required
def manage() -> ResponseReturnValue:
    row = mfa_services.authenticator(current_user)
    enrolled = row is not None and row.confirmed_at is not None
    return render_template(
        "auth/mfa_manage.html", enrolled=enrolled,
        renew_form=MfaCodeForm(prefix="renew"), disable_form=MfaCodeForm(prefix="off"),
        required=mfa_services.is_required(current_user, settings().mfa_required_roles),
        remaining=mfa_services.remaining_recovery_codes(current_user) if enrolled else 0)


@bp.post("/start")
@login_required
def start() -> ResponseReturnValue:
    # The CSRF token is checked for every POST by CSRFProtect.
    mfa_services.start_enrolment(current_user, _keys())
    db.session.commit()
    return redirect(url_for("mfa.setup"))


@bp.route("/setup", methods=["GET", "POST"])
@login_required
def setup() -> ResponseReturnValue:
    secret = mfa_services.pending_secret(current_user, _keys())
    if secret is None:
        return redirect(url_for("mfa.manage"))
    form, status = MfaCodeForm(), 200
    if form.validate_on_submit():
        check, codes = mfa_services.confirm_enrolment(current_user, form.code.data, _ip(),
                                                      settings().login_throttle, _keys())
        db.session.commit()
        if check.ok:
            flash(_("Two-step verification is on."), "success")
            return render_template("auth/mfa_codes.html", codes=codes)
        status = _refused(check)
    uri = mfa.provisioning_uri(secret, current_user.email)
    return render_template("auth/mfa_setup.html", form=form, qr=mfa.qr_data_uri(uri),
                           secret=mfa.grouped(secret)), status


@bp.post("/recovery-codes")
@login_required
def regenerate() -> ResponseReturnValue:
    form = MfaCodeForm(prefix="renew")
    if form.validate_on_submit() and mfa_services.is_enrolled(current_user):
        check, codes = mfa_services.regenerate_recovery_codes(
            current_user, form.code.data, _ip(), settings().login_throttle, _keys())
        db.session.commit()
        if check.ok:
            flash(_("New recovery codes: the previous ones no longer work."), "success")
            return render_template("auth/mfa_codes.html", codes=codes)
        _refused(check)
    return redirect(url_for("mfa.manage"))


@bp.post("/disable")
@login_required
def disable() -> ResponseReturnValue:
    form = MfaCodeForm(prefix="off")
    if form.validate_on_submit() and mfa_services.is_enrolled(current_user):
        check = mfa_services.disable(current_user, form.code.data, _ip(), settings().login_throttle, _keys(),
                                     settings().mfa_required_roles)
        db.session.commit()
        if check.ok:
            flash(_("Two-step verification is off."), "success")
        else:
            _refused(check)
    return redirect(url_for("mfa.manage"))
