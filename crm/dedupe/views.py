"""Review pages: the queue of proposed pairs, the side-by-side merge, the merges and their undo."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.contacts.services import contact_data
from crm.dedupe import jobs, merging, services, verdicts
from crm.dedupe.forms import LABELS, merge_form
from crm.dedupe.jobs import scan_job
from crm.dedupe.models import ContactMerge, DuplicatePair, ScanRun, ScanState, Verdict
from crm.errors import ConflictError
from crm.extensions import db
from crm.forms import ConfirmForm

bp = Blueprint("dedupe", __name__)


def get_pair_or_404(pair_id: int) -> DuplicatePair:
    return db.first_or_404(services.review_queue(current_user).where(DuplicatePair.id == pair_id))


def get_merge_or_404(merge_id: int) -> ContactMerge:
    """A merge whose two contacts the user can see (another body's private one: 404)."""
    return db.first_or_404(services.visible_merges(current_user).where(
        ContactMerge.id == merge_id))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    page = services.review_page(current_user)
    run = db.session.scalar(select(ScanRun).where(
        ScanRun.organisation_id == current_user.organisation_id).order_by(ScanRun.id.desc()))
    return render_template("dedupe/index.html", page=page, run=run, form=ConfirmForm(),
                           done=run and jobs.progress(run.id), labels=SCAN_STEP_LABELS)


@bp.post("/scan")
@login_required
def start_scan() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        if services.scan_under_way(current_user.organisation_id):
            flash(_("A search for duplicates is already under way; this page shows its "
                    "progress."), "info")
            return redirect(url_for("dedupe.index"))
        run = ScanRun(organisation_id=current_user.organisation_id)
        db.session.add(run)
        db.session.commit()
        scan_job(run.id, current_user.id)
        flash(_("The search for duplicates has started; this page shows its progress."), "info")
    return redirect(url_for("dedupe.index"))


SCAN_STEP_LABELS = {
    "read": _l("reading the contacts"), "prepare": _l("normalising names, emails and phones"),
    "block": _l("finding the pairs worth comparing"), "compare": _l("comparing the pairs"),
    "weigh": _l("estimating the weight of each field"), "score": _l("scoring the pairs"),
    "store": _l("saving the proposed pairs"),
}


@bp.get("/scan/<int:run_id>/progress")
@login_required
def scan_progress(run_id: int) -> ResponseReturnValue:
    """The progress of a scan alone, polled by the page while the worker searches."""
    run = db.first_or_404(select(ScanRun).where(
        ScanRun.id == run_id, ScanRun.organisation_id == current_user.organisation_id))
    if run.state not in (ScanState.QUEUED, ScanState.RUNNING):
        return "", 200, {"HX-Refresh": "true"}
    return render_template("dedupe/_progress.html", run=run, done=jobs.progress(run.id),
                           labels=SCAN_STEP_LABELS)


@bp.get("/<int:pair_id>")
@login_required
def show(pair_id: int) -> ResponseReturnValue:
    pair = get_pair_or_404(pair_id)
    form, keep = merge_form(), merging.must_keep(pair.low, pair.high)
    if keep is not None:  # a shared contact is never merged into a private one
        form.keep.data = keep
    fields, rest = verdicts.contributions(pair)
    return render_template("dedupe/show.html", pair=pair, form=form, labels=LABELS,
                           left=contact_data(pair.low), right=contact_data(pair.high),
                           confirm=ConfirmForm(), must_keep=keep, fields=fields, rest=rest,
                           field_names=EVIDENCE_FIELDS, bits=_bits)


EVIDENCE_FIELDS = {"name": _l("Name"), "email": _l("Email"),
                   "email_user": _l("Email user name"), "surname": _l("Surname alone"),
                   "phone": _l("Phone"),
                   "outlet": _l("Outlet")}


def _bits(value: float) -> str:
    """A contribution in bits with its sign, in the page's locale: "+8,2", "−3,1"."""
    return format_decimal(value, format="+#,##0.0;\u2212#,##0.0")


@bp.post("/<int:pair_id>/merge")
@login_required
def merge(pair_id: int) -> ResponseReturnValue:
    pair = get_pair_or_404(pair_id)
    form = merge_form()
    if form.validate_on_submit():
        kept, other = (pair.low, pair.high) if form.keep.data == "low" else (pair.high, pair.low)
        chosen = {name: ("kept" if getattr(form, f"f_{name}").data == form.keep.data else "merged")
                  for name in LABELS}
        try:
            done = merging.merge_contacts(current_user, kept, other, chosen)
        except merging.MergeRefused:
            abort(403)
        except ConflictError:
            db.session.rollback()
            flash(_("One of the contacts changed meanwhile: check again before merging."), "danger")
            return redirect(url_for("dedupe.show", pair_id=pair.id))
        verdicts.label_pair(current_user, pair, Verdict.SAME, merge=done)
        db.session.commit()
        flash(_("Contacts merged. You can undo the merge from the list of merges."), "success")
        return redirect(url_for("contacts.show", contact_id=done.kept_id))
    return redirect(url_for("dedupe.show", pair_id=pair.id))


@bp.post("/<int:pair_id>/not-same")
@login_required
def not_same(pair_id: int) -> ResponseReturnValue:
    pair = get_pair_or_404(pair_id)
    if ConfirmForm().validate_on_submit():
        services.mark_not_same(current_user, pair)
        db.session.commit()
        flash(_("Noted: these two contacts will not be proposed again."), "success")
    return redirect(url_for("dedupe.index"))


@bp.get("/merges")
@login_required
def merges() -> ResponseReturnValue:
    found = db.session.scalars(services.visible_merges(current_user).limit(200)).all()
    undoable = set(db.session.scalars(services.undoable_merges(current_user).where(
        ContactMerge.id.in_([m.id for m in found]))))
    return render_template("dedupe/merges.html", merges=found, undoable=undoable,
                           form=ConfirmForm())


@bp.post("/merges/<int:merge_id>/undo")
@login_required
def undo(merge_id: int) -> ResponseReturnValue:
    merge = get_merge_or_404(merge_id)
    if not services.may_undo(current_user, merge):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            merging.undo_merge(current_user, merge)
            verdicts.forget_merge_label(merge)
        except merging.MergeBlocked:
            db.session.rollback()
            flash(_("This merge cannot be undone: the kept contact changed since, or it was "
                    "already undone."), "danger")
        else:
            db.session.commit()
            flash(_("Merge undone: both contacts are back as they were."), "success")
    return redirect(url_for("dedupe.merges"))
