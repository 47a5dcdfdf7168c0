"""Out-of-range and malformed ids and filters answer 404 or a form error, never a 500.

Every id column is a signed 64-bit integer: a larger number used to reach the database
driver and fail there (OverflowError on SQLite, "out of range" on PostgreSQL).
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from crm.security import MAX_ID, parse_id
from tests.conftest import org_id

BIG = [2**63, 10**20]


def int_rules(app):  # type: ignore[no-untyped-def]
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]


def test_every_int_route_uses_the_bounded_converter(app):
    rules = int_rules(app)
    assert len(rules) > 20  # contacts, outlets, tasks, interactions, imports, users...
    for rule in rules:
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                assert converter.max == MAX_ID, (rule.rule, name)


@pytest.mark.parametrize("number", BIG)
def test_every_int_route_answers_404_beyond_64_bits(app, client, login_as, number):
    login_as("admin")
    checked = 0
    for rule in int_rules(app):
        values = {name: number if isinstance(conv, IntegerConverter)
                  else sorted(conv.items)[0] if isinstance(conv, AnyConverter) else "x"
                  for name, conv in rule._converters.items()}
        path = rule.build(values)[1].split("|", 1)[-1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("query", [
    "/contacts/?organisation=99999999999999999999",
    "/contacts/?organisation=9223372036854775808",
    "/contacts/?page=99999999999999999999",
    "/contacts/?page=9223372036854775807",
    "/contacts/trash?page=99999999999999999999",
    "/outlets/?page=99999999999999999999",
    "/tasks/?page=99999999999999999999",
    "/tasks/?organisation=99999999999999999999&assignee=99999999999999999999",
    "/tasks/new?outlet_id=99999999999999999999",
    "/tasks/new?contact_id=99999999999999999999",
    "/tasks/new?interaction_id=99999999999999999999",
    "/admin/users/?organisation=99999999999999999999",
    "/admin/users/?page=99999999999999999999",
    "/admin/audit/?organisation=abc",
    "/admin/audit/?organisation=99999999999999999999",
    "/admin/audit/?target_id=99999999999999999999",
    "/admin/audit/?page=99999999999999999999",
    "/admin/audit/?since=0001-01-01",
    "/admin/audit/?until=9999-12-31",
    "/admin/audit/?since=0001-01-01&until=0001-01-01",
])
def test_bad_query_parameters_never_cause_a_500(client, login_as, query):
    login_as("admin")
    response = client.get(query)
    assert response.status_code in (200, 404), (query, response.status_code)


def test_bulk_tag_with_ids_beyond_64_bits_is_a_form_error(client, login_as):
    login_as("officer")
    for number in BIG:
        response = client.post_form("/contacts/bulk-tag", {
            "contact_ids": [str(number), "1"], "beat": "Économie"})
        assert response.status_code == 302, response.status_code
        page = client.get(response.headers["Location"])
        assert page.status_code == 200


def test_task_form_with_an_unknown_hidden_outlet_is_a_form_error(app, client, login_as):
    user = login_as("officer")
    for outlet in ("987654321", str(2**63), "abc"):
        response = client.post_form("/tasks/new", {
            "title": "Relancer la rédaction", "assignee_id": str(user.id),
            "priority": "normal", "outlet_id": outlet})
        assert response.status_code in (404, 422), (outlet, response.status_code)
    assert org_id(app, "AER BFC") == user.organisation_id


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (str(10**20), None),
    ("0", None), ("-3", None), ("abc", None), ("", None), (None, None), ("١٢", None),
    (" 7 ", 7), ("1e3", None),
])
def test_parse_id(text, expected):
    assert parse_id(text) == expected


def test_error_page_for_a_big_id_is_the_plain_404(client, login_as):
    login_as("officer")
    response = client.get("/contacts/99999999999999999999")
    assert response.status_code == 404
    assert re.search(r"Page (introuvable|non trouvée)", response.text) or "404" in response.text


def test_import_preview_page_beyond_range(client, login_as):
    login_as("officer")
    response = client.post_form("/imports/new", {
        "text": "CONTACTS PRESSE\nAline POIRIER – apoirier@aer-bfc.com – 06 80 55 69 66\n",
        "source": "Communiqué de test", "visibility": "shared"})
    assert response.status_code == 302, response.status_code
    preview = response.headers["Location"]
    assert re.search(r"/imports/\d+$", preview), preview
    for page in ("99999999999999999999", "9223372036854775807", "-5", "abc"):
        assert client.get(f"{preview}?page={page}").status_code == 200, page


def test_interaction_dates_out_of_range_are_form_errors(client, login_as, make_contact):
    login_as("officer")
    contact_id = make_contact()
    for when in ("0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T12:00"):
        response = client.post_form(f"/interactions/contact/{contact_id}", {
            "kind": "call", "happened_at": when, "subject": "Appel", "notes": "",
            "visibility": "org", "outlet_id": "", "contact_ids": [contact_id]})
        assert response.status_code == 422, (when, response.status_code)
        assert "Saisissez une date comprise entre le 1900-01-01 et le 2999-12-31." in response.text
