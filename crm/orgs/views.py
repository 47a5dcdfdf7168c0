from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.orgs import services
from crm.orgs.forms import OrganisationForm
from crm.orgs.models import Organisation

bp = Blueprint("orgs", __name__)


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    return render_template("orgs/index.html", rows=services.list_organisations())


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new() -> ResponseReturnValue:
    return _save(None, OrganisationForm())


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(org_id: int) -> ResponseReturnValue:
    org = db.get_or_404(Organisation, org_id)
    return _save(org, OrganisationForm(name=org.name, short_name=org.short_name,
                                       aliases="\n".join(org.aliases or []),
                                       article=org.article))


def _save(org: Organisation | None, form: OrganisationForm) -> ResponseReturnValue:
    """Create (``org`` is None) or rename, then back to the list; the form again on errors."""
    if form.validate_on_submit():
        names = {"name": form.name.data, "short_name": form.short_name.data,
                 "aliases": form.alias_list(), "article": form.article.data or ""}
        try:
            if org is None:
                services.create_organisation(current_user, **names)
            else:
                services.rename_organisation(current_user, org, **names)
        except services.OrganisationError:
            form.name.errors.append(_("An organisation already has this name or short name."))
        else:
            db.session.commit()
            flash(_("Organisation created.") if org is None else _("Organisation renamed."), "success")
            return redirect(url_for("orgs.index"))
    return render_template("orgs/form.html", form=form, org=org), 422 if form.errors else 200
