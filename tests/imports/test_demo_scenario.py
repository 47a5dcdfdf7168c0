"""The scenario a new user tries: two bodies import their files, the duplicates are
reviewed, one pair is merged, the merge is undone, and nothing is lost on the way."""

import io
import re

from sqlalchemy import func, select

from crm.contacts.models import Contact
from crm.dedupe.jobs import run_scan
from crm.dedupe.models import DuplicatePair, ScanRun
from crm.demo.press import DATA, load_outlets
from crm.extensions import db
from tests.conftest import login
from tests.imports.test_flow import run_pending_jobs


def import_file(client, name: str) -> None:
    response = client.post_form("/imports/new", {
        "file": (io.BytesIO((DATA / name).read_bytes()), name), "source": f"Fichier {name}",
        "visibility": "shared", "encoding": "", "delimiter": ""},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    assert run_pending_jobs(client.application) == ["staging_job"]  # the worker reads the file
    number = re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1)
    done = client.post_form(f"/imports/{number}/commit", {"mode": "skip"}, follow_redirects=True)
    assert "Import terminé" in done.text


def test_two_bodies_import_review_merge_and_undo(app, make_user):
    with app.app_context():
        load_outlets()
        db.session.commit()
    aer, region = app.test_client(), app.test_client()
    login(aer, make_user("officer", "AER BFC").email)
    reviewer = make_user("manager", "Région BFC")
    login(region, reviewer.email)
    import_file(aer, "journalistes-aer-bfc.csv")
    import_file(region, "presse-region-bfc.csv")
    with app.app_context():
        alive = db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.deleted_at.is_(None)))
        run = ScanRun(organisation_id=reviewer.organisation_id)
        db.session.add(run)
        db.session.commit()
        run_scan(run.id, reviewer.id)
        proposed = db.session.scalars(select(DuplicatePair)).all()
        names = {(p.low.last_name.upper(), p.high.last_name.upper()) for p in proposed}
    # Same email or phone was already recognised by the import itself; what is left for
    # review are the spelling variants with other addresses.
    assert alive >= 10
    assert {("PERRIN", "PERIN"), ("LE GOFF", "LEGOFF")} <= names, names
    queue = region.get("/duplicates/").text
    pair = proposed[0]
    assert pair.low.last_name in queue
    region.post_form(f"/duplicates/{pair.id}/merge", {"keep": "low"})
    with app.app_context():
        assert db.session.get_one(Contact, pair.high_id).deleted_at is not None
    merges = region.get("/duplicates/merges").text
    merge_id = re.search(r"/duplicates/merges/(\d+)/undo", merges).group(1)
    region.post_form(f"/duplicates/merges/{merge_id}/undo")
    with app.app_context():
        assert db.session.get_one(Contact, pair.high_id).deleted_at is None
        assert db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.deleted_at.is_(None))) == alive
