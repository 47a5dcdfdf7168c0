"""Task pages: "Mes tâches", "Équipe", create (also as a follow-up of an interaction),
show with comments, edit and reassign, complete / cancel / reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.clock import local_today
from crm.contacts.services import get_contact_or_404
from crm.extensions import db
from crm.interactions.services import get_interaction_or_404, visible_of
from crm.orgs.models import Organisation
from crm.outlets.services import get_outlet_or_404
from crm.security import id_arg, page_arg
from crm.tasks import labels, services
from crm.tasks.forms import CommentForm, StatusForm, TaskFilterForm, TaskForm
from crm.tasks.models import Task, TaskStatus

P = ParamSpec("P")
T = TypeVar("T")

bp = Blueprint("tasks", __name__)
PER_PAGE = 50


def template_context() -> dict[str, object]:
    """What every page may use about tasks (registered app-wide by ``crm.app``)."""
    return {**labels.LABELS, "can_change_task": services.can_change}


def _filters() -> TaskFilterForm:
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return TaskFilterForm(request.args).set_choices(services.assignable_users(), organisations)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    form, today = _filters(), local_today()
    stmt = services.my_tasks(current_user, form.status_value(), today)
    page = services.task_page(current_user, stmt, page_arg(), PER_PAGE)
    return render_template("tasks/index.html", page=page, form=form, today=today)


@bp.get("/team")
@login_required
def team() -> ResponseReturnValue:
    form, today = _filters(), local_today()
    stmt = services.team_tasks(current_user, today, status=form.status_value(),
                               organisation_id=form.organisation_value(),
                               assignee_id=form.assignee_value())
    page = services.task_page(current_user, stmt, page_arg(), PER_PAGE)
    return render_template("tasks/team.html", page=page, form=form, today=today)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = TaskForm(data=_prefill()).set_choices(services.assignable_users())
    if form.validate_on_submit():
        task = _or_404(services.create_task, current_user, form.to_data())
        db.session.commit()
        flash(_("Task created and assigned to %(name)s.", name=task.assignee.full_name),
              "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    status = 422 if form.is_submitted() else 200
    return render_template("tasks/form.html", form=form, task=None), status


def _prefill() -> dict[str, object]:
    """A new task's values, from the contact, outlet or interaction it follows up."""
    values: dict[str, object] = {"assignee_id": str(current_user.id)}
    if interaction_id := id_arg("interaction_id"):
        interaction = get_interaction_or_404(current_user, interaction_id)
        contacts = visible_of(current_user, interaction.contacts)
        values.update(title=_("Follow up: %(subject)s", subject=interaction.subject),
                      due_on=local_today() + dt.timedelta(days=3),
                      interaction_id=str(interaction.id), outlet_id=interaction.outlet_id or "",
                      contact_id=str(contacts[0].id) if contacts else "")
    elif contact_id := id_arg("contact_id"):
        contact = get_contact_or_404(current_user, contact_id)
        values["contact_id"] = str(contact.id)
        values["outlet_id"] = str(contact.outlets[0].id) if contact.outlets else ""
    elif outlet_id := id_arg("outlet_id"):
        values["outlet_id"] = str(get_outlet_or_404(outlet_id).id)
    return values


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    task = services.get_task_or_404(current_user, task_id)
    return render_template("tasks/show.html", task=task, comment_form=CommentForm(),
                           status_form=StatusForm(), today=local_today())


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id: int) -> ResponseReturnValue:
    task = _changeable(services.get_task_or_404(current_user, task_id))
    form = TaskForm(obj=task).set_choices(services.assignable_users())
    if request.method == "GET":
        form.assignee_id.data, form.priority.data = str(task.assignee_id), task.priority.value
    if form.validate_on_submit():
        _or_404(services.update_task, current_user, task, form.to_data())
        db.session.commit()
        flash(_("Task updated."), "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    status = 422 if form.is_submitted() else 200
    return render_template("tasks/form.html", form=form, task=task), status


@bp.post("/<int:task_id>/comments")
@login_required
def comment(task_id: int) -> ResponseReturnValue:
    task = services.get_task_or_404(current_user, task_id)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(current_user, task, form.body.data)
        db.session.commit()
        flash(_("Comment added."), "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    return render_template("tasks/show.html", task=task, comment_form=form,
                           status_form=StatusForm(), today=local_today()), 422


@bp.post("/<int:task_id>/status")
@login_required
def status(task_id: int) -> ResponseReturnValue:
    task = _changeable(services.get_task_or_404(current_user, task_id))
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_status(current_user, task, TaskStatus(form.status.data))
    db.session.commit()
    flash(_("Task status: %(status)s.", status=labels.STATUS[task.status]), "success")
    return redirect(url_for("tasks.show", task_id=task.id))


def _or_404(verb: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``verb``; a link to a record out of scope (a forged hidden field) answers 404."""
    try:
        return verb(*args, **kwargs)
    except ValueError:
        db.session.rollback()
        abort(404)


def _changeable(task: Task) -> Task:
    if not services.can_change(current_user, task):
        abort(403)
    return task
