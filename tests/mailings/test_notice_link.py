"""Every message links to the information notice of each sending body, in both parts."""

from __future__ import annotations

import email
import email.policy

from crm.mailings import compose
from tests.mailings.test_sending import _process, _send


def test_every_message_links_each_senders_notice(app, smtp, draft, client):
    _send(app, draft)
    _process(app)
    assert smtp.messages
    for envelope in smtp.messages:
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        links = [line.rsplit(": ", 1)[1] for line in text.splitlines()
                 if line.startswith("Comment ") and "utilise vos données" in line]
        assert len(links) == 2  # the AER and the co-signing Région
        for link in links:
            assert link.startswith("http://localhost/privacy/notice/")
            assert f'href="{link}"' in html
            page = client.get(link.removeprefix("http://localhost"))  # public: no sign-in
            assert page.status_code == 200 and "CNIL" in page.text


def test_a_sender_without_notice_link_renders_as_before():
    content = compose.Content(subject="S", body="B", senders=[compose.Sender("AER", "https://u")])
    _subject, text, html = compose.render(content, compose.Recipient("a@b.test"))
    assert "uses your data" not in text and "uses your data" not in html
