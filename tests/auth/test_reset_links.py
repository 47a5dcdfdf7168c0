"""Password-reset links come from BASE_URL, whatever Host header the request carried."""

from __future__ import annotations

import re

from sqlalchemy import select

from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.settings import override


def mailed_links(app, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                  .order_by(OutboxMessage.id.desc())).first()
    assert mail is not None
    return re.findall(r"https?://\S+", mail.body_text) + re.findall(
        r'href="([^"]+)"', mail.body_html or "")


def test_forged_host_header_does_not_reach_the_reset_link(app, client, make_user):
    override(app, BASE_URL="https://relais.example.fr",
             WTF_CSRF_ENABLED=False)  # the session cookie belongs to localhost
    user = make_user("officer")
    response = client.post("/auth/forgot", data={"email": user.email},
                           headers={"Host": "evil.example"})
    assert response.status_code == 302
    links = mailed_links(app, user.email)
    assert links
    for link in links:
        assert link.startswith("https://relais.example.fr/auth/reset/"), link
        assert "evil.example" not in link


def test_reset_link_keeps_the_path_of_the_base_url(app, client, make_user):
    override(app, BASE_URL="https://intranet.example.fr/relais/")
    user = make_user("officer")
    client.post_form("/auth/forgot", {"email": user.email})
    links = mailed_links(app, user.email)
    assert all(link.startswith("https://intranet.example.fr/relais/auth/reset/") for link in links)


def test_testing_default_base_url(app):
    assert app.config["BASE_URL"] == "http://localhost"
