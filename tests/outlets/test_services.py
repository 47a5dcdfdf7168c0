"""Outlet services: the stale-edit conflict, and the trash (delete, restore, purge) with what
each step audits and who it names."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.errors import ConflictError
from crm.extensions import db
from crm.outlets.models import Outlet, OutletKind
from crm.outlets.services import (
    OutletData,
    get_outlet_or_404,
    outlet_choices,
    purge_deleted_outlets,
    restore_outlet,
    soft_delete_outlet,
    update_outlet,
)
from tests.factories import user


def test_a_stale_version_is_a_conflict_and_changes_nothing(app, make_user, make_outlet):
    editor = make_user("officer", "AER BFC")
    outlet_id = make_outlet("France Bleu", kind=OutletKind.RADIO)
    with app.app_context():
        outlet = get_outlet_or_404(outlet_id)
        update_outlet(user(editor.id), outlet, OutletData("France Bleu Bourgogne", OutletKind.RADIO),
                      expected_version=1)
        db.session.commit()
        with pytest.raises(ConflictError):
            update_outlet(user(editor.id), outlet, OutletData("ICI Bourgogne", OutletKind.RADIO),
                          expected_version=1)
        db.session.rollback()
        assert (get_outlet_or_404(outlet_id).name, get_outlet_or_404(outlet_id).version) == \
            ("France Bleu Bourgogne", 2)


def test_the_trash_keeps_who_deleted_then_restores_or_purges(app, make_user, make_outlet):
    officer = make_user("officer", "AER BFC")
    gone, back = make_outlet("Radio fermée"), make_outlet("Radio rouverte")
    with app.app_context():
        for outlet_id in (gone, back):
            soft_delete_outlet(user(officer.id), get_outlet_or_404(outlet_id))
        db.session.commit()
        trashed = get_outlet_or_404(back, deleted=True)
        assert (trashed.is_deleted, trashed.deleted_by_id) == (True, officer.id)
        assert outlet_choices() == []
        restore_outlet(user(officer.id), trashed)
        db.session.commit()
        assert (trashed.deleted_at, trashed.deleted_by_id) == (None, None)
        assert [o.id for o in outlet_choices()] == [back]
        assert purge_deleted_outlets(None, dt.timedelta(days=30)) == 0
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31), tick=False):
            assert purge_deleted_outlets(None, dt.timedelta(days=30)) == 1
        db.session.commit()
        assert set(db.session.scalars(select(Outlet.id))) == {back}
        events = [(e.action, e.actor_id, e.target_id, e.details) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("outlet.%")).order_by(AuditEvent.id))]
        assert events[-4:] == [
            ("outlet.deleted", officer.id, gone, {"name": "Radio fermée"}),
            ("outlet.deleted", officer.id, back, {"name": "Radio rouverte"}),
            ("outlet.restored", officer.id, back, {"name": "Radio rouverte"}),
            ("outlet.purged", None, None, {"count": 1}),
        ]
