"""Every route × every role, CSRF on every POST, and no state change on GET."""

from __future__ import annotations

import datetime as dt
from string import Formatter

import pytest
from sqlalchemy import func, select

from crm.auth.models import User
from crm.contacts.models import Visibility
from crm.contacts.services import ContactData, create_contact
from crm.dedupe.merging import merge_contacts
from crm.dedupe.models import DuplicatePair, ScanRun
from crm.extensions import db
from crm.imports.models import ContactBlock, SourceKind
from crm.imports.readers import Table
from crm.imports.staging import stage_table
from crm.interactions.models import InteractionKind
from crm.interactions.services import InteractionData, log_interaction
from crm.tasks.services import TaskData, create_task
from tests.conftest import login

ROLES = ("anonymous", "officer", "manager", "admin")
LOGIN = "login"  # a redirect to the login page
ADMIN_ONLY = {"anonymous": LOGIN, "officer": 403, "manager": 403}

# (endpoint, method, path, form data) → expected status per role (default: 200 / given).
ROUTES: list[tuple[str, str, str, dict[str, str], dict[str, object]]] = [
    ("dashboard.index", "GET", "/", {}, {"anonymous": LOGIN}),
    ("auth.login", "GET", "/auth/login", {}, {"officer": 302, "manager": 302, "admin": 302}),
    ("auth.login", "POST", "/auth/login", {}, {"anonymous": 200, "officer": 302, "manager": 302,
                                                "admin": 302}),
    ("auth.logout", "POST", "/auth/logout", {}, {"anonymous": LOGIN, "default": 302}),
    ("auth.forgot_password", "GET", "/auth/forgot", {}, {}),
    ("auth.forgot_password", "POST", "/auth/forgot", {"email": "x@example.fr"}, {"default": 302}),
    ("auth.reset_password", "GET", "/auth/reset/not-a-token", {}, {"default": 410}),
    ("auth.reset_password", "POST", "/auth/reset/not-a-token", {}, {"default": 410}),
    ("auth.account", "GET", "/auth/account", {}, {"anonymous": LOGIN}),
    ("auth.change_password", "POST", "/auth/account/password", {},
     {"anonymous": LOGIN, "default": 422}),
    ("auth.preferences", "POST", "/auth/account/preferences", {"locale": "fr"},
     {"anonymous": LOGIN, "default": 302}),
    ("auth.language", "POST", "/auth/language", {"locale": "fr"}, {"default": 302}),
    # Users here have no authenticator: the code page sends them back, setup needs a start.
    ("mfa.verify", "GET", "/auth/mfa/verify", {}, {"anonymous": LOGIN, "default": 302}),
    ("mfa.verify", "POST", "/auth/mfa/verify", {"code": "123456"},
     {"anonymous": LOGIN, "default": 302}),
    ("mfa.manage", "GET", "/auth/mfa/", {}, {"anonymous": LOGIN}),
    ("mfa.start", "POST", "/auth/mfa/start", {}, {"anonymous": LOGIN, "default": 302}),
    ("mfa.setup", "GET", "/auth/mfa/setup", {}, {"anonymous": LOGIN, "default": 302}),
    ("mfa.setup", "POST", "/auth/mfa/setup", {"code": "123456"},
     {"anonymous": LOGIN, "default": 302}),
    ("mfa.regenerate", "POST", "/auth/mfa/recovery-codes", {"renew-code": "123456"},
     {"anonymous": LOGIN, "default": 302}),
    ("mfa.disable", "POST", "/auth/mfa/disable", {"off-code": "123456"},
     {"anonymous": LOGIN, "default": 302}),
    ("users.index", "GET", "/admin/users/", {}, ADMIN_ONLY),
    ("users.new", "GET", "/admin/users/new", {}, ADMIN_ONLY),
    ("users.new", "POST", "/admin/users/new", {}, {**ADMIN_ONLY, "admin": 422}),
    ("users.edit", "GET", "/admin/users/{target}/edit", {}, ADMIN_ONLY),
    ("users.edit", "POST", "/admin/users/{target}/edit", {"full_name": ""},
     {**ADMIN_ONLY, "admin": 422}),
    ("users.deactivate", "POST", "/admin/users/{target}/deactivate", {}, {**ADMIN_ONLY, "admin": 302}),
    ("users.activate", "POST", "/admin/users/{target}/activate", {}, {**ADMIN_ONLY, "admin": 302}),
    ("users.reset_mfa", "POST", "/admin/users/{target}/mfa/reset", {}, {**ADMIN_ONLY, "admin": 302}),
    ("orgs.index", "GET", "/admin/organisations/", {}, ADMIN_ONLY),
    ("orgs.new", "GET", "/admin/organisations/new", {}, ADMIN_ONLY),
    ("orgs.new", "POST", "/admin/organisations/new", {}, {**ADMIN_ONLY, "admin": 422}),
    ("orgs.edit", "GET", "/admin/organisations/{org}/edit", {}, ADMIN_ONLY),
    ("orgs.edit", "POST", "/admin/organisations/{org}/edit", {"name": ""},
     {**ADMIN_ONLY, "admin": 422}),
    ("audit.index", "GET", "/admin/audit/", {}, ADMIN_ONLY),
    ("static", "GET", "/static/css/relais.css", {}, {}),
]

