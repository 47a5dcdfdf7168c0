"""List pages: lists and segments with their member counts, a list's members, create, rename,
delete, and adding contacts (ticked on the contact list, from a contact page or an import)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.exports.services import may_export_list
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.lists import services
from crm.lists.forms import VISIBILITY, AddImportForm, AddMembersForm, ListForm, SegmentForm
from crm.lists.models import ContactList, ListVisibility
from crm.security import page_arg

bp = Blueprint("lists", __name__)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"list_visibility_labels": VISIBILITY}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    lists = list(db.session.scalars(services.visible_lists(current_user)))
    counts = services.member_counts(current_user, lists)
    return render_template("lists/index.html", lists=lists, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = ListForm()
    if form.validate_on_submit():
        created = services.create_list(current_user, form.name.data,
                                       visibility=ListVisibility(form.visibility.data))
        db.session.commit()
        flash(_("List “%(name)s” created.", name=created.name), "success")
        return redirect(url_for("lists.show", list_id=created.id))
    return render_template("lists/form.html", form=form, contact_list=None), \
        422 if form.is_submitted() else 200


@bp.post("/segments")
@login_required
def save_segment() -> ResponseReturnValue:
    form = SegmentForm()
    if not form.validate_on_submit():
        flash(_("Give the segment a name."), "danger")
        return redirect(url_for("contacts.index"))
    try:
        created = services.create_list(current_user, form.name.data, criteria=form.criteria_value(),
                                       visibility=ListVisibility(form.visibility.data))
    except ValueError:
        abort(400)
    db.session.commit()
    flash(_("Segment “%(name)s” saved.", name=created.name), "success")
    return redirect(url_for("lists.show", list_id=created.id))


@bp.get("/<int:list_id>")
@login_required
def show(list_id: int) -> ResponseReturnValue:
    contact_list = services.get_list_or_404(current_user, list_id)
    page = db.paginate(services.members_query(current_user, contact_list), page=page_arg(),
                       per_page=50, error_out=False)
    return render_template(
        "lists/show.html", contact_list=contact_list, page=page, confirm=ConfirmForm(),
        may_change=services.may_change(current_user, contact_list),
        may_export=may_export_list(current_user, contact_list),
        search_args=services.search_args(contact_list) if contact_list.is_segment else {},
        import_form=AddImportForm().set_choices(services.importable_batches(current_user)))


@bp.route("/<int:list_id>/edit", methods=["GET", "POST"])
@login_required
def edit(list_id: int) -> ResponseReturnValue:
    contact_list = _changeable(list_id)
    form = ListForm(obj=contact_list)
    if form.validate_on_submit():
        services.update_list(current_user, contact_list, form.name.data,
                             ListVisibility(form.visibility.data))
        db.session.commit()
        flash(_("List updated."), "success")
        return redirect(url_for("lists.show", list_id=contact_list.id))
    return render_template("lists/form.html", form=form, contact_list=contact_list), \
        422 if form.is_submitted() else 200


@bp.post("/<int:list_id>/delete")
@login_required
def delete(list_id: int) -> ResponseReturnValue:
    contact_list = _changeable(list_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_list(current_user, contact_list)
    db.session.commit()
    flash(_("List “%(name)s” deleted.", name=contact_list.name), "success")
    return redirect(url_for("lists.index"))


@bp.post("/add")
@login_required
def add() -> ResponseReturnValue:
    form = AddMembersForm()
    if not form.validate_on_submit():
        flash(_("Select at least one contact and a list."), "danger")
        return redirect(url_for("contacts.index"))
    try:
        contact_list = services.get_visible_list(current_user, form.list_id.data)
        added = services.add_members(current_user, contact_list, form.contact_ids.data)
    except services.NotOwner:
        abort(403)
    except ValueError:
        abort(404)
    db.session.commit()
    flash(_("%(num)d contact(s) added to “%(name)s”.", num=added, name=contact_list.name),
          "success")
    return redirect(url_for("lists.show", list_id=contact_list.id))


@bp.post("/<int:list_id>/import")
@login_required
def add_import(list_id: int) -> ResponseReturnValue:
    contact_list = _changeable(list_id)
    form = AddImportForm()
    if form.validate_on_submit():
        try:
            added = services.add_import(current_user, contact_list, form.batch_id.data)
        except ValueError:
            abort(404)
        db.session.commit()
        flash(_("%(num)d contact(s) added to “%(name)s”.", num=added, name=contact_list.name),
              "success")
    else:
        flash(_("Choose an import."), "danger")
    return redirect(url_for("lists.show", list_id=contact_list.id))


@bp.post("/<int:list_id>/members/<int:contact_id>/remove")
@login_required
def remove(list_id: int, contact_id: int) -> ResponseReturnValue:
    contact_list = _changeable(list_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_member(current_user, contact_list, contact_id)
    db.session.commit()
    flash(_("Contact removed from the list."), "success")
    return redirect(url_for("lists.show", list_id=contact_list.id))


def _changeable(list_id: int) -> ContactList:
    contact_list = services.get_list_or_404(current_user, list_id)
    if not services.may_change(current_user, contact_list):
        abort(403)
    return contact_list

