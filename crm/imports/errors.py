"""Why an uploaded file is refused. Each reason has its own type, so a view can say it clearly."""

from __future__ import annotations


class ImportRefused(ValueError):
    """The file cannot be imported at all (as opposed to a row that is reported and skipped)."""


class FileTooLarge(ImportRefused):
    """The file is larger than the size limit given to the reader."""


class UnsafeArchive(ImportRefused):
    """A zip-based file (XLSX, DOCX) with too many members or too much uncompressed data."""


class UnsupportedFile(ImportRefused):
    """The content is not what the extension says (wrong magic bytes) or the kind is unknown."""


class UnreadableFile(ImportRefused):
    """The content could not be decoded or parsed."""


def check_size(data: bytes, max_bytes: int) -> None:
    """Raise ``FileTooLarge`` when the data is over the limit."""
    if len(data) > max_bytes:
        raise FileTooLarge(f"the file is {len(data):,} bytes, the limit is {max_bytes:,}")
