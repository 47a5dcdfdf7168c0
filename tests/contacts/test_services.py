import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.contacts.duplicates import find_duplicates
from crm.contacts.models import Contact, PhoneKind, Visibility
from crm.contacts.services import (
    ContactData,
    contact_data,
    get_contact_or_404,
    purge_deleted_contacts,
    restore_contact,
    soft_delete_contact,
    update_contact,
)
from crm.errors import ConflictError
from crm.extensions import db
from tests.contacts.conftest import user


def test_create_normalises_and_audits(app, make_user, make_contact, make_outlet):
    outlet_id = make_outlet("Le Bien Public", switchboard_phone="03 80 42 42 42")
    contact_id = make_contact(
        "SÉGOLÈNE-d’Arcy", "Élodie", emails=["  Elodie.Segolene@LBP.fr ", "e.s@gmail.com"],
        phones=["+33 (0)6 80 55 69 66", "03 80 42 42 42"], outlet_ids=[outlet_id],
        beats=["Économie", "economie", "Culture"])
    with app.app_context():
        contact = db.session.get_one(Contact, contact_id)
        assert contact.name_key == "arcy d elodie segolene"
        assert [e.email for e in contact.emails] == ["elodie.segolene@lbp.fr", "e.s@gmail.com"]
        assert contact.emails[0].is_primary and not contact.emails[1].is_primary
        assert [(p.e164, p.kind) for p in contact.phones] == [
            ("+33680556966", PhoneKind.MOBILE), ("+33380424242", PhoneKind.SWITCHBOARD)]
        assert [b.name for b in contact.beats] == ["Culture", "Économie"]
        assert "bien public" in contact.search_text
        assert "0680556966" in contact.search_text
        assert contact.version == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "contact.created", AuditEvent.target_id == contact_id)) == 1


def test_invalid_values_are_refused(app, make_contact):
    with pytest.raises(ValueError):
        make_contact(emails=["not-an-email"])
    with pytest.raises(ValueError):
        make_contact(social_links=["javascript:alert(1)"])
    with pytest.raises(ValueError):
        make_contact(source="  ")


def test_update_with_a_stale_version_raises_a_conflict(app, make_user, make_contact):
    contact_id = make_contact()
    actor_id = make_user().id
    with app.app_context():
        contact = db.session.get_one(Contact, contact_id)
        data = contact_data(contact)
        data.job_title = "Rédactrice en chef"
        update_contact(user(actor_id), contact, data, expected_version=1)
        db.session.commit()
        assert contact.version == 2
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "contact.updated")).one()
        assert event.details["fields"] == ["job_title"]
        data.job_title = "Pigiste"
        with pytest.raises(ConflictError):
            update_contact(user(actor_id), contact, data, expected_version=1)
        db.session.rollback()
        assert db.session.get_one(Contact, contact_id).job_title == "Rédactrice en chef"


def test_concurrent_flush_is_a_conflict(app, make_contact):
    contact_id = make_contact()
    with app.app_context():
        contact = db.session.get_one(Contact, contact_id)
        data = contact_data(contact)
        # another request saves first, behind this session's back
        with db.engine.begin() as conn:
            conn.execute(Contact.__table__.update().where(Contact.id == contact_id)
                         .values(version=2, job_title="Autre"))
        data.job_title = "Mien"
        with pytest.raises(ConflictError):
            update_contact(None, contact, data, expected_version=1)
        db.session.rollback()


def test_scope_and_soft_delete_restore_purge(app, make_user, make_contact):
    shared = make_contact("Partagé")
    private = make_contact("Privé", org="Région BFC", visibility=Visibility.PRIVATE)
    aer, region = make_user("officer", "AER BFC").id, make_user("officer", "Région BFC").id
    with app.app_context():
        assert get_contact_or_404(user(aer), shared).id == shared
        assert get_contact_or_404(user(region), private).id == private
        from werkzeug.exceptions import NotFound
        with pytest.raises(NotFound):
            get_contact_or_404(user(aer), private)
        contact = get_contact_or_404(user(aer), shared)
        soft_delete_contact(user(aer), contact)
        db.session.commit()
        with pytest.raises(NotFound):
            get_contact_or_404(user(aer), shared)
        restore_contact(user(aer), get_contact_or_404(user(aer), shared, deleted=True))
        soft_delete_contact(user(aer), get_contact_or_404(user(aer), shared))
        db.session.commit()
        assert purge_deleted_contacts(None, dt.timedelta(days=30)) == 0
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31), tick=False):
            assert purge_deleted_contacts(None, dt.timedelta(days=30)) == 1
        db.session.commit()
        assert db.session.get(Contact, shared) is None
        assert db.session.get(Contact, private) is not None


def test_duplicates_by_email_phone_or_name_at_the_same_outlet(app, make_user, make_contact,
                                                            make_outlet):
    outlet = make_outlet("France 3 Bourgogne-Franche-Comté", kind="tv")
    first = make_contact("POIRIER", "Aline", emails=["apoirier@aer-bfc.com"],
                         phones=["06 80 55 69 66"], outlet_ids=[outlet])
    make_contact("Caché", org="Région BFC", visibility=Visibility.PRIVATE,
                 emails=["apoirier@aer-bfc.com"])
    actor = make_user().id
    with app.app_context():
        def found(**kwargs):
            data = ContactData(last_name=kwargs.pop("last_name", "X"), source="t", **kwargs)
            return [c.id for c in find_duplicates(user(actor), data)]

        assert found(emails=["APoirier@AER-BFC.com"]) == [first]
        assert found(phones=["0033680556966"]) == [first]
        assert found(last_name="aline", first_name="poirier", outlet_ids=[outlet]) == [first]
        assert found(last_name="aline", first_name="poirier") == []
        data = ContactData(last_name="X", source="t", emails=["apoirier@aer-bfc.com"])
        assert find_duplicates(user(actor), data, exclude_id=first) == []
