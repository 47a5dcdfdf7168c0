"""The export form (format, columns, mailing-list mode, and the source it carries) and the
filters of the export log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    widgets,
)
from wtforms.validators import DataRequired

from crm.exports.columns import COLUMNS, DEFAULT_COLUMNS
from crm.exports.models import ExportFormat, ExportSource
from crm.security import coerce_id

FORMAT_LABELS = {
    ExportFormat.XLSX: _l("Excel workbook (XLSX)"),
    ExportFormat.CSV: _l("CSV for Excel (semicolons, UTF-8)"),
    ExportFormat.VCARD: _l("Address book (vCard) for Outlook, Google or a phone"),
}
SOURCE_LABELS = {
    ExportSource.LIST: _l("List"), ExportSource.SEGMENT: _l("Segment"),
    ExportSource.SEARCH: _l("Contact search"), ExportSource.SELECTION: _l("Selection"),
}

LEFT_OUT_LABELS = {
    "opted_out": _l("opted out of every mailing"),
    "sender_opt_out": _l("opted out of your organisation's mailings"),
    "bounced": _l("address bounced"),
    "suppressed": _l("erased on request"),
}


class ExportForm(FlaskForm):
    source = HiddenField(validators=[DataRequired()])
    list_id = HiddenField()
    criteria = HiddenField()
    contact_ids = SelectMultipleField(coerce=coerce_id, validate_choice=False)
    format = SelectField(_l("Format"), default=ExportFormat.XLSX.value, choices=[
        SelectChoice(f.value, label) for f, label in FORMAT_LABELS.items()])
    columns = SelectMultipleField(
        _l("Columns"), default=list(DEFAULT_COLUMNS),
        choices=[SelectChoice(key, label) for key, (label, _get) in COLUMNS.items()],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one column."))],
        description=_l("A vCard holds the names, outlet, job title, emails and phones (and the "
                       "notes when ticked), whatever the columns."))
    mailing_list = BooleanField(
        _l("Mailing list"),
        description=_l("Leave out the contacts who opted out (of every body or of yours), "
                       "whose address bounced, or who were erased."))


class ExportLogForm(FlaskForm):
    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), default="")
    format = SelectField(_l("Format"), default="", choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(f.value, label) for f, label in FORMAT_LABELS.items()])
