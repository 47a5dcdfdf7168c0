"""What an attached file really is, read from its first bytes (its magic number), never from
its name or the MIME type the browser claimed: a PDF, a PNG or a JPEG image, or nothing we
accept. Pure functions on bytes and strings; no Flask, no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first one is added to a name that has none of them


PDF = FileType("application/pdf", (".pdf",))
PNG = FileType("image/png", (".png",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
ACCEPTED = (PDF, PNG, JPEG)
NAME_LENGTH = 120


def sniff(head: bytes) -> FileType | None:
    """The accepted type whose signature starts ``head``, else None."""
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def clean_name(name: str, kind: FileType) -> str:
    """A file name safe to show and to put in a MIME header: the last path component, no
    control characters, at most ``NAME_LENGTH`` characters, ending with an extension of its
    real type ("communiqué.exe" holding a PDF becomes "communiqué.exe.pdf")."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base)
                   if unicodedata.category(ch)[0] != "C").strip(" .")
    if not base.lower().endswith(kind.extensions):
        base = f"{base or 'piece-jointe'}{kind.extensions[0]}"
    if len(base) > NAME_LENGTH:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[:NAME_LENGTH - len(ext) - 1]}{dot}{ext}"
    return base
