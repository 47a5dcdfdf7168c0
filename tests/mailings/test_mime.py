"""Messages assembled as bytes, parsed back by the ``email`` package: headers, both parts,
attachments, inline logos, a recipient's own parts; file types read from their bytes; and the
extension point through which another feature adds a merge field and a file per recipient."""

from __future__ import annotations

import email
import email.policy

import pytest

from crm.extensions import db
from crm.mailings import compose, filetypes, mime
from crm.mailings.models import Delivery, Mailing
from crm.mailings.services import Extras, Part, register_personaliser
from tests.mailings.test_sending import _process, _send

HEADERS = mime.Headers("Cécile HERMIER", "cecile@journal.test", "Assises 2026 : votre invitation",
                       "<m1.c2.abc@aer-bfc.test>",
                       "<https://relais.test/mailings/unsubscribe/tok>, <mailto:presse@aer-bfc.test"
                       "?subject=unsubscribe%20tok>")


def _parse(data: bytes) -> email.message.EmailMessage:
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF everywhere
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    return email.message_from_bytes(data, policy=email.policy.default)


def test_a_plain_message_has_both_parts_and_every_header():
    layout = mime.Layout("Agence Économique <presse@aer-bfc.test>", "Aline <aline@aer-bfc.test>")
    msg = _parse(layout.message(HEADERS, "Bonjour Cécile,\n", "<p>Bonjour Cécile,</p>"))
    assert msg.get_content_type() == "multipart/alternative"
    assert str(msg["From"]) == "Agence Économique <presse@aer-bfc.test>"
    assert str(msg["To"]) == "Cécile HERMIER <cecile@journal.test>"
    assert msg["Reply-To"] == "Aline <aline@aer-bfc.test>"
    assert msg["Subject"] == "Assises 2026 : votre invitation"
    assert msg["Message-ID"] == "<m1.c2.abc@aer-bfc.test>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [p.strip(" <>") for p in msg["List-Unsubscribe"].split(",")] == [
        "https://relais.test/mailings/unsubscribe/tok",
        "mailto:presse@aer-bfc.test?subject=unsubscribe%20tok"]
    assert msg.get_body(("plain",)).get_content() == "Bonjour Cécile,\n"
    assert msg.get_body(("html",)).get_content() == "<p>Bonjour Cécile,</p>"
    assert layout.sender == "presse@aer-bfc.test"


def test_files_logos_and_a_recipients_own_part_are_parsed_back():
    pdf = Part("Dossier de presse « Assises ».pdf", "application/pdf", b"%PDF-1.7\n" * 500)
    logo = Part("aer-bfc.png", "image/png", b"\x89PNG\r\n\x1a\n....", content_id="logo-aer@relais")
    ics = Part("invitation.ics", "text/calendar; method=REQUEST; charset=utf-8",
               b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
    layout = mime.Layout("presse@aer-bfc.test", "", [pdf], [logo])
    msg = _parse(layout.message(HEADERS, "texte", '<img src="cid:logo-aer@relais">', [ics]))
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["Reply-To"] is None
    files = {p.get_filename(): (p.get_content_type(), p.get_content())
             for p in msg.iter_attachments()}
    assert files["Dossier de presse « Assises ».pdf"] == ("application/pdf", pdf.data)
    assert files["invitation.ics"][0] == "text/calendar"
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    inline = next(p for p in related.iter_parts() if p["Content-ID"])
    assert inline["Content-ID"] == "<logo-aer@relais>" and inline.get_content() == logo.data
    assert msg.get_body(("html",)).get_content() == '<img src="cid:logo-aer@relais">'


@pytest.mark.parametrize("field", ["to_name", "subject", "message_id", "list_unsubscribe"])
def test_a_line_break_in_a_header_is_refused(field):
    headers = mime.Headers(**{**HEADERS.__dict__, field: "x\r\nBcc: victim@example.org"})
    with pytest.raises(ValueError, match="line break"):
        mime.Layout("presse@aer-bfc.test", "").message(headers, "t", "h")


def test_long_subjects_and_names_are_folded_and_decoded_back():
    subject = "Assises de l’économie régionale : " + "programme détaillé " * 8
    headers = mime.Headers(("Éléonore " * 10).strip(), "e@journal.test", subject.strip(), "<x@y>", "<https://r/u>")
    msg = _parse(mime.Layout("presse@aer-bfc.test", "").message(headers, "t", "h"))
    assert msg["Subject"] == subject.strip()
    assert msg["To"].addresses[0].display_name == ("Éléonore " * 10).strip()


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", filetypes.PDF), (b"\x89PNG\r\n\x1a\n\x00", filetypes.PNG),
    (b"\xff\xd8\xff\xe1", filetypes.JPEG), (b"GIF89a", None), (b"PK\x03\x04", None),
    (b"<svg", None), (b"", None)])
