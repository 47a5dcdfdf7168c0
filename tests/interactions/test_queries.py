"""Each page costs a constant number of queries: adding rows does not add queries."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind, InteractionVisibility
from crm.tasks.models import Task, TaskComment


@contextmanager
def counting(app):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _add_rows(app, make_contact, make_interaction, me, outlet, contact, n: int) -> None:
    for i in range(n):
        other = make_contact(f"COLLEGUE{i}", "Jean", outlet_ids=[outlet])
        make_interaction(me.id, [contact, other], subject=f"Sujet {i}", outlet_id=outlet,
                         kind=list(InteractionKind)[i % 7],
                         visibility=InteractionVisibility.SHARED)
    with app.app_context():
        for i in range(n):
            task = Task(title=f"Tâche {i}", assignee_id=me.id, created_by_id=me.id,
                        organisation_id=me.organisation_id, contact_id=contact, outlet_id=outlet)
            task.comments.append(TaskComment(author_id=me.id, body="Vu"))
            db.session.add(task)
        db.session.commit()


def test_query_count_does_not_grow_with_rows(app, client, login_as, make_contact, make_outlet,
                                             make_interaction):
    me = login_as("officer")
    outlet = make_outlet()
    contact = make_contact(outlet_ids=[outlet])
    _add_rows(app, make_contact, make_interaction, me, outlet, contact, 2)
    with app.app_context():
        task_id = db.session.scalar(db.select(Task.id).limit(1))
        interaction_id = db.session.scalar(db.select(Interaction.id).limit(1))
    pages = [f"/contacts/{contact}", f"/contacts/{contact}?kind=tasks", f"/outlets/{outlet}",
             "/", "/tasks/", "/tasks/team", f"/tasks/{task_id}", f"/interactions/{interaction_id}"]
    for url in pages:
        assert client.get(url).status_code == 200, url  # warm-up
    before = {}
    for url in pages:
        with counting(app) as statements:
            client.get(url)
        before[url] = len(statements)
    _add_rows(app, make_contact, make_interaction, me, outlet, contact, 12)
    for url in pages:
        with counting(app) as statements:
            assert client.get(url).status_code == 200
        assert len(statements) == before[url], (url, statements)
