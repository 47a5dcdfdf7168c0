"""Tasks: create for a colleague of another body, e-mail through the outbox, comment,
complete; "Mes tâches" puts overdue first; the follow-up of an interaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.tasks.jobs import queue_overdue_digests
from crm.tasks.models import Task, TaskStatus
from tests.conftest import login


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject.not_like("%compte%")).order_by(OutboxMessage.id)))


def test_cross_body_task_from_creation_to_completion(app, client, login_as, make_user,
                                                     make_contact):
    colleague = make_user("officer", "Préfecture BFC", full_name="Paul Préfet")
    login_as("officer", "AER BFC")
    contact_id = make_contact()
    response = client.post_form(f"/tasks/new?contact_id={contact_id}", {
        "title": "Envoyer le dossier de presse", "assignee_id": str(colleague.id),
        "due_on": "2026-12-01", "priority": "high", "contact_id": str(contact_id)})
    assert response.status_code == 302, response.text
    task_url = response.location
    assert "Tâche créée et confiée à Paul Préfet." in client.get(task_url).text
    [mail] = _outbox(app)
    assert mail.recipient == colleague.email
    assert mail.subject == "Une tâche vous a été confiée"
    assert "Envoyer le dossier de presse" in mail.body_text

    client.post_form("/auth/logout")
    login(client, colleague.email)
    assert "Envoyer le dossier de presse" in client.get("/").text
    assert "Envoyer le dossier de presse" in client.get("/tasks/").text
    client.post_form(f"{task_url}/comments", {"body": "Je m'en occupe demain."})
    done = client.post_form(f"{task_url}/status", {"status": "done"}, follow_redirects=True)
    assert "Je m&#39;en occupe demain." in done.text
    assert "État de la tâche : Terminée." in done.text
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.target_type == "task").order_by(AuditEvent.id)))
        assert actions == ["task.created", "task.commented", "task.completed"]


def test_no_mail_for_a_task_to_oneself_or_when_turned_off(app, client, login_as, make_user):
    quiet = make_user("officer", "Région BFC")
    with app.app_context():
        db.session.get_one(User, quiet.id).notify_tasks = False
        db.session.commit()
    me = login_as("officer", "AER BFC")
    for assignee in (me.id, quiet.id):
        assert client.post_form("/tasks/new", {
            "title": "Relire", "assignee_id": str(assignee), "priority": "normal"}
        ).status_code == 302
    assert _outbox(app) == []


def test_account_page_turns_task_mail_off(app, client, login_as):
    me = login_as("officer")
    assert "quand on me confie une tâche" in client.get("/auth/account").text
    client.post_form("/auth/account/preferences", {"locale": "fr"})
    with app.app_context():
        assert db.session.get_one(User, me.id).notify_tasks is False


def test_my_tasks_lists_overdue_first_and_reassignment_is_logged(app, client, login_as,
                                                                 make_user):
    other = make_user("manager", "Région BFC", full_name="Rita Région")
    me = login_as("officer", "AER BFC")
    for title, due in [("Plus tard", "2099-01-01"), ("En retard", "2020-01-01"),
                       ("Sans date", "")]:
        client.post_form("/tasks/new", {"title": title, "assignee_id": str(me.id),
                                        "due_on": due, "priority": "normal"})
    page = client.get("/tasks/").text
    assert page.index("En retard") < page.index("Plus tard") < page.index("Sans date")
    assert "table-danger" in page
    with app.app_context():
        task_id = db.session.scalar(select(Task.id).where(Task.title == "Plus tard"))
    client.post_form(f"/tasks/{task_id}/edit", {"title": "Plus tard", "priority": "low",
                                                "assignee_id": str(other.id)})
    team = client.get(f"/tasks/team?organisation={other.organisation_id}").text
    assert "Rita Région" in team and "Plus tard" in team and "En retard" not in team
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "task.reassigned")) == "task.reassigned"


def test_follow_up_in_three_days_from_an_interaction(app, client, login_as, make_contact,
                                                     make_interaction):
    me = login_as("officer")
    contact_id = make_contact()
    interaction_id = make_interaction(me.id, [contact_id], subject="Interview France 3")
    form = client.get(f"/tasks/new?interaction_id={interaction_id}").text
    assert "Relancer : Interview France 3" in form
    assert client.post_form(f"/tasks/new?interaction_id={interaction_id}", {
        "title": "Relancer : Interview France 3", "assignee_id": str(me.id),
        "due_on": "2026-12-01", "priority": "normal", "contact_id": str(contact_id),
        "interaction_id": str(interaction_id)}).status_code == 302
    timeline = client.get(f"/contacts/{contact_id}?kind=tasks").text
    assert "Relancer : Interview France 3" in timeline


def test_daily_digest_of_overdue_tasks(app, make_user):
    user = make_user("officer")
    with app.app_context():
        for title, due, status in [("Vieux", dt.date(2026, 1, 1), TaskStatus.OPEN),
                                   ("Fait", dt.date(2026, 1, 1), TaskStatus.DONE),
                                   ("Futur", dt.date(2099, 1, 1), TaskStatus.OPEN)]:
            db.session.add(Task(title=title, due_on=due, status=status, assignee_id=user.id,
                                organisation_id=user.organisation_id))
        db.session.commit()
        assert queue_overdue_digests(dt.date(2026, 11, 27)) == 1
        db.session.commit()
    [digest] = _outbox(app)
    assert digest.subject == "Vos tâches en retard"
    assert "Vieux" in digest.body_text
    assert "Fait" not in digest.body_text and "Futur" not in digest.body_text


def test_a_forged_link_to_another_bodys_private_contact_is_refused(client, login_as,
                                                                   make_contact):
    from crm.contacts.models import Visibility

    secret = make_contact("CACHEE", org="Région BFC", visibility=Visibility.PRIVATE)
    me = login_as("officer", "AER BFC")
    response = client.post_form("/tasks/new", {"title": "Piège", "assignee_id": str(me.id),
                                               "priority": "normal", "contact_id": str(secret)})
    assert response.status_code == 404
