from __future__ import annotations

from flask import (
    Blueprint,
    abort,
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
from flask_login import current_user, login_required, logout_user

from crm.auth import mfa_views, reset, services, throttle
from crm.auth.access import safe_next
from crm.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    PreferencesForm,
    ResetPasswordForm,
)
from crm.auth.passwords import verify_password
from crm.extensions import db
from crm.security import external_url
from crm.settings import settings

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data,
                                       request.remote_addr or "?", settings().login_throttle)
        if result.user is not None:
            # Signed in at once, or half signed in until a second-factor code is given.
            response = mfa_views.sign_in(result.user, safe_next(form.next.data))
            db.session.commit()
            return response
        db.session.commit()
        if result.retry_after:
            flash(_("Too many attempts. Try again in %(n)d seconds.", n=result.retry_after), "danger")
            status = 429
        elif result.busy:
            flash(_("Too many sign-ins at this moment. Try again in a few seconds."), "warning")
            status = 429
        else:
            flash(_("Wrong email address or password."), "danger")
            status = 401
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    services.close_session(current_user.session_token)
    logout_user()
    session.clear()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", password_form=ChangePasswordForm(),
                           preferences_form=PreferencesForm(obj=current_user))


@bp.post("/account/password")
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    form.personal_words = (current_user.email.split("@")[0], *current_user.full_name.split())
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            services.change_password(current_user, form.new_password.data,
                                     keep_token=current_user.session_token)
            db.session.commit()
            flash(_("Your password has been changed; your other sessions are closed."), "success")
            return redirect(url_for("auth.account"))
        form.current_password.errors.append(_("This is not your current password."))
    return render_template("auth/account.html", password_form=form,
                           preferences_form=PreferencesForm(obj=current_user)), 422


@bp.post("/account/preferences")
@login_required
def preferences() -> ResponseReturnValue:
    form = PreferencesForm()
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        current_user.notify_tasks = form.notify_tasks.data
        session["locale"] = form.locale.data
        db.session.commit()
        flash(_("Preferences saved."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/language")
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in settings().languages:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next(form.next.data))


RESET_MAX_AGE = 3600  # seconds a reset link stays valid


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account = throttle.RESET_PREFIX + services.normalise_email(form.email.data)
        rules = settings().login_throttle
        if throttle.attempt(account, request.remote_addr or "?", rules) == 0:  # counts requests
            # The link comes from BASE_URL, never from the Host header the client sent.
            reset.request_reset(form.email.data, lambda user: external_url(
                "auth.reset_password", token=reset.make_token(current_app.config["SECRET_KEY"], user)))
            db.session.commit()
        # The same answer whether or not the account exists (no account discovery).
        flash(_("If an account uses this address, a message with a link has been sent to it. "
                "The link is valid for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    user = reset.user_for_token(current_app.config["SECRET_KEY"], token, RESET_MAX_AGE)
    if user is None:
        abort(410)
    form = ResetPasswordForm()
    form.personal_words = (user.email.split("@")[0], *user.full_name.split())
    if form.validate_on_submit():
        reset.reset_password(user, form.new_password.data)
        db.session.commit()
        flash(_("Your password has been changed. You can sign in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
