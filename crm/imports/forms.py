"""Forms of the import pages: the upload, the column mapping and the confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.contacts.services import FIELD_LABELS as CONTACT_FIELDS
from crm.imports.labels import ENCODINGS
from crm.imports.parsing.columns import FIELDS
from crm.imports.uploads import ACCEPTED

# Columns that are contact fields take the contact field's label.
FIELD_LABELS = {
    **{name: CONTACT_FIELDS[name] for name in ("civility", "first_name", "last_name")},
    "full_name": _l("Full name (first and last)"), "email": _l("Email"), "phone": _l("Phone"),
    "mobile": _l("Mobile phone"), "outlet": _l("Outlet"), "role": CONTACT_FIELDS["job_title"],
    "beat": _l("Beats"), "area": _l("Area (département)"), "city": _l("City (not kept)"),
    "postcode": _l("Postcode (not kept)"), "address": _l("Postal address (not kept)"),
    "website": _l("Website or social profile"), "note": CONTACT_FIELDS["notes"],
}


class UploadForm(FlaskForm):
    file = FileField(_l("File"), description=_l("CSV, Excel (.xlsx), vCard (.vcf), or a press "
                                                "release (.txt, .docx, .pdf)."),
                     render_kw={"accept": ",".join(ACCEPTED)})
    text = TextAreaField(_l("…or paste a press release"), validators=[Optional(),
                         Length(max=500_000)], render_kw={"rows": 8})
    source = StringField(_l("Where the data comes from"), validators=[DataRequired(),
                         Length(max=300)],
                         description=_l("Mandatory (RGPD): e.g. “Fichier presse de l'AER, 2026”."))
    visibility = SelectField(_l("Visibility of new contacts"), default="shared", choices=[
        SelectChoice("shared", _l("Shared with every body")),
        SelectChoice("private", _l("Private to my organisation"))])
    encoding = SelectField(_l("Text encoding"), default="", choices=[
        SelectChoice("", _l("Automatic")), SelectChoice("utf-8", ENCODINGS["utf-8"]),
        SelectChoice("cp1252", ENCODINGS["cp1252"]),
        SelectChoice("latin-1", ENCODINGS["iso8859-1"]),
        SelectChoice("mac_roman", ENCODINGS["mac-roman"])])
    delimiter = SelectField(_l("Column separator"), default="", choices=[
        SelectChoice("", _l("Automatic")), SelectChoice(";", _l("Semicolon ;")),
        SelectChoice(",", _l("Comma ,")), SelectChoice("tab", _l("Tab"))])


class CommitForm(FlaskForm):
    mode = RadioField(_l("When a row is a contact that already exists"), default="skip", choices=[
        SelectChoice("skip", _l("Skip it (change nothing)")),
        SelectChoice("fill", _l("Fill only its empty fields")),
        SelectChoice("update", _l("Update it with the file's values"))])


def mapping_form(headers: list[str], mapping: dict[str, str | None]) -> type[FlaskForm]:
    """A form class with one select per column of the file."""

    class MappingForm(FlaskForm):
        pass

    for index, header in enumerate(headers):
        choices = [SelectChoice("", _l("— ignore this column —"))] + [
            SelectChoice(name, FIELD_LABELS.get(name, name)) for name in FIELDS]
        setattr(MappingForm, f"col_{index}", SelectField(
            header, choices=choices, default=mapping.get(header) or ""))
    return MappingForm
