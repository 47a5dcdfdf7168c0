"""A tour of the everyday pages with realistic records: the visible text holds no enum code,
no audit or evidence code, no E.164 number and no table name."""

from __future__ import annotations

import re

import pytest

from crm.contacts.models import Civility, ContactKind
from crm.extensions import db
from crm.interactions.models import InteractionKind, Medium
from crm.tasks.models import Task
from tests.dedupe.test_review import scan_as
from tests.dedupe.test_review_labels import visible_text

RAW = re.compile(
    r"\b(mrs|none|journalist|press_officer|shared|private|legitimate_interest|public_task|"
    r"press_point|coverage|landline|switchboard|pqr|open|done|cancelled|normal|high|"
    r"officer|manager|admin|skip|staged|committed|app_user|import_batch|duplicate_pair)\b"
    r"|\+33\d{9}|\b[a-z_]+\.[a-z_]+_[a-z_]+\b|#\d+")


@pytest.fixture
def records(app, login_as, make_contact, make_outlet, make_interaction):
    me = login_as("admin")
    outlet = make_outlet("Le Bien Public")
    first = make_contact("POIRIER", "Aline", emails=["apoirier@aer-bfc.com"],
                         phones=["06 51 62 73 84", "03 80 44 55 66"], civility=Civility.MRS,
                         kind=ContactKind.JOURNALIST, outlet_ids=[outlet])
    make_contact("Poirier", "Aline", org="Région BFC", emails=["aline@gmail.com"],
                 phones=["06 51 62 73 84"], civility=Civility.MRS, outlet_ids=[outlet])
    interaction = make_interaction(me.id, [first], kind=InteractionKind.COVERAGE,
                                   coverage_medium=Medium.PRINT, coverage_title="Article")
    with app.app_context():
        task = Task(title="Relancer", assignee_id=me.id, created_by_id=me.id,
                    organisation_id=me.organisation_id, contact_id=first)
        db.session.add(task)
        db.session.commit()
        task_id = task.id
    scan_as(app, me.id)
    return {"contact": first, "outlet": outlet, "interaction": interaction, "task": task_id}


def test_everyday_pages_show_no_raw_value(client, records):
    pages = ["/", "/contacts/", f"/contacts/{records['contact']}",
             f"/contacts/{records['contact']}/edit", "/outlets/",
             f"/outlets/{records['outlet']}", f"/interactions/{records['interaction']}",
             "/tasks/", "/tasks/team", f"/tasks/{records['task']}", "/duplicates/",
             "/duplicates/merges", "/admin/audit/", "/admin/users/", "/imports/",
             "/imports/blocks/", "/contacts/trash", "/outlets/trash", "/admin/organisations/",
             "/auth/account", f"/interactions/{records['interaction']}/edit",
             f"/tasks/{records['task']}/edit"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.text)
        found = RAW.search(text)
        assert not found, (url, found.group(0), text[max(0, found.start() - 80):found.end() + 80])
