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
from crm.events.models import Audience, EventStatus, EventVisibility, Response
from crm.events.services import (
    EventData,
    SessionData,
    create_event,
    invite,
    link_token,
    set_status,
)
from crm.extensions import db
from crm.imports.models import ContactBlock, ContactBlockEntry, ContactBlockSection, SourceKind
from crm.imports.parsing.readers import Table
from crm.imports.staging import stage_table
from crm.interactions.models import InteractionKind
from crm.interactions.services import InteractionData, log_interaction
from crm.lists.models import ListVisibility
from crm.lists.services import create_list
from crm.mailings.models import Attachment, Delivery, DeliveryStatus
from crm.mailings.sending import token_hash
from crm.mailings.services import MailingData, create_mailing
from crm.privacy.models import PrivacyRequest, RequestKind
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
    # probes: no sign-in, the same answer for everyone
    ("health.live", "GET", "/healthz", {}, {}),
    ("health.ready", "GET", "/readyz", {}, {}),
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
    # another body's shared contact: only its owner body deletes it
    ("contacts.delete", "POST", "/contacts/{contact}/delete", {}, {**SIGNED_IN, "default": 403}),
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
    ("imports.discard", "POST", "/imports/{batch}/discard", {}, {**SIGNED_IN, "default": 302}),
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
    ("lists.index", "GET", "/lists/", {}, SIGNED_IN),
    ("lists.new", "GET", "/lists/new", {}, SIGNED_IN),
    ("lists.new", "POST", "/lists/new", {}, {**SIGNED_IN, "default": 422}),
    ("lists.save_segment", "POST", "/lists/segments", {}, {**SIGNED_IN, "default": 302}),
    ("lists.add", "POST", "/lists/add", {}, {**SIGNED_IN, "default": 302}),
    ("dedupe.index", "GET", "/duplicates/", {}, SIGNED_IN),
    ("dedupe.start_scan", "POST", "/duplicates/scan", {}, {**SIGNED_IN, "default": 302}),
    ("dedupe.scan_progress", "GET", "/duplicates/scan/{scan}/progress", {}, SIGNED_IN),
    # the contact belongs to another body: only its own managers erase it
    ("privacy.erase", "GET", "/privacy/contacts/{contact}/erase", {},
     {**SIGNED_IN, "default": 403}),
    ("privacy.erase", "POST", "/privacy/contacts/{contact}/erase", {"confirm": "y"},
     {**SIGNED_IN, "default": 403}),
    # the person's rights: an admin of the owning body (the contact is the Préfecture's)
    ("privacy.rights", "GET", "/privacy/contacts/{contact}/rights", {}, {**SIGNED_IN, "default": 403}),
    ("privacy.rights", "POST", "/privacy/contacts/{contact}/rights", {"kind": "access"},
     {**SIGNED_IN, "default": 403}),
    ("privacy.access", "GET", "/privacy/contacts/{contact}/access", {}, {**SIGNED_IN, "default": 403}),
    ("privacy.access_json", "GET", "/privacy/contacts/{contact}/access.json", {},
     {**SIGNED_IN, "default": 403}),
    # a body's information notice is public; its admins edit it
    ("privacy.notice", "GET", "/privacy/notice/{org}", {}, {}),
    ("privacy.edit_notice", "GET", "/privacy/notice/edit", {}, ADMIN_ONLY),
    ("privacy.edit_notice", "POST", "/privacy/notice/edit", {"controller": ""},
     {**ADMIN_ONLY, "admin": 422}),
    ("privacy.requests", "GET", "/privacy/requests/", {}, ADMIN_ONLY),
    ("privacy.answer", "POST", "/privacy/requests/{privacy_request}/answer", {},
     {**ADMIN_ONLY, "admin": 302}),
    ("privacy.review", "GET", "/privacy/retention", {}, ADMIN_ONLY),
    ("privacy.review", "POST", "/privacy/retention", {}, {**ADMIN_ONLY, "admin": 422}),
    ("privacy.register", "GET", "/privacy/register", {}, ADMIN_ONLY),
    ("dedupe.show", "GET", "/duplicates/{pair}", {}, SIGNED_IN),
    ("dedupe.merge", "POST", "/duplicates/{pair}/merge", {"keep": "low"},
     {**SIGNED_IN, "default": 302}),
    ("dedupe.not_same", "POST", "/duplicates/{pair}/not-same", {}, {**SIGNED_IN, "default": 302}),
    ("dedupe.merges", "GET", "/duplicates/merges", {}, SIGNED_IN),
    ("dedupe.undo", "POST", "/duplicates/merges/{merge}/undo", {}, {**SIGNED_IN, "default": 302}),
]

