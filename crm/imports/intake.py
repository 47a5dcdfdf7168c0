"""An upload before the worker reads it: checked (size, kind, content at a glance), then kept
in a private temporary file (mode 0600) under the instance folder, which the staging job or a
discard removes. With several worker hosts the instance folder must be shared."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import IO

from crm.imports.parsing.errors import EmptyFile, FileTooLarge, NotATable, UnsupportedFile
from crm.imports.parsing.readers import XLSX_MAX_MEMBERS, XLSX_MAX_UNCOMPRESSED
from crm.imports.parsing.sniff import check_zip
from crm.imports.uploads import ACCEPTED
from crm.settings import settings

TEXT_SUFFIXES = {".csv", ".tsv", ".vcf", ".vcard", ".txt", ".text"}
ZIP_SUFFIXES = {".xlsx", ".docx"}
# Signatures no text file starts with (images, PDF, archives, old Office, programs); other
# binary files show a NUL byte early (a UTF-16 text has a BOM and is let through).
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"\x7fELF",
                b"\xd0\xcf\x11\xe0", b"Rar!\x1a", b"\x1f\x8b\x08", b"7z\xbc\xaf")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HEAD = 4096


def check_head(head: bytes, size: int, filename: str, max_bytes: int) -> None:
    """Refuse an empty, oversized, unknown or mislabelled file from its size and first bytes."""
    suffix = PurePath(filename).suffix.casefold()
    if size == 0:
        raise EmptyFile("the file is empty")
    if size > max_bytes:
        raise FileTooLarge(f"the file is {size:,} bytes, the limit is {max_bytes:,}")
    if suffix not in ACCEPTED:
        raise UnsupportedFile(f"unsupported file type {suffix or '(none)'}")
    if suffix in TEXT_SUFFIXES and _binary(head):
        if suffix in {".csv", ".tsv"}:
            raise NotATable(f"binary content in a {suffix} file")
        raise UnsupportedFile(f"binary content in a {suffix} file")
    if suffix in ZIP_SUFFIXES and not head.startswith(b"PK\x03\x04"):
        raise UnsupportedFile(f"a {suffix} file is a zip archive; this one is not")
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise UnsupportedFile("a .pdf file starts with %PDF; this one does not")


def _binary(head: bytes) -> bool:
    if head.startswith(UTF16_BOMS):
        return False
    return head.startswith(BINARY_MAGIC) or b"\x00" in head


def folder() -> Path:
    """The private folder of kept uploads (created 0700)."""
    path = settings().import_upload_folder
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def keep_upload(stream: IO[bytes], filename: str, max_bytes: int) -> str:
    """Copy ``stream`` into a new private file and check it; return the file's name.

    Raises an ``ImportRefused`` subclass (and keeps nothing) when the file is refused.
    """
    handle, path = tempfile.mkstemp(prefix="import-", suffix=".upload", dir=folder())
    try:
        with os.fdopen(handle, "wb") as out:  # mkstemp creates the file with mode 0600
            shutil.copyfileobj(_Limited(stream, max_bytes + 1), out, 1 << 20)
        size = os.path.getsize(path)
        with open(path, "rb") as kept:
            check_head(kept.read(HEAD), size, filename, max_bytes)
        if PurePath(filename).suffix.casefold() in ZIP_SUFFIXES:  # its directory only: quick
            check_zip(Path(path).read_bytes(), max_members=XLSX_MAX_MEMBERS,
                      max_uncompressed=XLSX_MAX_UNCOMPRESSED)
    except BaseException:
        os.unlink(path)
        raise
    return os.path.basename(path)


class _Limited:
    """Reads at most ``limit`` bytes of ``stream``."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        return data


def upload_path(name: str) -> Path:
    """The kept file called ``name`` (a bare name: nothing outside the folder)."""
    if not name or PurePath(name).name != name or name.startswith("."):
        raise ValueError(f"not a kept upload name: {name!r}")
    return folder() / name


def discard_upload(name: str | None) -> None:
    """Remove a kept upload, if it is still there."""
    if name:
        with contextlib.suppress(FileNotFoundError):
            upload_path(name).unlink()
