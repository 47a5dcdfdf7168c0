"""Translated labels of the interaction enums and audit actions."""

from flask_babel import lazy_gettext as _l

from crm.interactions.models import InteractionKind, InteractionVisibility, Medium

KIND = {
    InteractionKind.CALL: _l("Phone call"),
    InteractionKind.EMAIL: _l("Email"),
    InteractionKind.MEETING: _l("Meeting"),
    InteractionKind.INTERVIEW: _l("Interview"),
    InteractionKind.PRESS_POINT: _l("Press point or event attendance"),
    InteractionKind.COVERAGE: _l("Published coverage"),
    InteractionKind.OTHER: _l("Other"),
}
VISIBILITY = {InteractionVisibility.ORG: _l("My organisation only"),
              InteractionVisibility.SHARED: _l("Visible to all bodies")}
MEDIUM = {Medium.PRINT: _l("Print"), Medium.WEB: _l("Web"), Medium.RADIO: _l("Radio"),
          Medium.TV: _l("Television")}
LABELS = {"interaction_kind_labels": KIND, "interaction_visibility_labels": VISIBILITY,
          "medium_labels": MEDIUM}
