"""Scan, review queue, merge with re-pointing, undo, and "not the same person"."""

import datetime as dt

from sqlalchemy import select, update

from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.database import utcnow
from crm.dedupe import services
from crm.dedupe.jobs import run_scan
from crm.dedupe.models import ContactMerge, DuplicatePair, PairStatus, ScanRun
from crm.extensions import db
from crm.imports.models import ContactBlock, ContactBlockEntry, ContactBlockSection


def scan_as(app, user_id: int) -> None:
    with app.app_context():
        user = db.session.get_one(User, user_id)
        run = ScanRun(organisation_id=user.organisation_id)
        db.session.add(run)
        db.session.commit()
        run_scan(run.id, user.id)


def pairs(app) -> list[tuple[int, int, str]]:
    with app.app_context():
        return [(p.low_id, p.high_id, p.status.value)
                for p in db.session.scalars(select(DuplicatePair))]


def two_poiriers(make_contact):
    one = make_contact("POIRIER", "Aline", org="AER BFC", emails=["apoirier@aer-bfc.com"],
                       phones=["06 80 55 69 66"], job_title="Chargée de presse")
    two = make_contact("Poirier", "Aline", org="Région BFC", emails=["aline.poirier@gmail.com"],
                       phones=["+33 6 80 55 69 66"], is_opted_out=True, beats=["Santé"])
    return one, two


def test_scan_proposes_the_pair_and_merge_keeps_everything(app, client, login_as, make_contact):
    one, two = two_poiriers(make_contact)
    make_contact("MARTIN", "Paul", org="AER BFC", emails=["pmartin@lbp.fr"])
    user = login_as("officer")
    with app.app_context():  # a block entry pointing at the contact that will disappear
        block = ContactBlock(fingerprint="x" * 64, title="AER BFC")
        block.sections.append(ContactBlockSection(position=0, heading="AER BFC"))
        block.sections[0].entries.append(ContactBlockEntry(position=0, contact_id=two))
        db.session.add(block)
        db.session.commit()
    scan_as(app, user.id)
    assert pairs(app) == [(one, two, "open")]
    queue = client.get("/duplicates/")
    assert "POIRIER" in queue.text and "Poirier" in queue.text
    pair_id = _pair_id(app)
    page = client.get(f"/duplicates/{pair_id}")
    assert page.status_code == 200 and "Chargée de presse" in page.text
    response = client.post_form(f"/duplicates/{pair_id}/merge", {"keep": "low"})
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get_one(Contact, one)
        assert sorted(e.email for e in kept.emails) == ["aline.poirier@gmail.com",
                                                        "apoirier@aer-bfc.com"]
        assert [p.e164 for p in kept.phones] == ["+33680556966"]
        assert kept.is_opted_out is True  # the opt-out on either side stays
        assert [b.name for b in kept.beats] == ["Santé"]
        assert db.session.get_one(Contact, two).deleted_at is not None
        assert db.session.scalar(select(ContactBlockEntry.contact_id)) == one
        merge = db.session.scalar(select(ContactMerge))
        assert merge.provenance["job_title"]["organisation"] == "AER BFC"
    assert pairs(app) == [(one, two, "merged")]
    undone = client.post_form(f"/duplicates/merges/{_merge_id(app)}/undo", follow_redirects=True)
    assert "Fusion annulée" in undone.text
    with app.app_context():
        kept = db.session.get_one(Contact, one)
        assert [e.email for e in kept.emails] == ["apoirier@aer-bfc.com"]
        assert kept.is_opted_out is False
        assert db.session.get_one(Contact, two).deleted_at is None
        assert db.session.scalar(select(ContactBlockEntry.contact_id)) == two
    assert pairs(app) == [(one, two, "open")]


def test_not_the_same_person_is_never_proposed_again(app, client, login_as, make_contact):
    two_poiriers(make_contact)
    user = login_as("officer")
    scan_as(app, user.id)
    pair_id = _pair_id(app)
    client.post_form(f"/duplicates/{pair_id}/not-same")
    scan_as(app, user.id)
    assert [status for *_ids, status in pairs(app)] == ["not_same"]
    assert "Rien à examiner." in client.get("/duplicates/").text


def test_a_pair_with_another_bodys_private_contact_is_hidden(app, client, login_as,
                                                             make_contact, make_user):
    make_contact("POIRIER", "Aline", org="AER BFC", emails=["apoirier@aer-bfc.com"])
    make_contact("POIRIER", "Aline", org="AER BFC", emails=["apoirier@aer-bfc.com"],
                 visibility=Visibility.PRIVATE)
    owner = make_user("officer", "AER BFC")
    scan_as(app, owner.id)
    pair_id = _pair_id(app)
    login_as("admin", "Préfecture BFC")
    assert client.get(f"/duplicates/{pair_id}").status_code == 404
    assert client.post_form(f"/duplicates/{pair_id}/merge", {"keep": "low"}).status_code == 404
    assert client.post_form(f"/duplicates/{pair_id}/not-same").status_code == 404
    assert "POIRIER" not in client.get("/duplicates/").text


