"""Which foreign keys to ``contact.id`` a merge re-points is a declared decision.

``CONTACT_REFERENCES`` lists each one as re-pointed or excluded, with its reason; a new foreign
key to a contact (or a declared column that went away) fails here until someone decides.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from crm.dedupe import merging
from crm.dedupe.merging import CONTACT_REFERENCES, contact_foreign_keys, undeclared_references
from crm.extensions import db
from tests.conftest import make_app


@pytest.fixture(scope="module")
def metadata() -> MetaData:
    make_app("sqlite://")  # registering the features imports every model
    return db.metadata


def _copy(metadata: MetaData) -> MetaData:
    copy = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def test_every_foreign_key_to_a_contact_is_declared(metadata: MetaData) -> None:
    assert undeclared_references(metadata) == []


def test_every_declaration_says_why() -> None:
    for name, (decision, reason) in CONTACT_REFERENCES.items():
        assert decision in ("repoint", "excluded"), name
        assert reason.strip(), name


def test_a_new_foreign_key_to_a_contact_fails_until_declared(metadata: MetaData) -> None:
    copy = _copy(metadata)
    Table("press_kit_recipient", copy, Column("id", Integer, primary_key=True),
          Column("contact_id", Integer, ForeignKey("contact.id")))
    assert undeclared_references(copy) == ["press_kit_recipient.contact_id: not declared"]


def test_a_declared_column_that_went_away_fails(metadata: MetaData) -> None:
    copy = _copy(metadata)
    copy.remove(copy.tables["task"])
    assert undeclared_references(copy) == [
        "task.contact_id: declared, not a foreign key to contact.id"]


def test_a_merge_re_points_exactly_the_declared_columns(metadata: MetaData) -> None:
    moved = {f"{table.name}.{column}" for table, column in merging._references()}
    assert moved == {name for name, (decision, _) in CONTACT_REFERENCES.items()
                     if decision == "repoint"}
    assert moved < contact_foreign_keys(metadata)


def test_an_undo_refuses_a_move_on_an_undeclared_column(metadata: MetaData) -> None:
    with pytest.raises(merging.MergeBlocked):
        merging._declared("import_row", "source_line")
    with pytest.raises(merging.MergeBlocked):
        merging._declared("audit_event")
    assert merging._declared("duplicate_pair").name == "duplicate_pair"
