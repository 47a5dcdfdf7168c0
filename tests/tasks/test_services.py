"""Task services on their own: scope across bodies, who may change a task, links checked
against the actor's scope, and what each verb audits and mails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from crm.audit.models import AuditEvent
from crm.contacts.models import Visibility
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.outlets.models import Outlet
from crm.outlets.services import soft_delete_outlet
from crm.tasks.models import TaskStatus
from crm.tasks.services import (
    TaskData,
    add_comment,
    create_task,
    get_task_or_404,
    set_status,
    update_task,
    visible_tasks,
)
from tests.factories import user


def _events(task_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "task", AuditEvent.target_id == task_id).order_by(AuditEvent.id)))


def _recipients(after: int = 0) -> list[str]:
    """Who the messages queued after message ``after`` go to (accounts get mail too)."""
    return sorted(db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.id > after)))


def _last_message() -> int:
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def test_a_task_is_seen_by_its_body_and_by_the_assignees_body_only(app, make_user):
    creator, colleague = make_user("officer", "AER BFC"), make_user("officer", "AER BFC")
    assignee, outsider = make_user("officer", "Région BFC"), make_user("manager", "Préfecture BFC")
    with app.app_context():
        task_id = create_task(user(creator.id), TaskData(title="Relancer", assignee_id=assignee.id)).id
        db.session.commit()
        for reader in (creator, colleague, assignee):
            assert get_task_or_404(user(reader.id), task_id).id == task_id
        with pytest.raises(NotFound):
            get_task_or_404(user(outsider.id), task_id)
        assert db.session.scalars(visible_tasks(user(outsider.id))).all() == []


def test_the_assignee_the_creator_or_a_manager_of_the_creating_body_change_it(app, make_user):
    creator, manager = make_user("officer", "AER BFC"), make_user("manager", "AER BFC")
    assignee = make_user("officer", "Région BFC")
    outsiders = [make_user("officer", "AER BFC"), make_user("manager", "Région BFC")]
    with app.app_context():
        task = create_task(user(creator.id), TaskData(title="Relancer", assignee_id=assignee.id))
        for outsider in outsiders:
            with pytest.raises(PermissionError):
                set_status(user(outsider.id), task, TaskStatus.DONE)
            with pytest.raises(PermissionError):
                update_task(user(outsider.id), task, TaskData(title="Autre", assignee_id=outsider.id))
        assert task.status == TaskStatus.OPEN and task.title == "Relancer"
        set_status(user(assignee.id), task, TaskStatus.DONE)
        assert task.closed_at is not None
        set_status(user(manager.id), task, TaskStatus.OPEN)
        assert task.closed_at is None
        set_status(user(creator.id), task, TaskStatus.OPEN)  # no change, no event
        set_status(user(creator.id), task, TaskStatus.CANCELLED)
        db.session.commit()
        assert [e.action for e in _events(task.id)] == [
            "task.created", "task.completed", "task.reopened", "task.cancelled"]
        assert [e.actor_id for e in _events(task.id)] == [creator.id, assignee.id, manager.id,
                                                          creator.id]


def test_a_reassignment_is_audited_and_mailed_to_the_new_assignee_only(app, make_user):
    creator = make_user("officer", "AER BFC")
    first, second = make_user("officer", "Région BFC"), make_user("officer", "Préfecture BFC")
    with app.app_context():
        start = _last_message()
        task = create_task(user(creator.id), TaskData(title="Relancer", assignee_id=first.id))
        db.session.commit()
        assert _recipients(start) == [first.email]
        update_task(user(creator.id), task, TaskData(title="Relancer vite", assignee_id=first.id))
        db.session.commit()
        assert _recipients(start) == [first.email]  # an edit without a new assignee mails nobody
        update_task(user(creator.id), task, TaskData(title="Relancer vite", assignee_id=second.id))
        db.session.commit()
        assert _recipients(start) == sorted([first.email, second.email])
        events = _events(task.id)
        assert [e.action for e in events] == ["task.created", "task.updated", "task.updated",
                                              "task.reassigned"]
        assert events[-1].details == {"previous": first.id, "assignee": second.id}
        # a task to oneself mails nobody
        create_task(user(creator.id), TaskData(title="Pour moi", assignee_id=creator.id))
        db.session.commit()
        assert len(_recipients(start)) == 2


def test_a_new_link_must_point_at_a_record_the_actor_sees(app, make_user, make_contact,
                                                          make_outlet):
    aer, region = make_user("officer", "AER BFC"), make_user("officer", "Région BFC")
    private = make_contact("Privé", org="Région BFC", visibility=Visibility.PRIVATE)
    shared = make_contact("Partagé")
    deleted_outlet = make_outlet("Radio fermée")
    with app.app_context():
        soft_delete_outlet(None, db.session.get_one(Outlet, deleted_outlet))
        db.session.commit()
        for link, message in (({"contact_id": private}, "unknown contact"),
                              ({"interaction_id": 10**9}, "unknown interaction"),
                              ({"outlet_id": deleted_outlet}, "unknown outlet")):
            with pytest.raises(ValueError, match=message):
                create_task(user(aer.id), TaskData(title="Lien", assignee_id=aer.id, **link))
        with pytest.raises(ValueError, match="title"):
            create_task(user(aer.id), TaskData(title="  ", assignee_id=aer.id))
        assert create_task(user(aer.id), TaskData(title="Lien", assignee_id=aer.id,
                                                  contact_id=shared)).contact_id == shared
        # the Région links its private contact and hands the task to the AER: the assignee
        # edits it and the link it cannot see stays as it is
        task = create_task(user(region.id), TaskData(title="Appeler", assignee_id=aer.id,
                                                     contact_id=private))
        update_task(user(aer.id), task, TaskData(title="Appeler demain", assignee_id=aer.id,
                                                 contact_id=private))
        db.session.commit()
        assert (task.title, task.contact_id) == ("Appeler demain", private)


def test_a_comment_is_kept_trimmed_and_audited_and_an_empty_one_refused(app, make_user):
    creator = make_user("officer", "AER BFC")
    with app.app_context():
        task = create_task(user(creator.id), TaskData(title="Relancer", assignee_id=creator.id))
        with pytest.raises(ValueError):
            add_comment(user(creator.id), task, "   ")
        add_comment(user(creator.id), task, "  Rappelé, absent.  ")
        db.session.commit()
        assert [c.body for c in task.comments] == ["Rappelé, absent."]
        assert [e.action for e in _events(task.id)] == ["task.created", "task.commented"]
