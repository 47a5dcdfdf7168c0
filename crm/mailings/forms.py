"""Mailing forms: the message and its senders and lists; sending is a confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from crm.mailings.compose import MergeError, check_template
from crm.security import coerce_id, parse_id


def _merge_fields(_form: object, field: StringField) -> None:
    try:
        check_template(field.data or "")
    except MergeError:
        raise ValidationError(_l("A merge field is not closed: write them like {{ prenom }}.")) \
            from None


class MailingForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=255),
                                                     _merge_fields])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=100_000),
                                                    _merge_fields],
                         description=_l("Markdown: **bold**, *italics*, lists with -, links "
                                        "[text](https://…). Merge fields: {{ salutation }}, "
                                        "{{ civilite }}, {{ prenom }}, {{ nom }}, {{ media }}."))
    sender_ids = SelectMultipleField(_l("Co-signing organisations"), coerce=coerce_id,
                                     validate_choice=False)
    list_ids = SelectMultipleField(_l("Lists and segments"), coerce=coerce_id,
                                   validate_choice=False)
    contact_ids = SelectMultipleField(_l("Contacts chosen one by one"), coerce=coerce_id,
                                      validate_choice=False)
    contact_block_id = SelectField(_l("Contact block as footer"), coerce=parse_id,
                                   validate_choice=False,
                                   description=_l("A press contacts block found in an imported "
                                                  "release, shown at the end of every message."))

    def set_choices(self, organisations: list, lists: list, blocks: list[tuple[int, str]],
                    chosen: list) -> MailingForm:
        self.sender_ids.choices = [SelectChoice(str(o.id), o.name) for o in organisations]
        self.contact_ids.choices = [SelectChoice(str(c.id), c.full_name) for c in chosen]
        self.list_ids.choices = [SelectChoice(str(x.id), x.name) for x in lists]
        self.contact_block_id.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(i), title) for i, title in blocks]
        return self


class ScheduleForm(FlaskForm):
    send_at = DateTimeLocalField(_l("Send on (Paris time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired()])


class AttachmentForm(FlaskForm):
    file = FileField(_l("File to attach"),
                     description=_l("A PDF, or a PNG or JPEG image: every recipient receives it."),
                     render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,"
                                          "image/jpeg"})
