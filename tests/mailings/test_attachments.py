"""Files attached to a draft: checked by their first bytes, size-limited, listed, removed, and
received by every recipient (parsed back from the SMTP server), with the senders' logos."""

from __future__ import annotations

import email
import email.policy
import io

from sqlalchemy import func, select

from crm.extensions import db
from crm.mailings.models import Attachment, Mailing, MailingStatus
from crm.settings import override
from tests.conftest import login
from tests.mailings.test_sending import _process, _send

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _upload(client, mailing_id, data: bytes, name: str, **extra):
    return client.post_form(f"/mailings/{mailing_id}/attachments",
                            {"file": (io.BytesIO(data), name), **extra},
                            content_type="multipart/form-data", follow_redirects=True)


def _kept(app, mailing_id) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [(a.filename, a.content_type, a.size) for a in db.session.scalars(
            select(Attachment).where(Attachment.mailing_id == mailing_id).order_by(Attachment.id))]


def test_a_pdf_and_an_image_reach_every_recipient_with_the_logos(app, client, smtp, draft):
    login(client, draft["manager"].email)
    page = _upload(client, draft["mailing"], PDF, "Communiqué Assises.pdf").text
    assert "« Communiqué Assises.pdf » est joint à chaque message." in page
    _upload(client, draft["mailing"], JPEG, "photo.JPG")
    assert _kept(app, draft["mailing"]) == [
        ("Communiqué Assises.pdf", "application/pdf", len(PDF)), ("photo.JPG", "image/jpeg", 68)]
    page = client.get(f"/mailings/{draft['mailing']}").text
    assert "Pièces jointes" in page and "Fichiers joints :</strong> Communiqué Assises.pdf, photo.JPG" in page
    assert "/static/img/organisations/aer-bfc.png" in page  # the preview shows each logo
    _send(app, draft)
    _process(app)
    assert len(smtp.messages) == 3
    for envelope in smtp.messages:
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        files = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
        assert files == {"Communiqué Assises.pdf": PDF, "photo.JPG": JPEG}
        html = msg.get_body(("html",)).get_content()
        logos = {part["Content-ID"]: part.get_content() for part in msg.walk()
                 if part["Content-ID"]}
        assert set(logos) == {"<logo-aer-bfc@relais>", "<logo-region-bfc@relais>"}
        assert 'src="cid:logo-aer-bfc@relais"' in html and 'src="cid:logo-region-bfc@relais"' in html
        assert all(data.startswith(b"\x89PNG") for data in logos.values())
        assert "http" not in html.partition("<body>")[2].partition("</p>")[0]  # nothing remote
        assert msg.get_body(("plain",)).get_content().startswith("Agence Économique")


def test_the_type_is_read_from_the_bytes_not_the_name(app, client, draft):
    login(client, draft["manager"].email)
    page = _upload(client, draft["mailing"], b"MZ\x90\x00 not a pdf", "dossier.pdf").text
    assert "n’est ni un PDF ni une image PNG ou JPEG" in page
    _upload(client, draft["mailing"], PNG, "logo.exe")
    assert _kept(app, draft["mailing"]) == [("logo.exe.png", "image/png", len(PNG))]


def test_empty_too_big_and_too_much_are_refused_with_the_reason(app, client, draft):
    override(app, MAILING_ATTACHMENT_MAX_BYTES=1000, MAILING_ATTACHMENTS_MAX_BYTES=1500)
    login(client, draft["manager"].email)
    assert "« vide.pdf » est vide" in _upload(client, draft["mailing"], b"", "vide.pdf").text
    page = _upload(client, draft["mailing"], PDF + b"x" * 1000, "gros.pdf").text
    assert "« gros.pdf » dépasse 1\u202fKo, la taille permise pour un fichier" in page
    _upload(client, draft["mailing"], PDF + b"a" * 800, "un.pdf")
    page = _upload(client, draft["mailing"], PDF + b"b" * 800, "deux.pdf").text
    assert "Avec « deux.pdf », les fichiers de cet envoi dépasseraient" in page
    assert [name for name, _type, _size in _kept(app, draft["mailing"])] == ["un.pdf"]
    assert "Choisissez un fichier" in client.post_form(
        f"/mailings/{draft['mailing']}/attachments", {}, follow_redirects=True).text


def test_a_double_click_keeps_one_file_and_a_file_can_be_removed(app, client, draft):
    login(client, draft["manager"].email)
    _upload(client, draft["mailing"], PDF, "a.pdf")
    _upload(client, draft["mailing"], PDF, "a.pdf")
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id))
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    download = client.get(f"/mailings/{draft['mailing']}/attachments/{attachment_id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    page = client.post_form(f"/mailings/{draft['mailing']}/attachments/{attachment_id}/remove",
                            follow_redirects=True).text
    assert "« a.pdf » n’est plus joint." in page
    assert _kept(app, draft["mailing"]) == []


def test_a_sent_mailing_keeps_its_files(app, client, draft):
    login(client, draft["manager"].email)
    _upload(client, draft["mailing"], PDF, "a.pdf")
    with app.app_context():
        mailing = db.session.get_one(Mailing, draft["mailing"])
        mailing.status = MailingStatus.QUEUED
        attachment_id = mailing.attachments[0].id
        db.session.commit()
    page = client.post_form(f"/mailings/{draft['mailing']}/attachments/{attachment_id}/remove",
                            follow_redirects=True).text
    assert "n’est plus un brouillon" in page
    page = _upload(client, draft["mailing"], PNG, "b.png").text
    assert "n’est plus un brouillon" in page
    assert _kept(app, draft["mailing"]) == [("a.pdf", "application/pdf", len(PDF))]


def test_another_body_neither_reads_nor_changes_the_files(app, client, draft, make_user):
    login(client, draft["manager"].email)
    _upload(client, draft["mailing"], PDF, "a.pdf")
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id))
    stranger = app.test_client()
    login(stranger, make_user("manager", "Préfecture BFC").email)
    assert stranger.get(f"/mailings/{draft['mailing']}/attachments/{attachment_id}").status_code \
        == 404
    assert _upload(stranger, draft["mailing"], PNG, "b.png").status_code == 404
