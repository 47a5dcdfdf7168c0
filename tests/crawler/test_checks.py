"""The crawler's page checks catch what they are meant to (they must never pass vacuously)."""

import lxml.html

from tests.crawler import checks
from tests.crawler.crawl import Visit, check_page
from tests.crawler.forms import empty_data, filled_data, forms_of

PAGE = """<!doctype html><html lang="fr"><head><title>Contacts</title></head><body>
<p id="intro">Save</p><div id="intro"></span>
<form method="post" action="/contacts/new">
  <input type="hidden" name="csrf_token" value="tok">
  <label for="last_name">Nom</label><input id="last_name" name="last_name">
  <input name="email" type="email">
  <label>Média <select name="outlet"><option value="">—</option><option value="3">AFP</option>
  </select></label>
  <input type="checkbox" name="is_opted_out" value="y" aria-label="Opposé">
  <input type="date" name="due_on" aria-labelledby="due">
</form></body></html>"""


def test_checks_find_each_kind_of_defect():
    root, errors = checks.parse(PAGE)
    assert any("unexpected-end-tag" in e for e in errors)
    assert checks.duplicate_ids(root) == ["intro"]
    assert checks.unlabelled_fields(root) == ["<input name='email' id=None>"]
    assert checks.untranslated(root, set()) == ["Save"]
    assert checks.untranslated(root, {"Save"}) == []  # a record's own text, shown as typed


def test_a_form_is_sent_empty_then_as_a_person_fills_it():
    (form,) = forms_of(lxml.html.fromstring(PAGE), "/contacts/")
    assert form.action == "/contacts/new" and form.method == "POST" and form.has_csrf()
    assert empty_data(form) == {"csrf_token": "tok", "last_name": "", "email": "",
                                "outlet": "", "due_on": ""}
    filled = filled_data(form, "secret")
    assert filled["csrf_token"] == "tok" and filled["outlet"] == "3"
    assert filled["email"] == "claire.martin@example.org" and filled["is_opted_out"] == "y"
    assert filled["due_on"].count("-") == 2 and filled["last_name"]


def test_english_is_looked_for_in_french_pages_only():
    visit = Visit("officer-aer")
    for lang in ("fr", "en"):
        check_page(visit, f"/{lang}", f'<!doctype html><html lang="{lang}"><head><title>t</title>'
                   "</head><body><p>Save</p></body></html>", data=set())
    assert visit.failures == ["[officer-aer] GET /fr: untranslated in French ['Save']"]
