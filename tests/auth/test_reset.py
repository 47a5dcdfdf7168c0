import re

from sqlalchemy import select

from crm.auth.models import UserSession
from crm.extensions import db
from crm.mail.models import OutboxMessage
from tests.conftest import login

NEW = "un tout nouveau mot de passe"


def reset_link(app, email: str) -> str:
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                  .order_by(OutboxMessage.id.desc())).first()
    assert mail is not None and mail.subject == "Réinitialisez votre mot de passe Relais"
    return re.search(r"http://localhost(/auth/reset/\S+)", mail.body_text).group(1)


def test_reset_by_email_link_works_once(app, client, make_user):
    user = make_user("officer")
    other = app.test_client()
    login(other, user.email)
    response = client.post_form("/auth/forgot", {"email": user.email.upper()})
    assert response.status_code == 302
    link = reset_link(app, user.email)
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.post_form(link, {"new_password": NEW, "confirm": NEW}).status_code == 302
    assert login(app.test_client(), user.email, NEW).status_code == 302
    assert other.get("/").status_code == 302  # every old session ended
    with app.app_context():
        assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id))
    again = client.get(link)
    assert again.status_code == 410
    assert "Ce lien a expiré ou a déjà servi." in again.text


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client):
    response = client.post_form("/auth/forgot", {"email": "nobody@example.fr"}, follow_redirects=True)
    assert "Si un compte utilise cette adresse" in response.text
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_tampered_or_expired_link_is_refused(app, client, make_user):
    user = make_user("officer")
    client.post_form("/auth/forgot", {"email": user.email})
    link = reset_link(app, user.email)
    assert client.get(link[:-2] + "xx").status_code == 410
    from crm.auth import views

    old = views.RESET_MAX_AGE
    views.RESET_MAX_AGE = -1
    try:
        assert client.get(link).status_code == 410
    finally:
        views.RESET_MAX_AGE = old


def test_reset_requests_are_throttled(app, client, make_user):
    user = make_user("officer")
    free = app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    for _ in range(free + 3):
        client.post_form("/auth/forgot", {"email": user.email})
    with app.app_context():
        sent = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject == "Réinitialisez votre mot de passe Relais")).all()
    assert free <= len(sent) < free + 3


def test_reset_form_applies_the_password_policy(app, client, make_user):
    user = make_user("officer")
    client.post_form("/auth/forgot", {"email": user.email})
    link = reset_link(app, user.email)
    response = client.post_form(link, {"new_password": "azerty123456", "confirm": "azerty123456"})
    assert response.status_code == 422
    assert "trop courant" in response.text
