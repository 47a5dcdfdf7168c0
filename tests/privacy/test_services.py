"""Erasure services on their own: who may erase, what goes (the contact and the duplicates
merged into it), what stays (digests only), and what the audit log keeps (ids and counts)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import get_contact_or_404
from crm.dedupe.merging import merge_contacts
from crm.extensions import db
from crm.privacy.models import Suppression, SuppressionKind
from crm.privacy.services import digest, erase_contact, is_suppressed, may_erase
from tests.factories import user


def test_only_a_manager_of_the_owning_body_may_erase(app, make_user, make_contact):
    own = make_contact("POIRIER", org="AER BFC")
    other = make_contact("HERMIER", org="Région BFC")
    manager, admin = make_user("manager", "AER BFC"), make_user("admin", "AER BFC")
    officer, other_manager = make_user("officer", "AER BFC"), make_user("manager", "Région BFC")
    with app.app_context():
        contact = db.session.get_one(Contact, own)
        assert may_erase(user(manager.id), contact) and may_erase(user(admin.id), contact)
        assert not may_erase(user(officer.id), contact)
        assert not may_erase(user(other_manager.id), contact)
        assert not may_erase(user(manager.id), db.session.get_one(Contact, other))
        for refused in (officer, other_manager):
            with pytest.raises(PermissionError):
                erase_contact(user(refused.id), contact)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Contact.id))) == 2
        assert db.session.scalar(select(func.count(Suppression.id))) == 0


def test_erasure_takes_the_merged_duplicates_and_keeps_digests_and_ids_only(app, make_user,
                                                                            make_contact):
    manager = make_user("manager", "AER BFC")
    kept = make_contact("HERMIER", emails=["c.hermier@estrepublicain.test"],
                        phones=["+33380445566"])
    twin = make_contact("HERMIER", emails=["cecile.hermier@lbp.test"])
    bystander = make_contact("ROBIN", emails=["a.robin@lbp.test"])
    private = make_contact("PRIVÉ", org="Région BFC", visibility=Visibility.PRIVATE)
    with app.app_context():
        actor = user(manager.id)
        merge_contacts(actor, get_contact_or_404(actor, kept), get_contact_or_404(actor, twin), {})
        db.session.commit()
        assert erase_contact(actor, get_contact_or_404(actor, kept)) == 2
        db.session.commit()
        left = set(db.session.scalars(select(Contact.id)))
        assert left == {bystander, private}
        assert is_suppressed(["C.Hermier@EstRepublicain.test"], [])
        assert is_suppressed([], ["+33380445566"]) and is_suppressed(["cecile.hermier@lbp.test"], [])
        assert not is_suppressed(["a.robin@lbp.test"], ["+33380000000"])
        stored = {(s.kind, s.digest, s.organisation_id) for s in db.session.scalars(select(Suppression))}
        assert (SuppressionKind.EMAIL, digest(SuppressionKind.EMAIL, "c.hermier@estrepublicain.test"),
                manager.organisation_id) in stored
        assert all("@" not in value and "+33" not in value for _kind, value, _org in stored)
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "contact.erased")).one()
        assert (event.actor_id, event.target_id, event.details) == (
            manager.id, None, {"contacts": 2, "on_request": True})
        # the events about both contacts now name an erased contact, which leads to nobody
        assert set(db.session.scalars(select(AuditEvent.target_type).where(
            AuditEvent.target_id.in_([kept, twin]),
            AuditEvent.target_type.in_(["contact", "erased_contact"])))) == {"erased_contact"}
        # erasing a second person already in the list adds no second digest
        again = make_contact("HERMIER", emails=["c.hermier@estrepublicain.test"])
        erase_contact(actor, get_contact_or_404(actor, again))
        db.session.commit()
        assert db.session.scalar(select(func.count(Suppression.id))) == len(stored)