SIGNED_IN = {"anonymous": LOGIN}
# Records made by another officer of the same body: her colleagues may read, not change them.
AUTHOR_OR_MANAGER = {"anonymous": LOGIN, "officer": 403}
ROUTES += [
    ("contacts.index", "GET", "/contacts/", {}, SIGNED_IN),
    ("contacts.new", "GET", "/contacts/new", {}, SIGNED_IN),
    ("contacts.new", "POST", "/contacts/new", {}, {**SIGNED_IN, "default": 422}),
    ("contacts.show", "GET", "/contacts/{contact}", {}, SIGNED_IN),
    ("contacts.edit", "GET", "/contacts/{contact}/edit", {}, SIGNED_IN),
    ("contacts.edit", "POST", "/contacts/{contact}/edit", {"last_name": ""},
     {**SIGNED_IN, "default": 422}),
    ("contacts.delete", "POST", "/contacts/{contact}/delete", {}, {**SIGNED_IN, "default": 302}),
    ("contacts.restore", "POST", "/contacts/{contact}/restore", {}, {**SIGNED_IN, "default": 404}),
    ("contacts.bulk_tag", "POST", "/contacts/bulk-tag", {}, {**SIGNED_IN, "default": 302}),
    ("contacts.trash", "GET", "/contacts/trash", {}, SIGNED_IN),
    ("outlets.index", "GET", "/outlets/", {}, SIGNED_IN),
    ("outlets.new", "GET", "/outlets/new", {}, SIGNED_IN),
    ("outlets.new", "POST", "/outlets/new", {}, {**SIGNED_IN, "default": 422}),
    ("outlets.show", "GET", "/outlets/{outlet}", {}, SIGNED_IN),
    ("outlets.edit", "GET", "/outlets/{outlet}/edit", {}, SIGNED_IN),
    ("outlets.edit", "POST", "/outlets/{outlet}/edit", {"name": ""},
     {**SIGNED_IN, "default": 422}),
    ("outlets.delete", "POST", "/outlets/{outlet}/delete", {}, {**SIGNED_IN, "default": 302}),
    ("outlets.restore", "POST", "/outlets/{outlet}/restore", {}, {**SIGNED_IN, "default": 404}),
    ("outlets.trash", "GET", "/outlets/trash", {}, SIGNED_IN),
    ("imports.index", "GET", "/imports/", {}, SIGNED_IN),
    ("imports.new", "GET", "/imports/new", {}, SIGNED_IN),
    ("imports.new", "POST", "/imports/new", {}, {**SIGNED_IN, "default": 422}),
    ("imports.show", "GET", "/imports/{batch}", {}, SIGNED_IN),
    ("imports.remap", "POST", "/imports/{batch}/mapping", {}, {**SIGNED_IN, "default": 302}),
    ("imports.commit", "POST", "/imports/{batch}/commit", {"mode": "skip"},
     {**SIGNED_IN, "default": 302}),
    ("imports.undo", "POST", "/imports/{batch}/undo", {}, {**SIGNED_IN, "default": 302}),
    ("imports.progress", "GET", "/imports/{batch}/progress", {}, SIGNED_IN),
    ("imports.rejected", "GET", "/imports/{batch}/rejected.csv", {}, SIGNED_IN),
    ("imports.blocks", "GET", "/imports/blocks/", {}, SIGNED_IN),
    ("imports.block", "GET", "/imports/blocks/{block}", {}, SIGNED_IN),
    ("interactions.log", "POST", "/interactions/contact/{contact}", {},
     {**SIGNED_IN, "default": 422}),
    ("interactions.show", "GET", "/interactions/{interaction}", {}, SIGNED_IN),
    ("interactions.edit", "GET", "/interactions/{interaction}/edit", {}, AUTHOR_OR_MANAGER),
    ("interactions.edit", "POST", "/interactions/{interaction}/edit", {"subject": ""},
     {**AUTHOR_OR_MANAGER, "default": 422}),
    ("interactions.delete", "POST", "/interactions/{interaction}/delete", {},
     {**AUTHOR_OR_MANAGER, "default": 302}),
    ("interactions.restore", "POST", "/interactions/{interaction}/restore", {},
     {**SIGNED_IN, "default": 404}),  # not deleted: nothing to restore
    ("tasks.index", "GET", "/tasks/", {}, SIGNED_IN),
    ("tasks.team", "GET", "/tasks/team", {}, SIGNED_IN),
    ("tasks.new", "GET", "/tasks/new", {}, SIGNED_IN),
    ("tasks.new", "POST", "/tasks/new", {}, {**SIGNED_IN, "default": 422}),
    ("tasks.show", "GET", "/tasks/{task}", {}, SIGNED_IN),
    ("tasks.edit", "GET", "/tasks/{task}/edit", {}, AUTHOR_OR_MANAGER),
    ("tasks.edit", "POST", "/tasks/{task}/edit", {"title": ""},
     {**AUTHOR_OR_MANAGER, "default": 422}),
    ("tasks.comment", "POST", "/tasks/{task}/comments", {"body": "Relancé ce matin."},
     {**SIGNED_IN, "default": 302}),
    ("tasks.status", "POST", "/tasks/{task}/status", {"status": "done"},
     {**AUTHOR_OR_MANAGER, "default": 302}),
    ("dedupe.index", "GET", "/duplicates/", {}, SIGNED_IN),
    ("dedupe.start_scan", "POST", "/duplicates/scan", {}, {**SIGNED_IN, "default": 302}),
    ("dedupe.scan_progress", "GET", "/duplicates/scan/{scan}/progress", {}, SIGNED_IN),
    # the contact belongs to another body: only its own managers erase it
    ("privacy.erase", "GET", "/privacy/contacts/{contact}/erase", {},
     {**SIGNED_IN, "default": 403}),
    ("privacy.erase", "POST", "/privacy/contacts/{contact}/erase", {"confirm": "y"},
     {**SIGNED_IN, "default": 403}),
    ("dedupe.show", "GET", "/duplicates/{pair}", {}, SIGNED_IN),
    ("dedupe.merge", "POST", "/duplicates/{pair}/merge", {"keep": "low"},
     {**SIGNED_IN, "default": 302}),
    ("dedupe.not_same", "POST", "/duplicates/{pair}/not-same", {}, {**SIGNED_IN, "default": 302}),
    ("dedupe.merges", "GET", "/duplicates/merges", {}, SIGNED_IN),
    ("dedupe.undo", "POST", "/duplicates/merges/{merge}/undo", {}, {**SIGNED_IN, "default": 302}),
]


