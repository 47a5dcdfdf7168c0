import pytest
from sqlalchemy import event

from crm.contacts.listing import search_contacts
from crm.contacts.models import ContactKind, Visibility
from crm.contacts.search import ContactFilters
from crm.extensions import db
from crm.outlets.models import OutletKind
from tests.contacts.conftest import user


@pytest.fixture
def press_file(app, make_contact, make_outlet):
    er = make_outlet("L'Est Républicain", aliases=["ER", "L'Est Répu"])
    f3 = make_outlet("France 3 Bourgogne-Franche-Comté", kind=OutletKind.TV, aliases=["F3 BFC"])
    return {
        "hermier": make_contact("HERMIER", "Cécile", outlet_ids=[er], beats=["Économie"],
                                phones=["06 80 55 69 66"], area="21"),
        "lefevre": make_contact("Lefèvre", "Benoît", outlet_ids=[f3], emails=["b.lefevre@ftv.fr"],
                                area="25"),
        "poirier": make_contact("POIRIER", "Aline", kind=ContactKind.PRESS_OFFICER,
                                emails=["apoirier@aer-bfc.com"], is_opted_out=True),
        "private": make_contact("Républicain", "Secret", org="Région BFC",
                                visibility=Visibility.PRIVATE, outlet_ids=[er]),
    }


def found(app, user_id, query="", **filters):
    with app.app_context():
        page = search_contacts(user(user_id), query, ContactFilters(**filters))
        return {c.last_name for c in page.items}


@pytest.mark.parametrize(("query", "expected"), [
    ("republicain", {"HERMIER"}),
    ("hermier", {"HERMIER"}),
    ("HERMIER cecile", {"HERMIER"}),
    ("cécile", {"HERMIER"}),
    ("lefevre", {"Lefèvre"}),
    ("06 80 55", {"HERMIER"}),
    ("+33 6 80 55 69", {"HERMIER"}),
    ("0680556966", {"HERMIER"}),
    ("apoirier@aer", {"POIRIER"}),
    ("aer-bfc.com", {"POIRIER"}),
    ("economie", {"HERMIER"}),
    ("F3 BFC", {"Lefèvre"}),
    ("bourgogne franche", {"Lefèvre"}),
    ("est repu", {"HERMIER"}),
    ("nobody", set()),
    ("", {"HERMIER", "Lefèvre", "POIRIER"}),
    ("\"*)(-", {"HERMIER", "Lefèvre", "POIRIER"}),
])
def test_search_is_accent_and_case_insensitive(app, make_user, press_file, query, expected):
    assert found(app, make_user().id, query) == expected


def test_private_contacts_of_another_body_never_match(app, make_user, press_file):
    assert found(app, make_user("admin", "AER BFC").id, "secret") == set()
    assert found(app, make_user("officer", "Région BFC").id, "secret") == {"Républicain"}


def test_filters(app, make_user, press_file):
    uid = make_user().id
    assert found(app, uid, kind=ContactKind.PRESS_OFFICER) == {"POIRIER"}
    assert found(app, uid, outlet_kind=OutletKind.TV) == {"Lefèvre"}
    assert found(app, uid, area="21") == {"HERMIER"}
    assert found(app, uid, beat="economie") == {"HERMIER"}
    assert found(app, uid, has_email=False) == {"HERMIER"}
    assert found(app, uid, opted_out=True) == {"POIRIER"}
    assert found(app, uid, "b", has_email=True, area="25") == {"Lefèvre"}


def test_outlet_rename_reaches_the_search(app, make_user, press_file):
    from crm.outlets.models import Outlet
    from crm.outlets.services import outlet_data, update_outlet
    uid = make_user().id
    with app.app_context():
        outlet = db.session.scalars(db.select(Outlet).where(Outlet.kind == OutletKind.TV)).one()
        data = outlet_data(outlet)
        data.name = "France Télévisions Dijon"
        update_outlet(None, outlet, data, expected_version=outlet.version)
        db.session.commit()
    assert found(app, uid, "televisions") == {"Lefèvre"}


def test_the_number_of_queries_per_page_is_constant(app, make_user, make_contact, make_outlet):
    uid = make_user().id
    outlets = [make_outlet(f"Média {i}") for i in range(3)]

    def queries_for_page(query: str = "") -> int:
        with app.app_context():
            reader = user(uid)
            statements: list[str] = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                page = search_contacts(reader, query, ContactFilters())
                for contact in page.items:  # what the list template touches
                    _ = [o.name for o in contact.outlets], contact.primary_email
                    _ = contact.primary_phone, list(contact.beats)
                    _ = contact.organisation_short_name
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return len(statements)

    make_contact("Seul", outlet_ids=outlets[:1], emails=["a@b.fr"])
    few = queries_for_page()
    for i in range(30):
        make_contact(f"Nom{i}", outlet_ids=outlets, emails=[f"x{i}@b.fr"], phones=["0380000000"],
                     beats=["Sport"])
    # the count, the rows, then outlets, emails, phones and beats in one query each
    assert queries_for_page() == few == 6
    # a search counts its matches in the rows' statement
    assert queries_for_page("nom") == 5