# An officer of another body (the records are the Préfecture's, the users the AER's): 404 for
# its private records, 403 where the action is refused on a shared record they can see.
REFUSED, NOT_FOUND = {**SIGNED_IN, "default": 403}, {**SIGNED_IN, "default": 404}
MANAGERS = {"anonymous": LOGIN, "officer": 403}
# RFC 8058: a mail client unsubscribes with a bare POST, no cookie and no CSRF token.
CSRF_EXEMPT = {"mailings.unsubscribe"}
ROUTES += [
    ("contacts.delete", "GET", "/contacts/{contact}/delete", {}, REFUSED),
    ("contacts.delete", "GET", "/contacts/{own_contact}/delete", {}, SIGNED_IN),
    ("contacts.delete", "POST", "/contacts/{own_contact}/delete", {},
     {**SIGNED_IN, "default": 302}),
    ("contacts.edit", "GET", "/contacts/{private_contact}/edit", {}, NOT_FOUND),
    ("privacy.rights", "GET", "/privacy/contacts/{own_contact}/rights", {},
     {**SIGNED_IN, "officer": 403, "manager": 403}),
    ("privacy.rights", "POST", "/privacy/contacts/{own_contact}/rights", {"kind": "object"},
     {**SIGNED_IN, "default": 403, "admin": 302}),
    ("privacy.access", "GET", "/privacy/contacts/{own_contact}/access", {},
     {**SIGNED_IN, "officer": 403, "manager": 403}),
    ("privacy.access_json", "GET", "/privacy/contacts/{own_contact}/access.json", {},
     {**SIGNED_IN, "officer": 403, "manager": 403}),
    ("privacy.rights", "GET", "/privacy/contacts/{private_contact}/rights", {}, NOT_FOUND),
    ("privacy.rights", "POST", "/privacy/contacts/{private_contact}/rights", {"kind": "object"},
     NOT_FOUND),
    ("privacy.access", "GET", "/privacy/contacts/{private_contact}/access", {}, NOT_FOUND),
    ("privacy.access_json", "GET", "/privacy/contacts/{private_contact}/access.json", {},
     NOT_FOUND),
    ("contacts.edit", "POST", "/contacts/{private_contact}/edit", {"last_name": ""}, NOT_FOUND),
    ("contacts.delete", "GET", "/contacts/{private_contact}/delete", {}, NOT_FOUND),
    ("contacts.delete", "POST", "/contacts/{private_contact}/delete", {}, NOT_FOUND),
    ("dedupe.show", "GET", "/duplicates/{private_pair}", {}, NOT_FOUND),
    ("dedupe.merge", "POST", "/duplicates/{private_pair}/merge", {"keep": "low"}, NOT_FOUND),
    # keeping one's private copy over another body's shared contact
    ("dedupe.merge", "POST", "/duplicates/{mixed_pair}/merge", {"keep": "low"}, REFUSED),
    # two shared contacts of another body: merged, undoable by both bodies
    ("dedupe.merge", "POST", "/duplicates/{shared_pair}/merge", {"keep": "low"},
     {**SIGNED_IN, "default": 302}),
    ("dedupe.undo", "POST", "/duplicates/merges/{foreign_merge}/undo", {}, REFUSED),
    ("dedupe.undo", "POST", "/duplicates/merges/{private_merge}/undo", {}, NOT_FOUND),
    ("imports.block", "GET", "/imports/blocks/{private_block}", {}, NOT_FOUND),
    # the list is another body's shared list: seen by all, changed by its body only
    ("lists.show", "GET", "/lists/{list}", {}, SIGNED_IN),
    ("lists.edit", "GET", "/lists/{list}/edit", {}, REFUSED),
    ("lists.edit", "POST", "/lists/{list}/edit", {"name": ""}, REFUSED),
    ("lists.delete", "POST", "/lists/{list}/delete", {}, REFUSED),
    ("lists.add_import", "POST", "/lists/{list}/import", {}, REFUSED),
    ("lists.remove", "POST", "/lists/{list}/members/{contact}/remove", {}, REFUSED),
    ("lists.show", "GET", "/lists/{private_list}", {}, NOT_FOUND),
    # mailings are the managers': a draft of the users' own body, and one of the Préfecture
    ("mailings.index", "GET", "/mailings/", {}, MANAGERS),
    ("mailings.new", "GET", "/mailings/new", {}, MANAGERS),
    ("mailings.new", "POST", "/mailings/new", {}, {**MANAGERS, "default": 422}),
    ("mailings.show", "GET", "/mailings/{mailing}", {}, MANAGERS),
    ("mailings.progress", "GET", "/mailings/{mailing}/progress", {}, MANAGERS),
    ("mailings.edit", "GET", "/mailings/{mailing}/edit", {}, MANAGERS),
    ("mailings.edit", "POST", "/mailings/{mailing}/edit", {"subject": ""},
     {**MANAGERS, "default": 422}),
    ("mailings.send", "POST", "/mailings/{mailing}/send", {}, {**MANAGERS, "default": 302}),
    ("mailings.send_test", "POST", "/mailings/{mailing}/test", {}, {**MANAGERS, "default": 302}),
    ("mailings.send_test", "POST", "/mailings/{foreign_mailing}/test", {},
     {**MANAGERS, "default": 404}),
    ("mailings.schedule", "POST", "/mailings/{mailing}/schedule", {"send_at": "2099-01-01T09:00"},
     {**MANAGERS, "default": 302}),
    ("mailings.unschedule", "POST", "/mailings/{mailing}/unschedule", {},
     {**MANAGERS, "default": 302}),
    ("mailings.schedule", "POST", "/mailings/{foreign_mailing}/schedule", {},
     {**MANAGERS, "default": 404}),
    ("mailings.resend", "POST", "/mailings/{mailing}/deliveries/{delivery}/resend", {},
     {**MANAGERS, "default": 302}),
    ("mailings.show", "GET", "/mailings/{foreign_mailing}", {}, {**MANAGERS, "default": 404}),
    ("mailings.send", "POST", "/mailings/{foreign_mailing}/send", {},
     {**MANAGERS, "default": 404}),
    # the contact list's selection: none sent is a flashed error (302)
    ("mailings.from_selection", "POST", "/mailings/from-selection", {},
     {**MANAGERS, "default": 302}),
    # a draft's files: no file sent is a flashed error (302)
    ("mailing_attachments.add", "POST", "/mailings/{mailing}/attachments", {},
     {**MANAGERS, "default": 302}),
    ("mailing_attachments.download", "GET", "/mailings/{mailing}/attachments/{attachment}", {},
     MANAGERS),
    ("mailing_attachments.remove", "POST",
     "/mailings/{mailing}/attachments/{attachment}/remove", {}, {**MANAGERS, "default": 302}),
    ("mailing_attachments.add", "POST", "/mailings/{foreign_mailing}/attachments", {},
     {**MANAGERS, "default": 404}),
    ("mailing_attachments.download", "GET",
     "/mailings/{foreign_mailing}/attachments/{foreign_attachment}", {},
     {**MANAGERS, "default": 404}),
    ("mailing_attachments.remove", "POST",
     "/mailings/{foreign_mailing}/attachments/{foreign_attachment}/remove", {},
     {**MANAGERS, "default": 404}),
    # the recipient's link: no account, a token
    ("mailings.unsubscribe", "GET", "/mailings/unsubscribe/{token}", {}, {}),
    ("mailings.unsubscribe", "POST", "/mailings/unsubscribe/{token}", {}, {}),
    ("mailings.unsubscribe", "GET", "/mailings/unsubscribe/not-a-token", {}, {"default": 404}),
    ("mailings.unsubscribe_choice", "POST", "/mailings/unsubscribe/{token}/choose",
     {"scope": "all"}, {}),
    # exports are the managers' (officers when EXPORTS_BY_OFFICERS is on): another body's
    # shared list is exported, its private one does not exist
    ("exports.new", "GET", "/exports/new?list_id={list}", {}, MANAGERS),
    ("exports.new", "GET", "/exports/new?list_id={private_list}", {}, {**MANAGERS, "default": 404}),
    ("exports.new", "GET", "/exports/new?criteria=%7B%7D", {}, MANAGERS),
    ("exports.selection", "POST", "/exports/selection", {}, MANAGERS),
    ("exports.create", "POST", "/exports/", {"source": "search", "criteria": "{}", "format": "csv",
                                             "columns": "last_name"}, MANAGERS),
    ("exports.log", "GET", "/exports/log", {}, ADMIN_ONLY),
    # events: a shared event of the Préfecture, a private one, one of the AER; an invitee's link
    ("events.index", "GET", "/events/", {}, SIGNED_IN),
    ("events.new", "GET", "/events/new", {}, SIGNED_IN),
    ("events.new", "POST", "/events/new", {}, {**SIGNED_IN, "default": 422}),
    ("events.show", "GET", "/events/{event}", {}, SIGNED_IN),
    ("events.edit", "GET", "/events/{event}/edit", {}, REFUSED),
    ("events.edit", "POST", "/events/{event}/edit", {"title": ""}, REFUSED),
    ("events.status", "POST", "/events/{event}/status", {"status": "closed"}, REFUSED),
    ("events.show", "GET", "/events/{private_event}", {}, NOT_FOUND),
    ("events.edit", "GET", "/events/{own_event}/edit", {}, SIGNED_IN),
    ("events.edit", "POST", "/events/{own_event}/edit", {"title": ""},
     {**SIGNED_IN, "default": 422}),
    ("events.status", "POST", "/events/{own_event}/status", {"status": "open"},
     {**SIGNED_IN, "default": 302}),
    ("events.invite", "POST", "/events/{event}/invite", {}, {**MANAGERS, "default": 403}),
    ("events.invite", "POST", "/events/{own_event}/invite", {"subject": ""},
     {**MANAGERS, "default": 302}),
    ("rsvp.answer", "GET", "/rsvp/{rsvp_token}", {}, {}),
    ("rsvp.answer", "POST", "/rsvp/{rsvp_token}", {}, {"default": 302}),
    ("rsvp.answer", "GET", "/rsvp/not-a-token", {}, {"default": 404}),
    ("rsvp.calendar", "GET", "/rsvp/{rsvp_token}/calendar.ics", {}, {}),
    ("lists.edit", "GET", "/lists/{own_list}/edit", {}, SIGNED_IN),
    ("lists.edit", "POST", "/lists/{own_list}/edit", {"name": ""}, {**SIGNED_IN, "default": 422}),
    ("lists.delete", "POST", "/lists/{own_list}/delete", {}, {**SIGNED_IN, "default": 302}),
    ("lists.add_import", "POST", "/lists/{own_list}/import", {}, {**SIGNED_IN, "default": 302}),
    ("lists.remove", "POST", "/lists/{own_list}/members/{contact}/remove", {},
     {**SIGNED_IN, "default": 302}),
]