def test_undo_is_refused_when_the_kept_contact_changed(app, client, login_as, make_contact):
    one, _two = two_poiriers(make_contact)
    user = login_as("officer")
    scan_as(app, user.id)
    client.post_form(f"/duplicates/{_pair_id(app)}/merge", {"keep": "low"})
    with app.app_context():
        contact = db.session.get_one(Contact, one)
        contact.job_title, contact.version = "Directrice", contact.version + 1
        db.session.commit()
    refused = client.post_form(f"/duplicates/merges/{_merge_id(app)}/undo", follow_redirects=True)
    assert "ne peut pas être annulée" in refused.text


def test_scan_button_queues_a_job(app, client, login_as):
    huey = app.extensions["huey"]
    login_as("officer")
    huey.flush()
    assert client.post_form("/duplicates/scan").status_code == 302
    assert [t.name for t in huey.pending()] == ["scan_job"]
    again = client.post_form("/duplicates/scan", follow_redirects=True)  # a double click
    assert "déjà en cours" in again.text
    assert [t.name for t in huey.pending()] == ["scan_job"]
    huey.flush()
    assert "en cours" in client.get("/duplicates/").text
    with app.app_context():  # a scan lost with its worker no longer blocks a new one
        db.session.execute(update(ScanRun).values(
            started_at=utcnow() - services.SCAN_STALE_AFTER - dt.timedelta(minutes=1)))
        db.session.commit()
    assert client.post_form("/duplicates/scan").status_code == 302
    assert [t.name for t in huey.pending()] == ["scan_job"]
    huey.flush()


def test_scan_progress_shows_the_step_and_is_scoped(app, client, login_as, make_user):
    from crm.dedupe import jobs
    from crm.jobs import clear_progress

    user = login_as("officer")
    other = make_user("officer", "Préfecture BFC")
    with app.app_context():
        mine = ScanRun(organisation_id=user.organisation_id)
        theirs = ScanRun(organisation_id=other.organisation_id)
        db.session.add_all([mine, theirs])
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    waiting = client.get(f"/duplicates/scan/{mine_id}/progress")
    assert "en attente du traitement" in waiting.text
    with app.app_context():
        jobs._report(mine_id, "compare")
    page = client.get("/duplicates/")
    assert "Étape 4 sur 7 : comparaison des paires" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert client.get(f"/duplicates/scan/{theirs_id}/progress").status_code == 404
    with app.app_context():
        db.session.get_one(ScanRun, mine_id).state = "done"
        db.session.get_one(ScanRun, mine_id).finished_at = utcnow()
        db.session.commit()
    done = client.get(f"/duplicates/scan/{mine_id}/progress")
    assert done.headers["HX-Refresh"] == "true"
    with app.app_context():
        huey_key_left = jobs.progress(mine_id)
        assert huey_key_left is not None  # the worker's finally removes it; no worker ran
        clear_progress("scan", mine_id)


def test_a_scan_reports_each_step_and_clears_its_progress(app, login_as, make_contact):
    from crm.dedupe import jobs, services

    two_poiriers(make_contact)
    user = login_as("officer")
    seen = []
    with app.app_context():
        run = ScanRun(organisation_id=user.organisation_id)
        db.session.add(run)
        db.session.commit()
        services.scan(db.session.get_one(User, user.id), run, on_step=seen.append)
        db.session.rollback()
        run = ScanRun(organisation_id=user.organisation_id)
        db.session.add(run)
        db.session.commit()
        run_scan(run.id, user.id)
        assert jobs.progress(run.id) is None
    assert seen == list(services.SCAN_STEPS)


def _pair_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(DuplicatePair.id).where(
            DuplicatePair.status == PairStatus.OPEN))


def _merge_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(ContactMerge.id))


def test_the_create_form_warning_uses_the_engine_after_a_scan(app, client, login_as,
                                                              make_contact, make_outlet):
    progres = make_outlet("Le Progrès")
    perrin = make_contact("PERRIN", "Nathalie", emails=["n.perrin@leprogres.fr"],
                          outlet_ids=[progres])
    for n in range(6):  # enough people for the scan to estimate its weights
        make_contact(f"DUPOND{n}", "Jean", emails=[f"jean{n}@lbp.fr"])
    make_contact("PERRIN", "Nathalie", emails=["nathalie.perrin@gmail.com"], outlet_ids=[progres])
    user = login_as("officer")
    form = {"last_name": "PERIN", "first_name": "Nathalie", "emails": "nathalie.perin@free.fr",
            "outlet_ids": str(progres), "source": "Salon", "kind": "journalist",
            "civility": "none", "visibility": "shared", "legal_basis": "legitimate_interest"}
    before = client.post_form("/contacts/new", form)
    assert before.status_code == 302  # no scan yet: the indexed check finds nothing
    with app.app_context():
        db.session.delete(db.session.scalar(select(Contact).where(Contact.last_name == "PERIN")))
        db.session.commit()
    scan_as(app, user.id)
    warned = client.post_form("/contacts/new", form)
    assert warned.status_code == 200
    assert f"/contacts/{perrin}" in warned.text
