"""Outlet pages: list and search, show (with its contacts), create, edit, delete, trash."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from crm.contacts import services as contact_services
from crm.errors import ConflictError, conflict_page
from crm.extensions import db
from crm.interactions.services import latest, outlet_interactions
from crm.outlets import services
from crm.outlets.forms import OutletForm, describe_outlet, outlet_form_values
from crm.outlets.models import Outlet, OutletKind
from crm.security import page_arg

bp = Blueprint("outlets", __name__)


@bp.context_processor
def _labels() -> dict[str, object]:
    return contact_services.plain(contact_services.LABELS)


@bp.url_defaults
def _keep_outlet_id(endpoint: str, values: dict[str, object]) -> None:
    """Pagination links of an outlet page keep pointing at that outlet."""
    if endpoint == "outlets.show" and "outlet_id" not in values and request.view_args:
        values["outlet_id"] = request.view_args.get("outlet_id")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    query, kind = request.args.get("q", ""), request.args.get("kind", "")
    kind = kind if kind in {k.value for k in OutletKind} else ""
    page = db.paginate(services.search_outlets(query, kind or None), page=page_arg(),
                       per_page=50, error_out=False)
    return render_template("outlets/index.html", page=page, q=query, kind=kind)


@bp.get("/<int:outlet_id>")
@login_required
def show(outlet_id: int) -> ResponseReturnValue:
    outlet = services.get_outlet_or_404(outlet_id)
    contacts = contact_services.outlet_contacts(current_user, outlet.id, page=page_arg())
    interactions, total = latest(outlet_interactions(current_user, outlet.id))
    return render_template("outlets/show.html", outlet=outlet, page=contacts,
                           interactions=interactions, interactions_total=total)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = OutletForm().set_choices()
    if form.validate_on_submit():
        outlet = services.create_outlet(current_user, form.to_data())
        db.session.commit()
        flash(_("Outlet %(name)s created.", name=outlet.name), "success")
        return redirect(url_for("outlets.show", outlet_id=outlet.id))
    status = 422 if form.is_submitted() else 200
    return render_template("outlets/form.html", form=form, outlet=None), status


@bp.route("/<int:outlet_id>/edit", methods=["GET", "POST"])
@login_required
def edit(outlet_id: int) -> ResponseReturnValue:
    outlet = services.get_outlet_or_404(outlet_id)
    form = OutletForm(data=outlet_form_values(services.outlet_data(outlet), outlet.version))
    if form.set_choices().validate_on_submit():
        try:
            services.update_outlet(current_user, outlet, form.to_data(),
                                   expected_version=_version(form))
        except ConflictError:
            db.session.rollback()
            return _conflict(form, services.get_outlet_or_404(outlet_id))
        db.session.commit()
        flash(_("Outlet updated."), "success")
        return redirect(url_for("outlets.show", outlet_id=outlet.id))
    status = 422 if form.is_submitted() else 200
    return render_template("outlets/form.html", form=form, outlet=outlet), status


def _version(form: OutletForm) -> int:
    return int(form.version.data) if (form.version.data or "").isdigit() else 0


def _conflict(form: OutletForm, current: Outlet) -> tuple[str, int]:
    mine, theirs = describe_outlet(form.to_data()), describe_outlet(services.outlet_data(current))
    rows = [(label, value, theirs[name][1], value != theirs[name][1])
            for name, (label, value) in mine.items()]
    return conflict_page(current, rows, keep_url=url_for("outlets.show", outlet_id=current.id),
                         resend_url=url_for("outlets.edit", outlet_id=current.id))


@bp.post("/<int:outlet_id>/delete")
@login_required
def delete(outlet_id: int) -> ResponseReturnValue:
    outlet = services.get_outlet_or_404(outlet_id)
    services.soft_delete_outlet(current_user, outlet)
    db.session.commit()
    # the template is autoescaped: the Markup wraps safe HTML holding the undo button
    undo = Markup(render_template("outlets/_deleted_flash.html", outlet=outlet))  # noqa: S704
    flash(undo, "success")
    return redirect(url_for("outlets.index"))


@bp.post("/<int:outlet_id>/restore")
@login_required
def restore(outlet_id: int) -> ResponseReturnValue:
    outlet = services.get_outlet_or_404(outlet_id, deleted=True)
    services.restore_outlet(current_user, outlet)
    db.session.commit()
    flash(_("Outlet %(name)s restored.", name=outlet.name), "success")
    return redirect(url_for("outlets.show", outlet_id=outlet.id))


@bp.get("/trash")
@login_required
def trash() -> ResponseReturnValue:
    stmt = services.deleted_outlets()
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("outlets/trash.html", page=page)
