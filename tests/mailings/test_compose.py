"""Rendering one recipient's message: merge fields in a sandbox, Markdown without raw HTML."""

from __future__ import annotations

import pytest

from crm.mailings import compose

SENDERS = [compose.Sender("AER BFC", "https://relais.test/u/t?org=1")]


def _render(body: str, **who: str) -> tuple[str, str, str]:
    content = compose.Content(subject="Bonjour {{ prenom }}", body=body, senders=SENDERS,
                              labels={"unsubscribe": "Ne plus recevoir les messages %s"})
    return compose.render(content, compose.Recipient("a@b.test", **who))


def test_the_salutation_falls_back_when_the_civility_is_unknown():
    assert "Madame, Monsieur," in _render("{{ salutation }}")[1]
    assert "Monsieur," in _render("{{ salutation }}", civility="mr")[1]
    assert "Madame DURAND" in _render("{{ civilite }} {{ nom }}", civility="mrs",
                                      last_name="DURAND")[1]


def test_typed_html_and_values_never_become_markup():
    _subject, _text, html = _render("<script>x</script> {{ nom }}", last_name="<b>Léa</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Léa</b>" not in html and "&lt;b&gt;Léa&lt;/b&gt;" in html


@pytest.mark.parametrize("body", ["{{ ''.__class__.__mro__ }}", "{{ nom.__class__ }}"])
def test_the_sandbox_refuses_python_internals(body):
    with pytest.raises(compose.MergeError):
        compose.check_template(body)
    with pytest.raises(compose.MergeError):
        _render(body, last_name="x")


def test_a_broken_merge_field_is_a_merge_error():
    with pytest.raises(compose.MergeError):
        compose.check_template("{{ prenom")
