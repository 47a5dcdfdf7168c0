"""The privacy forms: a request received (who, when), the erasure's confirmation, a body's
information notice, and the retention review's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from crm.clock import local_today
from crm.contacts.models import LegalBasis
from crm.privacy.labels import REQUEST_KIND
from crm.privacy.models import RequestKind
from crm.privacy.retention import Decision
from crm.privacy.services import Received

LEGAL_BASIS_LABELS = {
    LegalBasis.PUBLIC_TASK: _l("Mission of public interest (art. 6(1)(e))"),
    LegalBasis.LEGITIMATE_INTEREST: _l("Legitimate interest (art. 6(1)(f))"),
    LegalBasis.CONSENT: _l("Consent (art. 6(1)(a))"),
}
REQUEST_KIND_LABELS = REQUEST_KIND


def _not_in_future(_form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(_l("The date of receipt cannot be in the future."))


class ReceivedMixin:
    requester = StringField(
        _l("Received from"), validators=[Length(max=300)],
        description=_l("How the request came: by email, by letter, by phone, through whom."))
    received_on = DateField(_l("Received on"), validators=[Optional(), _not_in_future],
                            description=_l("Empty: today. The answer is due within a month."))

    def received(self) -> Received:
        return Received(self.requester.data or "", self.received_on.data)


class RequestForm(ReceivedMixin, FlaskForm):
    kind = SelectField(_l("Request"), choices=[
        SelectChoice(kind.value, REQUEST_KIND_LABELS[kind])
        for kind in (RequestKind.ACCESS, RequestKind.RECTIFY, RequestKind.OBJECT)
    ], validators=[DataRequired()])


class EraseForm(ReceivedMixin, FlaskForm):
    confirm = BooleanField(
        _l("I confirm the person asked for the erasure; it cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))])


class NoticeForm(FlaskForm):
    legal_basis = SelectField(_l("Legal basis"), choices=[
        SelectChoice(basis.value, label) for basis, label in LEGAL_BASIS_LABELS.items()])
    controller = TextAreaField(_l("Controller (identity and address)"),
                               validators=[DataRequired(), Length(max=2000)])
    dpo_contact = TextAreaField(_l("Data protection officer (how to reach them)"),
                                validators=[DataRequired(), Length(max=2000)])
    purpose = TextAreaField(_l("Purpose of the processing"),
                            validators=[DataRequired(), Length(max=4000)])
    source = TextAreaField(_l("Where the data come from"),
                           validators=[DataRequired(), Length(max=2000)])
    retention = TextAreaField(_l("How long the data are kept"),
                              validators=[DataRequired(), Length(max=2000)])
    rights = TextAreaField(_l("The person's rights and how to use them"),
                           validators=[DataRequired(), Length(max=4000)])
    complaint = TextAreaField(_l("Complaint to the CNIL"),
                              validators=[DataRequired(), Length(max=2000)])
    version = HiddenField()


class RetentionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[
        SelectChoice(Decision.KEEP.value, _l("Keep them (give the reason)")),
        SelectChoice(Decision.ANONYMISE.value, _l("Anonymise them")),
        SelectChoice(Decision.ERASE.value, _l("Erase them")),
    ])
    reason = StringField(_l("Reason for keeping"), validators=[Length(max=500)])
    confirm = BooleanField(_l("I confirm this decision for the contacts ticked"),
                           validators=[DataRequired(_l("Tick the box to confirm the decision."))])

    def validate_reason(self, field: StringField) -> None:
        if self.decision.data == Decision.KEEP.value and not (field.data or "").strip():
            raise ValidationError(_l("Say why these contacts are kept."))
