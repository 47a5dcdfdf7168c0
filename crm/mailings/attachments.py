"""Files attached to a draft: added, listed, removed, and read back as MIME parts to send.

A file is accepted when its first bytes say it is a PDF, a PNG or a JPEG image (its name and
the type the browser claimed are ignored), when it is not empty, and when it fits under
``MAILING_ATTACHMENT_MAX_BYTES`` alone and ``MAILING_ATTACHMENTS_MAX_BYTES`` with the draft's
other files. Anything else raises ``AttachmentRefused`` with the reason, and nothing is kept.
The same file sent twice (a double click) is kept once. Verbs flush and audit; the caller
commits.
"""

from __future__ import annotations

import enum
from typing import IO

from sqlalchemy import select

from crm.audit.services import record
from crm.auth.models import User
from crm.extensions import db
from crm.mailings import filetypes
from crm.mailings.mime import Part
from crm.mailings.models import Attachment, Mailing
from crm.settings import settings

CHUNK = 1 << 16


class Refusal(enum.StrEnum):
    EMPTY = "empty"
    WRONG_TYPE = "wrong_type"
    TOO_BIG = "too_big"
    TOTAL_TOO_BIG = "total_too_big"
    NOT_A_DRAFT = "not_a_draft"


class AttachmentRefused(ValueError):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """The whole of ``stream`` if it holds at most ``limit`` bytes; AttachmentRefused
    (too big) as soon as it holds more, without reading the rest."""
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise AttachmentRefused(Refusal.TOO_BIG)
        chunks.append(chunk)
    return b"".join(chunks)


def add_attachment(actor: User, mailing: Mailing, filename: str, data: bytes) -> Attachment:
    """Attach ``data`` to the draft ``mailing`` (see the module's docstring)."""
    if not mailing.is_draft:
        raise AttachmentRefused(Refusal.NOT_A_DRAFT)
    if not data:
        raise AttachmentRefused(Refusal.EMPTY)
    kind = filetypes.sniff(data[:16])
    if kind is None:
        raise AttachmentRefused(Refusal.WRONG_TYPE)
    limits = settings()
    if len(data) > limits.mailing_attachment_max_bytes:
        raise AttachmentRefused(Refusal.TOO_BIG)
    name = filetypes.clean_name(filename, kind)
    for kept in mailing.attachments:
        if kept.filename == name and kept.size == len(data) and kept.data == data:
            return kept  # the same file again: a double click
    if sum(a.size for a in mailing.attachments) + len(data) > limits.mailing_attachments_max_bytes:
        raise AttachmentRefused(Refusal.TOTAL_TOO_BIG)
    attachment = Attachment(filename=name, content_type=kind.content_type, size=len(data),
                            data=data)
    mailing.attachments.append(attachment)
    db.session.flush()
    record(actor, "mailing.attachment_added", mailing, attachment_id=attachment.id,
           filename=name, size=len(data))
    return attachment


def remove_attachment(actor: User, mailing: Mailing, attachment: Attachment) -> None:
    if not mailing.is_draft:
        raise AttachmentRefused(Refusal.NOT_A_DRAFT)
    mailing.attachments.remove(attachment)
    db.session.flush()
    record(actor, "mailing.attachment_removed", mailing, attachment_id=attachment.id,
           filename=attachment.filename)


def get_attachment_or_404(mailing: Mailing, attachment_id: int) -> Attachment:
    return db.first_or_404(select(Attachment).where(Attachment.mailing_id == mailing.id,
                                                    Attachment.id == attachment_id))


def mail_parts(mailing_id: int) -> list[Part]:
    """The mailing's files as MIME parts, in the order they were attached (read once per
    mailing by the worker)."""
    rows = db.session.execute(select(Attachment.filename, Attachment.content_type,
                                     Attachment.data).where(Attachment.mailing_id == mailing_id)
                              .order_by(Attachment.id))
    return [Part(filename, content_type, bytes(data)) for filename, content_type, data in rows]
