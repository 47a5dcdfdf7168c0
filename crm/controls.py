"""Form controls drawn straight from a field's data: the HTML of WTForms' own widgets for the
common ones (text-like inputs, check boxes, text areas, single selects), without their
generic machinery (a ``dir()`` of the flags, a ``Markup.format`` per attribute), which
costs more than the rest of a form's template. Any other widget, or a subclass of one of
these, is drawn by WTForms itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.widgets import (
    CheckboxInput,
    DateInput,
    DateTimeLocalInput,
    EmailInput,
    HiddenInput,
    NumberInput,
    Select,
    TextArea,
    TextInput,
)
from wtforms.widgets.core import clean_key

_INPUTS = (TextInput, HiddenInput, DateTimeLocalInput, DateInput, EmailInput, NumberInput,
           CheckboxInput)


def _params(attrs: dict[str, Any]) -> str:
    """``html_params``: sorted, ``True`` alone, ``False`` left out, values escaped."""
    return " ".join(key if value is True else f'{key}="{escape(value)}"'
                    for key, value in sorted(attrs.items()) if value is not False)


def _attrs(field: Field, kwargs: dict[str, Any], validation: list[str]) -> dict[str, Any]:
    attrs = {clean_key(k): v for k, v in (field.render_kw or {}).items()}
    attrs.update({clean_key(k): v for k, v in kwargs.items()})
    attrs.setdefault("id", field.id)
    for flag, value in vars(field.flags).items():
        if flag in validation and flag not in attrs:
            attrs[flag] = value
    return attrs


def _input(field: Field, kwargs: dict[str, Any]) -> str:
    widget = field.widget
    attrs = _attrs(field, kwargs, widget.validation_attrs)
    if isinstance(widget, CheckboxInput) and getattr(field, "checked", field.data):
        attrs.setdefault("checked", True)
    attrs.setdefault("type", widget.input_type)
    if "value" not in attrs:
        attrs["value"] = field._value()
    attrs["name"] = field.name
    return f"<input {_params(attrs)}>"


def _textarea(field: Field, kwargs: dict[str, Any]) -> str:
    attrs = _attrs(field, kwargs, TextArea.validation_attrs)
    attrs["name"] = field.name
    return f"<textarea {_params(attrs)}>\r\n{escape(field._value())}</textarea>"


def _select(field: Field, kwargs: dict[str, Any]) -> str:
    attrs = _attrs(field, kwargs, Select.validation_attrs)
    attrs["name"] = field.name
    html = [f"<select {_params(attrs)}>"]
    for choice in field._iter_choices_normalized():
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        options = {"value": value, **(choice.render_kw or {})}
        if choice.selected:
            options["selected"] = True
        html.append(f"<option {_params(options)}>{escape(choice.label or choice.value)}</option>")
    html.append("</select>")
    return "".join(html)


def _renderer(field: Field) -> Callable[[Field, dict[str, Any]], str] | None:
    widget = type(field.widget)
    if widget in _INPUTS:
        return _input
    if widget is TextArea:
        return _textarea
    if widget is Select and not field.widget.multiple and not field.has_groups():
        return _select
    return None


def control(field: Field, **kwargs: Any) -> Markup:
    """``field(**kwargs)``: the field's control, as WTForms draws it."""
    render = _renderer(field)
    if render is None:
        return Markup(field(**kwargs))  # noqa: S704 - WTForms' own escaped HTML
    return Markup(render(field, kwargs))  # noqa: S704 - every value above is escaped


def control_label(field: Field, **kwargs: Any) -> Markup:
    """``field.label(**kwargs)``: the field's label, as WTForms draws it."""
    attrs = {clean_key(k): v for k, v in kwargs.items() if k != "for_"}
    attrs["for"] = kwargs.get("for_", attrs.get("for", field.label.field_id))
    return Markup(f"<label {_params(attrs)}>{escape(field.label.text)}</label>")  # noqa: S704


def hidden_controls(form: Any) -> Markup:
    """``form.hidden_tag()``: the form's hidden fields (its CSRF token included)."""
    return Markup("\n".join(control(f) for f in form  # noqa: S704
                            if isinstance(f.widget, HiddenInput)))