@pytest.fixture
def fresh_records(app, make_user, make_contact, make_outlet):
    """Make the records a path names (and only those): another body's user, a shared contact
    of another body, an outlet, a staged import, a contact block, a duplicate pair, a merge,
    a queued duplicate scan."""
    importer = make_user("officer", "AER BFC")
    counter = iter(range(1, 1000))

    def make(path: str) -> dict[str, int]:
        needed = {name for _text, name, _spec, _conv in Formatter().parse(path) if name}
        n, found = next(counter), {}
        if needed & {"target", "org"}:
            target = make_user("officer", "Préfecture BFC")
            found.update(target=target.id, org=target.organisation_id)
        if "contact" in needed:
            found["contact"] = make_contact("HERMIER", "Cécile", org="Préfecture BFC")
        if "outlet" in needed:
            found["outlet"] = make_outlet(f"Le Bien Public {n}")
        with app.app_context():
            user = db.session.get_one(User, importer.id)
            if "batch" in needed:
                found["batch"] = stage_table(user, Table(headers=["Nom"], rows=[{"Nom": "X"}]),
                                             kind=SourceKind.CSV, filename="f.csv", source="t",
                                             visibility=Visibility.SHARED).id
            if "block" in needed:
                block = ContactBlock(fingerprint=f"{n:064d}", title="AER BFC")
                db.session.add(block)
                db.session.flush()
                found["block"] = block.id
            if needed & {"pair", "merge"}:
                found.update(_pair_and_merge(user))
            if "scan" in needed:
                run = ScanRun(organisation_id=user.organisation_id)
                db.session.add(run)
                db.session.flush()
                found["scan"] = run.id
            if needed & {"interaction", "task"}:
                found.update(_interaction_and_task(user))
            db.session.commit()
        return found

    return make


