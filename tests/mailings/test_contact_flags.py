"""What sending and unsubscribing change on a contact bumps its version: an edit begun before
is then stale (a conflict screen), instead of writing the old flags back."""

from __future__ import annotations

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from tests.mailings.test_sending import _parsed, _process, _send


def _versions(app, ids) -> list[int]:
    with app.app_context():
        return [db.session.scalar(select(Contact.version).where(Contact.id == i)) for i in ids]


def test_information_sent_bounced_and_unsubscribed_bump_the_version(app, smtp, draft):
    smtp.answers["antoine.robin@bienpublic.test"] = ["550 5.1.1 No such user"]
    before = _versions(app, draft["contacts"])
    _send(app, draft)
    _process(app)
    after = _versions(app, draft["contacts"])
    assert [b + 1 for b in before] == after  # informed (two), bounced (one): each once
    msg = next(_parsed(m) for m in smtp.messages
               if m.rcpt_tos == ["paul.martin@francebleu.test"])
    path = msg["List-Unsubscribe"].split(",")[0].strip(" <>").removeprefix("http://localhost")
    reader = app.test_client()
    reader.post(path, data={"List-Unsubscribe": "One-Click"})
    assert _versions(app, draft["contacts"])[2] == after[2] + 1
    reader.post(path, data={"List-Unsubscribe": "One-Click"})  # nothing changes: no bump
    assert _versions(app, draft["contacts"])[2] == after[2] + 1