# An event's answers and door (AER users; the event is the AER's, shared): everyone signed in
# reads them, its organiser bodies check people in; another body's private event is 404 and
# its shared one is read-only (403).
DOOR = {"door_event", "door_answer", "private_door_event", "foreign_door_event",
        "foreign_door_answer"}
ROUTES += [
    ("attendance.index", "GET", "/events/{door_event}/answers", {}, SIGNED_IN),
    ("attendance.index", "GET", "/events/{private_door_event}/answers", {}, NOT_FOUND),
    ("attendance.export", "POST", "/events/{door_event}/attendees.csv", {}, SIGNED_IN),
    ("attendance.export", "POST", "/events/{private_door_event}/attendees.xlsx", {}, NOT_FOUND),
    ("attendance.press_list", "GET", "/events/{door_event}/press-list", {}, SIGNED_IN),
    ("attendance.badges", "GET", "/events/{door_event}/badges", {}, SIGNED_IN),
    ("door.index", "GET", "/events/{door_event}/door", {}, SIGNED_IN),
    ("door.index", "GET", "/events/{private_door_event}/door", {}, NOT_FOUND),
    ("door.counts", "GET", "/events/{door_event}/door/counts", {}, SIGNED_IN),
    ("door.check_in", "POST", "/events/{door_event}/door/{door_answer}/check-in", {},
     {**SIGNED_IN, "default": 302}),
    ("door.check_in", "POST", "/events/{foreign_door_event}/door/{foreign_door_answer}/check-in",
     {}, REFUSED),
    ("door.undo", "POST", "/events/{door_event}/door/{door_answer}/undo", {},
     {**SIGNED_IN, "default": 302}),
    ("door.walk_in", "POST", "/events/{door_event}/door/walk-in", {},
     {**SIGNED_IN, "default": 422}),
    ("door.walk_in", "POST", "/events/{foreign_door_event}/door/walk-in", {}, REFUSED),
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
            if "block" in needed:  # a block is seen through the contacts it shows
                block = ContactBlock(fingerprint=f"{n:064d}", title="AER BFC")
                person = create_contact(user, ContactData(last_name="POIRIER", source="test"),
                                        organisation_id=user.organisation_id)
                db.session.flush()
                block.sections.append(ContactBlockSection(position=0, heading="AER BFC"))
                block.sections[0].entries.append(ContactBlockEntry(position=0,
                                                                   contact_id=person.id))
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
            if "privacy_request" in needed:  # a request received by the AER, still open
                request = PrivacyRequest(organisation_id=user.organisation_id,
                                         kind=RequestKind.ACCESS, received_on=dt.date(2026, 11, 30))
                db.session.add(request)
                db.session.flush()
                found["privacy_request"] = request.id
            db.session.commit()
        if needed & {"mailing", "delivery", "token", "foreign_mailing", "attachment",
                     "foreign_attachment"}:
            found.update(_mailings(app, importer, make_user, next(counter)))
        if needed & {"list", "private_list", "own_list"}:
            found.update(_lists(app, importer, make_user))
        if needed & OTHER_BODY:
            found.update(_other_body(app, needed, make_user, make_contact))
        if needed & DOOR:
            found.update(_door(app, make_user, make_contact))
        if needed & {"event", "private_event", "own_event", "rsvp_token"}:
            found.update(_events(app, importer, make_user, make_contact))
        return found

    return make


def _door(app, make_user, make_contact) -> dict[str, int]:
    """An event of the AER (shared) with an invitee's answer, a private event of the
    Préfecture, and a shared one of the Préfecture with an answer."""
    people = [make_contact("GIRAUD", "Thomas"), make_contact("ROUSSEL", "Juliette")]
    aer, prefecture = make_user("manager", "AER BFC"), make_user("manager", "Préfecture BFC")
    start = dt.datetime(2099, 6, 10, 7, tzinfo=dt.UTC)
    found = {}
    with app.app_context():
        for key, owner, visibility, person in (
                ("door", aer, EventVisibility.SHARED, people[0]),
                ("private_door", prefecture, EventVisibility.PRIVATE, None),
                ("foreign_door", prefecture, EventVisibility.SHARED, people[1])):
            user = db.session.get_one(User, owner.id)
            event = create_event(user, EventData(
                title="Point presse", visibility=visibility, sessions=(SessionData(
                    "Point presse", start, start + dt.timedelta(hours=1)),)))
            found[f"{key}_event"] = event.id
            if person is not None:
                invitation = invite(user, event, [person])[0]
                db.session.flush()
                found[f"{key}_answer"] = db.session.scalars(select(Response.id).where(
                    Response.invitation_id == invitation.id)).one()
        db.session.commit()
    return found


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


OTHER_BODY = {"own_contact", "private_contact", "private_pair", "mixed_pair", "shared_pair",
              "foreign_merge", "private_merge", "private_block"}


def _other_body(app, needed: set[str], make_user, make_contact) -> dict[str, int]:
    """The Préfecture's records as an AER officer meets them (and one AER contact)."""
    found = {"own_contact": make_contact("ROBIN", "Antoine", org="AER BFC")}
    shared, private = (make_contact("HERMIER", "Cécile", org="Préfecture BFC", visibility=v)
                       for v in (Visibility.SHARED, Visibility.PRIVATE))
    found["private_contact"] = private
    mine = make_contact("HERMIER", "Cécile", org="AER BFC", visibility=Visibility.PRIVATE)
    twin = make_contact("Hermier", "Cécile", org="Préfecture BFC")
    prefecture = make_user("officer", "Préfecture BFC")
    with app.app_context():
        officer = db.session.get_one(User, prefecture.id)
        for name, (a, b) in {"private_pair": (shared, private), "mixed_pair": (mine, twin),
                             "shared_pair": (shared, twin)}.items():
            pair = DuplicatePair(low_id=min(a, b), high_id=max(a, b), score=20.0, evidence=[])
            db.session.add(pair)
            db.session.flush()
            found[name] = pair.id
        if needed & {"foreign_merge", "private_merge"}:
            kept, other, hidden = (create_contact(officer, ContactData(
                last_name="DUPONT", first_name="Jean", source="test", visibility=v),
                organisation_id=officer.organisation_id)
                for v in (Visibility.SHARED, Visibility.SHARED, Visibility.PRIVATE))
            db.session.flush()
            found["foreign_merge"] = merge_contacts(officer, kept, other, {}).id
            found["private_merge"] = merge_contacts(officer, kept, hidden, {}).id
        block = ContactBlock(fingerprint=f"{private:064d}", title="prefecture-interne.txt")
        block.sections.append(ContactBlockSection(position=0, heading="Préfecture BFC"))
        block.sections[0].entries.append(ContactBlockEntry(position=0, contact_id=private))
        db.session.add(block)
        db.session.commit()
        found["private_block"] = block.id
    return found


def _lists(app, importer, make_user) -> dict[str, int]:
    """A shared and a private list of the Préfecture, and a list of the AER."""
    prefecture = make_user("officer", "Préfecture BFC")
    with app.app_context():
        theirs = db.session.get_one(User, prefecture.id)
        found = {"list": create_list(theirs, "Presse quotidienne").id,
                 "private_list": create_list(theirs, "Interne",
                                             visibility=ListVisibility.PRIVATE).id,
                 "own_list": create_list(db.session.get_one(User, importer.id), "PQR").id}
        db.session.commit()
    return found


def _mailings(app, importer, make_user, n: int) -> dict[str, object]:
    """A draft of the AER with an uncertain delivery whose unsubscribe token is known, and a
    draft of the Préfecture."""
    aer, prefecture = make_user("manager", "AER BFC"), make_user("manager", "Préfecture BFC")
    with app.app_context():
        mailing = create_mailing(db.session.get_one(User, aer.id),
                                 MailingData(subject="Invitation", body="Bonjour"))
        foreign = create_mailing(db.session.get_one(User, prefecture.id),
                                 MailingData(subject="Invitation", body="Bonjour"))
        contact = create_contact(None, ContactData(last_name="ROBIN", source="test"),
                                 organisation_id=aer.organisation_id)
        db.session.flush()
        token = f"token-{n}-{'x' * 40}"
        delivery = Delivery(mailing_id=mailing.id, contact_id=contact.id,
                            email=f"robin{n}@journal.test", message_id=f"<m{n}@relais.test>",
                            status=DeliveryStatus.UNCERTAIN, unsubscribe_hash=token_hash(token))
        db.session.add(delivery)
        for draft in (mailing, foreign):
            draft.attachments.append(Attachment(filename="communique.pdf", size=9,
                                                content_type="application/pdf",
                                                data=b"%PDF-1.4\n"))
        db.session.commit()
        return {"mailing": mailing.id, "foreign_mailing": foreign.id, "delivery": delivery.id,
                "token": token, "attachment": mailing.attachments[0].id,
                "foreign_attachment": foreign.attachments[0].id}


def _events(app, importer, make_user, make_contact) -> dict[str, object]:
    """A shared and a private open event of the Préfecture, a draft of the AER, and the RSVP
    link of a journalist invited to the shared one."""
    prefecture = make_user("manager", "Préfecture BFC")
    contact = make_contact("ROBIN", "Antoine")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
    sessions = (SessionData("Point presse", start, start + dt.timedelta(hours=1),
                            audience=Audience.PRESS, capacity=5),)
    with app.app_context():
        theirs = db.session.get_one(User, prefecture.id)
        shared = create_event(theirs, EventData(title="Point presse", sessions=sessions))
        private = create_event(theirs, EventData(title="Réunion interne", sessions=sessions,
                                                 visibility=EventVisibility.PRIVATE))
        own = create_event(db.session.get_one(User, importer.id),
                           EventData(title="Salon", sessions=sessions))
        set_status(theirs, shared, EventStatus.OPEN)
        token = link_token(invite(theirs, shared, [contact])[0])
        db.session.commit()
        return {"event": shared.id, "private_event": private.id, "own_event": own.id,
                "rsvp_token": token}


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
                         "{interaction}{task}{scan}{list}{private_list}{own_list}"
                         "{mailing}{foreign_mailing}{delivery}{token}{attachment}"
                         "{foreign_attachment}{privacy_request}"
                         "{event}{private_event}{own_event}{rsvp_token}"
                         + "".join(f"{{{n}}}" for n in OTHER_BODY | DOOR))


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
    (r[0], r[2]) for r in ROUTES
    if r[1] == "POST" and r[0] != "auth.login" and r[0] not in CSRF_EXEMPT
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
                assert page.status_code in (200, 302, 403, 404, 410), endpoint
    assert _row_counts(app) == before


def test_unknown_ids_answer_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.get("/admin/organisations/999999/edit").status_code == 404
    assert client.post_form("/admin/users/999999/deactivate").status_code == 404