def _pair_and_merge(user: User) -> dict[str, int]:
    """An open duplicate pair and a merge, both between shared contacts of the AER."""
    a, b, c, d = (create_contact(user, ContactData(last_name="DUPONT", first_name="Jean",
                                                   source="test"), organisation_id=user.organisation_id)
                  for _ in range(4))
    db.session.flush()
    pair = DuplicatePair(low_id=a.id, high_id=b.id, score=20.0, evidence=[])
    db.session.add(pair)
    merge = merge_contacts(user, c, d, {})
    db.session.commit()
    return {"pair": pair.id, "merge": merge.id}


def _interaction_and_task(user: User) -> dict[str, int]:
    """A call logged by an AER officer (visible to the AER) and a task she gave herself."""
    contact = create_contact(user, ContactData(last_name="ROBIN", first_name="Antoine",
                                               source="test"), organisation_id=user.organisation_id)
    db.session.flush()
    interaction = log_interaction(user, InteractionData(
        kind=InteractionKind.CALL, subject="Appel", contact_ids=[contact.id],
        happened_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)))
    task = create_task(user, TaskData(title="Relancer", assignee_id=user.id))
    db.session.flush()
    return {"interaction": interaction.id, "task": task.id}


@pytest.fixture
def records(fresh_records) -> dict[str, int]:
    return fresh_records("{target}{org}{contact}{outlet}{batch}{block}{pair}{merge}"
                         "{interaction}{task}{scan}")


def expected(spec: dict[str, object], role: str) -> object:
    if role in spec:
        return spec[role]
    return spec.get("default", 200)


def test_every_route_is_in_the_matrix(app):
    covered = {(endpoint, method) for endpoint, method, *_ in ROUTES}
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{rule.endpoint} {method} has no access test"


def _clients(app, make_user) -> dict[str, object]:
    clients = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        clients[role] = app.test_client()
        assert login(clients[role], make_user(role, "AER BFC").email).status_code == 302
    return clients


@pytest.mark.parametrize(("endpoint", "method", "path", "data", "spec"), ROUTES,
                         ids=[f"{r[0]}-{r[1]}" for r in ROUTES])
def test_access_matrix(app, make_user, fresh_records, endpoint, method, path, data, spec):
    """Each role, on a fresh set of records, gets exactly the expected answer."""
    shared = fresh_records(path) if method == "GET" else None  # reading changes nothing
    for role, client in _clients(app, make_user).items():
        url = path.format(**(shared or fresh_records(path)))
        response = client.get(url) if method == "GET" else client.post_form(url, data)
        response.close()
        want = expected(spec, role)
        if want == LOGIN:
            assert response.status_code == 302, role
            assert response.headers["Location"].startswith("/auth/login"), role
        else:
            assert response.status_code == want, (role, response.text[:300])


@pytest.mark.parametrize(("endpoint", "path"), [
    (r[0], r[2]) for r in ROUTES if r[1] == "POST" and r[0] != "auth.login"
] + [("auth.login", "/auth/login")])
def test_every_post_needs_a_csrf_token(app, client, make_user, records, endpoint, path):
    admin = make_user("admin", "AER BFC")
    if endpoint != "auth.login":
        login(client, admin.email)
    response = client.post(path.format(**records),
                           data={"locale": "en", "email": admin.email})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.text


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_no_state_change_on_get(app, client, make_user, records):
    admin = make_user("admin", "AER BFC")
    login(client, admin.email)
    before = _row_counts(app)
    for endpoint, method, path, _data, _spec in ROUTES:
        if method == "GET":
            with client.get(path.format(**records)) as page:
                assert page.status_code in (200, 302, 403, 410), endpoint
    assert _row_counts(app) == before


def test_unknown_ids_answer_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.get("/admin/organisations/999999/edit").status_code == 404
    assert client.post_form("/admin/users/999999/deactivate").status_code == 404