def test_the_type_comes_from_the_first_bytes(head, kind):
    assert filetypes.sniff(head) is kind


def test_names_are_cleaned_and_end_with_their_real_type():
    assert filetypes.clean_name("C:\\Users\\a\\Communiqué.PDF", filetypes.PDF) == "Communiqué.PDF"
    assert filetypes.clean_name("../../etc/passwd", filetypes.PDF) == "passwd.pdf"
    assert filetypes.clean_name("photo\r\n.exe", filetypes.JPEG) == "photo.exe.jpg"
    assert filetypes.clean_name("", filetypes.PNG) == "piece-jointe.png"
    assert len(filetypes.clean_name("a" * 500 + ".pdf", filetypes.PDF)) == filetypes.NAME_LENGTH


def test_the_shell_fills_merge_fields_and_tokens_per_recipient():
    content = compose.Content("Bonjour {{ prenom }}", "{{ salutation }} {{ lien }}",
                              [compose.Sender("AER BFC", "https://r/u/SLOT?org=1", "cid:l@r")],
                              labels={"unsubscribe": "Ne plus recevoir les messages %s"})
    shell = compose.Shell(content, "SLOT")
    anne = compose.Recipient("a@j.test", "mrs", "Anne", "MARTIN")
    subject, text, html = shell.render(anne, {"lien": "<https://r/rsvp/1>", "prenom": "X"}, "T1")
    assert subject == "Bonjour Anne"  # a feature's field never hides a built-in one
    assert "Madame, <https://r/rsvp/1>" in text and "https://r/u/T1?org=1" in text
    assert "&lt;https://r/rsvp/1&gt;" in html and 'src="cid:l@r"' in html
    assert "SLOT" not in text + html


def test_a_registered_feature_adds_a_field_and_a_file_to_each_message(app, smtp, draft):
    seen = []

    def invitations(mailing, preview):
        seen.append((mailing.id, preview))

        def personalise(contact_id, address):
            return Extras(fields={"lien_reponse": f"https://relais.test/rsvp/{contact_id}"},
                          parts=[Part("invitation.ics", "text/calendar; method=REQUEST",
                                      f"UID:{address}\r\n".encode())])
        return personalise

    register_personaliser(app, invitations)
    register_personaliser(app, lambda mailing, preview: None)  # a feature with nothing to add
    with app.app_context():
        db.session.execute(Delivery.__table__.delete())
        db.session.get_one(Mailing, draft["mailing"]).body = "Répondez : {{ lien_reponse }}"
        db.session.commit()
    _send(app, draft)
    _process(app)
    assert seen == [(draft["mailing"], False)]
    for envelope in smtp.messages:
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        contact_id = msg["Message-ID"].split(".c")[1].split(".")[0]
        assert f"https://relais.test/rsvp/{contact_id}" in msg.get_body(("plain",)).get_content()
        ics = next(msg.iter_attachments())
        assert ics.get_filename() == "invitation.ics"
        assert ics.get_content().strip() == f"UID:{envelope.rcpt_tos[0]}"
