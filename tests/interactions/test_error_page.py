"""The 500 page tells what happened to the reader's data: a GET changes nothing, a failed
POST was rolled back, a POST that had already committed may have saved something."""

from __future__ import annotations

from html import unescape

from sqlalchemy import func, select

from crm.extensions import db
from crm.orgs.models import Organisation


def _routes(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom_get():  # pragma: no cover - exercised through the client
        raise RuntimeError("internal detail")

    @app.post("/boom")
    def boom_post():  # pragma: no cover - exercised through the client
        db.session.add(Organisation(name="Organisme fantôme", short_name="Fantôme"))
        db.session.flush()
        raise RuntimeError("internal detail")

    @app.post("/boom-after-commit")
    def boom_after_commit():  # pragma: no cover - exercised through the client
        db.session.add(Organisation(name="Organisme enregistré", short_name="Enregistré"))
        db.session.commit()
        raise RuntimeError("internal detail")


def test_500_page_after_a_get_says_nothing_changed(app, client):
    _routes(app)
    page = client.get("/boom")
    assert page.status_code == 500
    assert "Afficher une page ne modifie rien" in unescape(page.text)
    assert "n'a rien enregistré" not in unescape(page.text)
    assert "internal detail" not in unescape(page.text)


def test_500_page_after_a_failed_post_says_it_was_rolled_back(app, client):
    _routes(app)
    page = client.post_form("/boom")
    assert page.status_code == 500
    assert "Cette requête n'a rien enregistré" in unescape(page.text)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            Organisation.short_name == "Fantôme")) == 0


def test_500_page_after_a_commit_does_not_claim_nothing_was_saved(app, client):
    _routes(app)
    page = client.post_form("/boom-after-commit")
    assert page.status_code == 500
    assert "a pu être enregistrée" in unescape(page.text)
    assert "n'a rien enregistré" not in unescape(page.text)
    again = client.post_form("/boom")
    assert "Cette requête n'a rien enregistré" in unescape(again.text)
