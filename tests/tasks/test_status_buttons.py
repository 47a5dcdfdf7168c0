"""The status buttons of a task page, submitted as a browser submits them.

The forms are read from the page (every input plus the pressed button's name and value),
so a stray field in the template breaks these tests as it broke the page.
"""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import select

from crm.extensions import db
from crm.tasks.models import Task, TaskStatus
from tests.conftest import login


class _Forms(HTMLParser):
    """Each POST form of a page: its action, its inputs and its submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get"),
                               "fields": [], "buttons": []})
        elif self.forms and tag == "input" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], a.get("value", "")))
        elif self.forms and tag == "button" and a.get("type", "submit") == "submit":
            self.forms[-1]["buttons"].append((a.get("name"), a.get("value", "")))


def status_forms(html: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Button value → (action, what the browser sends when that button is pressed)."""
    parser = _Forms()
    parser.feed(html)
    found = {}
    for form in parser.forms:
        if form["action"].endswith("/status") and form["method"] == "post":
            for name, value in form["buttons"]:
                sent = list(form["fields"]) + ([(name, value)] if name else [])
                found[value] = (form["action"], sent)
    return found


def press(client, page_url: str, button: str):
    action, sent = status_forms(client.get(page_url).text)[button]
    data: dict[str, list[str]] = {}
    for name, value in sent:
        data.setdefault(name, []).append(value)
    return client.post(action, data=data, follow_redirects=True)


def _status(app, task_id: int) -> TaskStatus:
    with app.app_context():
        return db.session.scalar(select(Task.status).where(Task.id == task_id))


def _new_task(client, assignee_id: int) -> tuple[str, int]:
    response = client.post_form("/tasks/new", {
        "title": "Relancer L'Est Républicain", "assignee_id": str(assignee_id),
        "priority": "normal"})
    assert response.status_code == 302, response.text
    return response.location, int(response.location.rstrip("/").rsplit("/", 1)[-1])


def test_creator_and_assignee_press_every_status_button(app, client, make_user):
    creator = make_user("officer", "AER BFC")
    assignee = make_user("officer", "Région BFC")
    login(client, creator.email)
    url, task_id = _new_task(client, assignee.id)
    for person in (creator, assignee):
        client.post_form("/auth/logout")
        login(client, person.email)
        assert set(status_forms(client.get(url).text)) == {"done", "cancelled"}
        done = press(client, url, "done")
        assert done.status_code == 200, done.text
        assert "État de la tâche : Terminée." in done.text
        assert _status(app, task_id) == TaskStatus.DONE
        assert set(status_forms(done.text)) == {"open"}
        reopened = press(client, url, "open")
        assert reopened.status_code == 200, reopened.text
        assert _status(app, task_id) == TaskStatus.OPEN
        cancelled = press(client, url, "cancelled")
        assert cancelled.status_code == 200, cancelled.text
        assert _status(app, task_id) == TaskStatus.CANCELLED
        assert press(client, url, "open").status_code == 200
        assert _status(app, task_id) == TaskStatus.OPEN


def test_an_unknown_or_missing_status_is_refused(app, client, make_user):
    me = make_user("officer", "AER BFC")
    login(client, me.email)
    url, task_id = _new_task(client, me.id)
    assert client.post_form(f"{url}/status", {"status": "archived"}).status_code == 400
    assert client.post_form(f"{url}/status").status_code == 400
    assert _status(app, task_id) == TaskStatus.OPEN
