"""``ImportBatch.settings``: a typed value kept as JSON, read the same from batches stored
before it was typed."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from crm.contacts.models import Visibility
from crm.extensions import db
from crm.imports.batch_settings import (
    BatchSettings,
    LineProblem,
    ReadOptions,
    StagedBlock,
    StagedSection,
)
from crm.imports.models import BatchStatus, ImportBatch, SourceKind

FULL = BatchSettings(
    source="Fichier presse", visibility=Visibility.PRIVATE, upload="import-x.upload",
    options=ReadOptions(encoding="cp1252", delimiter=";"), headers=("Nom", "Courriel"),
    mapping={"Nom": "full_name", "Courriel": None}, encoding="cp1252", delimiter=";",
    problems=(LineProblem(row=4, reason="3 values for 2 columns"),),
    blocks=(StagedBlock(fingerprint="f" * 64, count=2, sections=(
        StagedSection(heading="Région", organisation_id=2, rows=(1, 2)),
        StagedSection(heading=None, organisation_id=None, rows=(3,)))),),
    refusal=None)


def test_settings_survive_json():
    assert BatchSettings.from_json(FULL.to_json()) == FULL


def test_the_json_keeps_the_layout_of_batches_stored_before():
    stored = FULL.to_json()
    assert stored["visibility"] == "private"
    assert stored["options"] == {"encoding": "cp1252", "delimiter": ";"}
    assert stored["problems"] == [{"row": 4, "reason": "3 values for 2 columns"}]
    assert stored["blocks"][0]["sections"][0] == {"heading": "Région", "organisation_id": 2,
                                                  "rows": [1, 2]}


def test_settings_stored_before_read_the_same():
    waiting = BatchSettings.from_json({"upload": "import-y.upload", "visibility": "private",
                                       "source": "s", "options": {"encoding": None,
                                                                  "delimiter": "\t"}})
    assert (waiting.upload, waiting.visibility, waiting.source) == \
        ("import-y.upload", Visibility.PRIVATE, "s")
    assert waiting.options == ReadOptions(encoding=None, delimiter="\t")
    assert waiting.headers == () and waiting.blocks == () and waiting.refusal is None
    assert BatchSettings.from_json({}) == BatchSettings() == BatchSettings.from_json(None)


def test_a_batch_keeps_its_settings_in_the_database(app, make_user):
    user = make_user("officer")
    with app.app_context():
        batch = ImportBatch(organisation_id=user.organisation_id, source_kind=SourceKind.TEXT,
                            filename="release.txt", status=BatchStatus.STAGED, settings=FULL)
        db.session.add(batch)
        db.session.commit()
        batch.settings = replace(batch.settings, upload=None, refusal="error")
        db.session.commit()
        db.session.expire_all()
        assert db.session.get_one(ImportBatch, batch.id).settings == \
            replace(FULL, upload=None, refusal="error")
        stored = db.session.scalar(select(ImportBatch.settings_json))
        assert stored["refusal"] == "error" and stored["source"] == "Fichier presse"
