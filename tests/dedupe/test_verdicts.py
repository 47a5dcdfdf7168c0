"""Reviewers' verdicts are kept as labels (levels of agreement, no personal value), undone
with their merge, used by the next scan to re-estimate its weights; the pair page shows the
bits each field brought."""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from crm.contacts.models import Contact
from crm.dedupe.engine.fields import KINDS
from crm.dedupe.engine.spec import contact_spec
from crm.dedupe.engine.training import MIN_LABELS
from crm.dedupe.models import DuplicateLabel, DuplicatePair, ScanRun, Verdict
from crm.extensions import db
from tests.dedupe.test_review import _merge_id, _pair_id, scan_as, two_poiriers
from tests.dedupe.test_review_labels import visible_text

FIELDS = {f.name for f in contact_spec().fields}


def _labels(app) -> list[DuplicateLabel]:
    with app.app_context():
        found = db.session.scalars(select(DuplicateLabel).order_by(DuplicateLabel.id)).all()
        db.session.expunge_all()
        return list(found)


def test_a_merge_is_kept_as_a_same_person_label_until_undone(app, client, login_as,
                                                             make_contact):
    one, two = two_poiriers(make_contact)
    user = login_as("officer")
    scan_as(app, user.id)
    pair_id = _pair_id(app)
    with app.app_context():
        pair = db.session.get_one(DuplicatePair, pair_id)
        scan_id, evidence = pair.scan_id, pair.evidence
    client.post_form(f"/duplicates/{pair_id}/merge", {"keep": "low"})
    [label] = _labels(app)
    assert (label.low_id, label.high_id, label.verdict) == (one, two, Verdict.SAME)
    assert (label.reviewer_id, label.organisation_id) == (user.id, user.organisation_id)
    assert label.scan_id == scan_id and label.merge_id == _merge_id(app)
    # the levels the engine found, and nothing else: no name, email or phone
    assert set(label.levels) == FIELDS
    assert all(type(level) is int for level in label.levels.values())
    assert label.levels == {e["field"]: e["level"] for e in evidence}
    assert label.levels["phone"] == KINDS["phone"].top  # the same mobile

    client.post_form(f"/duplicates/merges/{_merge_id(app)}/undo")
    assert _labels(app) == []


def test_not_the_same_person_is_kept_as_a_label(app, client, login_as, make_contact):
    one, two = two_poiriers(make_contact)
    user = login_as("officer", "Région BFC")
    scan_as(app, user.id)
    client.post_form(f"/duplicates/{_pair_id(app)}/not-same")
    [label] = _labels(app)
    assert (label.low_id, label.high_id, label.verdict) == (one, two, Verdict.NOT_SAME)
    assert label.organisation_id == user.organisation_id and label.merge_id is None


def test_a_label_outlives_its_contacts_without_their_ids(app, client, login_as, make_contact):
    one, two = two_poiriers(make_contact)
    user = login_as("officer")
    scan_as(app, user.id)
    client.post_form(f"/duplicates/{_pair_id(app)}/not-same")
    with app.app_context():  # erased for good (RGPD): the rows go
        db.session.execute(delete(Contact).where(Contact.id.in_((one, two))))
        db.session.commit()
    [label] = _labels(app)
    assert (label.low_id, label.high_id) == (None, None)
    assert label.verdict is Verdict.NOT_SAME and set(label.levels) == FIELDS


def test_enough_same_person_labels_re_estimate_the_weights(app, login_as, make_contact):
    two_poiriers(make_contact)
    user = login_as("officer")
    scan_as(app, user.id)
    spec = contact_spec()
    # reviewers found that most true duplicates have different emails: m moves that way
    levels = {"name": KINDS["name"].top, "email": 0, "phone": KINDS["phone"].top,
              "outlet": -1}
    with app.app_context():
        before = db.session.scalar(select(ScanRun.weights).order_by(ScanRun.id.desc()))
        for _ in range(MIN_LABELS + 5):
            db.session.add(DuplicateLabel(levels=levels, verdict=Verdict.SAME,
                                          organisation_id=user.organisation_id))
        db.session.add(DuplicateLabel(levels=levels, verdict=Verdict.NOT_SAME,
                                      organisation_id=user.organisation_id))
        db.session.commit()
    scan_as(app, user.id)
    with app.app_context():
        after = db.session.scalar(select(ScanRun.weights).order_by(ScanRun.id.desc()))
    assert before["labels"] == 0 and after["labels"] == MIN_LABELS + 6
    email = [f.name for f in spec.fields].index("email")
    assert after["m"][email][0] > before["m"][email][0]  # "different email" more likely
    assert after["u"] == before["u"]


def test_too_few_labels_change_nothing(app, login_as, make_contact):
    two_poiriers(make_contact)
    user = login_as("officer")
    with app.app_context():
        for _ in range(MIN_LABELS - 1):
            db.session.add(DuplicateLabel(levels={"email": 0}, verdict=Verdict.SAME,
                                          organisation_id=user.organisation_id))
        db.session.commit()
    scan_as(app, user.id)
    with app.app_context():
        assert db.session.scalar(select(ScanRun.weights))["labels"] == 0


def test_the_pair_page_shows_what_each_field_brings(app, client, login_as, make_contact):
    two_poiriers(make_contact)
    user = login_as("officer")
    scan_as(app, user.id)
    pair_id = _pair_id(app)
    with app.app_context():
        pair = db.session.get_one(DuplicatePair, pair_id)
        score, evidence = pair.score, pair.evidence
    page = client.get(f"/duplicates/{pair_id}")
    table = re.search(r'<table class="table table-sm[^"]*pair-weights">(.*?)</table>',
                      page.text, re.S)
    assert table, "no contributions table"
    text = visible_text(table.group(1))
    assert text.startswith("Ce que chaque champ apporte")
    assert "Champ Constat Apport (bits)" in text
    for name in ("Nom", "Courriel", "Téléphone", "Média"):
        assert re.search(rf"<th scope=\"row\">{name}</th>", table.group(1)), name
    assert "même numéro de portable" in text
    phone = next(e for e in evidence if e["field"] == "phone")
    assert f"+{phone['weight']:.1f}".replace(".", ",") in text
    shown = [float(b.replace(",", ".").replace("\u2212", "-"))
             for b in re.findall(r"[+\u2212]\d+,\d", text)]
    assert len(shown) >= len(evidence) + 1  # one per field, the total last
    assert abs(sum(shown[:-1]) - shown[-1]) <= 0.05 * len(shown)
    assert abs(shown[-1] - score) < 0.051
