"""Forms of the review pages: which contact to keep, and which side each field comes from."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from crm.contacts.services import FIELD_LABELS
from crm.dedupe.merging import CHOOSABLE

LABELS = {name: FIELD_LABELS[name] for name in CHOOSABLE}


class MergeForm(FlaskForm):
    keep = RadioField(_l("Contact to keep"), default="low",
                      choices=[SelectChoice("low", _l("Left")), SelectChoice("high", _l("Right"))])


def merge_form() -> MergeForm:
    """The merge form with one left/right choice per field that holds a single value."""

    class Form(MergeForm):
        pass

    for name in CHOOSABLE:
        setattr(Form, f"f_{name}", RadioField(LABELS[name], default="low", choices=[
            SelectChoice("low", _l("Left")), SelectChoice("high", _l("Right"))]))
    return Form()
