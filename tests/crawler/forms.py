"""Forms found on a page, and what a browser sends for them: once empty, once filled in
with the values a person would type (the form's defaults, then plausible values by type)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from crm.demo.press import DATA, DEMO_FILES

NOT_SENT = {"submit", "button", "reset", "image", "file"}
TODAY = dt.date(2026, 11, 24)


@dataclass
class Field:
    tag: str
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    page: str
    method: str
    action: str
    multipart: bool
    fields: list[Field]
    button: tuple[str, str] | None  # the first named submit button
    htmx: str | None = None  # where htmx sends it instead (hx-post), if anywhere

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields}))

    def has_csrf(self) -> bool:
        return any(f.name == "csrf_token" and f.value for f in self.fields)

    @property
    def is_button(self) -> bool:
        """Nothing to type or choose: an action (delete, restore, merge, status...)."""
        return all(f.kind == "hidden" for f in self.fields)


def _option_value(option: Element) -> str:
    value = option.get("value")
    return value if value is not None else " ".join((option.text or "").split())


def _field(element: Element) -> Field | None:
    name = element.get("name")
    if not name or element.get("disabled") is not None:
        return None
    if element.tag == "select":
        kind = "select-multiple" if element.get("multiple") is not None else "select"
        options = [(_option_value(o), o.get("selected") is not None) for o in element.iter("option")
                   if o.get("disabled") is None]
        return Field("select", name, kind, options=options)
    if element.tag == "textarea":
        return Field("textarea", name, "textarea", value=element.text or "")
    kind = (element.get("type") or "text").lower()
    return Field("input", name, kind, value=element.get("value") or "",
                 checked=element.get("checked") is not None)


def forms_of(root: Element, page: str) -> list[Form]:
    """The forms of a page parsed by html5lib or lxml (both give the ElementTree interface)."""
    found = []
    for form in root.iter("form"):
        fields, button, other_actions = [], None, []
        for element in form.iter():
            if element.tag in ("input", "select", "textarea") and (item := _field(element)):
                fields.append(item)
            is_submit = element.tag == "button" and (element.get("type") or "submit") == "submit"
            is_submit = is_submit or (element.tag == "input" and element.get("type") == "submit")
            if is_submit and element.get("name") and button is None:
                button = (element.get("name") or "", element.get("value") or "")
            if is_submit and element.get("formaction"):  # a button sending the form elsewhere
                other_actions.append(urljoin(page, element.get("formaction")))
        multipart = form.get("enctype") == "multipart/form-data"
        found.append(Form(page=page, method=(form.get("method") or "get").upper(),
                          action=urljoin(page, form.get("action") or page),
                          multipart=multipart, fields=fields, button=button,
                          htmx=urljoin(page, form.get("hx-post")) if form.get("hx-post") else None))
        found.extend(Form(page=page, method=(form.get("method") or "get").upper(), action=action,
                          multipart=multipart, fields=list(fields), button=None)
                     for action in other_actions)
    return found


def typed(item: Field, password: str) -> str:
    """A plausible value for an empty field, from its type, then its name."""
    name = item.name.lower()
    by_type = {"email": "claire.martin@example.org", "date": TODAY.isoformat(),
               "datetime-local": f"{TODAY.isoformat()}T10:30", "time": "10:30",
               "tel": "03 80 12 34 56", "url": "https://www.example.org/article",
               "number": "3", "search": "martin", "month": "2026-11", "color": "#336699"}
    if item.kind == "password":
        return password if "current" in name else "une phrase de passe toute neuve 2026"
    if item.kind in by_type:
        return by_type[item.kind]
    for part, value in (("email", "claire.martin@example.org"), ("phone", "03 80 12 34 56"),
                        ("url", "https://www.example.org/article"),
                        ("website", "https://www.example.org/"),
                        ("link", "https://www.example.org/profil"), ("date", TODAY.isoformat()),
                        ("code", "123456"), ("q", "martin")):
        if part == name or (len(part) > 1 and part in name):
            return value
    if item.kind == "textarea":
        return "Échange avec la rédaction ; rappeler la semaine prochaine."
    return "Martin" if "name" in name else "Point presse à Dijon"


def empty_data(form: Form) -> dict[str, object]:
    """What a browser sends when nothing is typed, chosen or ticked (hidden values stay)."""
    data: dict[str, list[object]] = {}
    for item in form.fields:
        if item.kind == "hidden":
            data.setdefault(item.name, []).append(item.value)
        elif item.kind not in NOT_SENT | {"checkbox", "radio", "select-multiple"}:
            data.setdefault(item.name, []).append("")  # text fields, selects, text areas
    if form.button:
        data.setdefault(form.button[0], []).append(form.button[1])
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def filled_data(form: Form, password: str) -> dict[str, object]:
    """The defaults, every empty field filled in, boxes ticked, first real option chosen."""
    data: dict[str, list[object]] = {}
    radios: set[str] = set()
    uploads = any(item.kind == "file" for item in form.fields)  # a file, not a pasted text too
    for item in form.fields:
        values = data.setdefault(item.name, [])
        if item.kind == "hidden":
            values.append(item.value)
        elif item.kind == "checkbox":
            values.append(item.value or "y")
        elif item.kind == "radio":
            if item.checked or item.name not in radios:
                values[:] = [item.value or "on"]
                radios.add(item.name)
        elif item.kind in ("select", "select-multiple"):
            chosen = [v for v, selected in item.options if selected] or \
                [v for v, _ in item.options if v][:1]
            if not chosen and item.kind == "select" and item.options:
                chosen = [item.options[0][0]]  # what a browser sends: the first option
            values.extend(chosen)
        elif item.kind == "file":
            name = DEMO_FILES[0]
            values.append((io.BytesIO((DATA / name).read_bytes()), name))
        elif item.kind == "textarea" and uploads:
            values.append(item.value)
        elif item.kind not in NOT_SENT:
            values.append(item.value if item.value.strip() else typed(item, password))
    if form.button:
        data.setdefault(form.button[0], []).append(form.button[1])
    return {name: values if len(values) > 1 else values[0]
            for name, values in data.items() if values}
