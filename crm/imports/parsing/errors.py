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


class TooMuchContent(FileTooLarge):
    """A small file that holds more than a reader keeps in memory (cells, characters, pages)."""


def refusal_code(exc: ImportRefused) -> str:
    """A short code for a refusal, kept on a batch the worker could not read."""
    codes = {TooMuchContent: "too_much_content", FileTooLarge: "too_large",
             UnsafeArchive: "unsafe_archive",
             UnsupportedFile: "unsupported", EmptyFile: "empty", NotATable: "not_a_table"}
    return next((code for kind, code in codes.items() if isinstance(exc, kind)), "unreadable")


def check_size(data: bytes, max_bytes: int) -> None:
    """Raise ``FileTooLarge`` when the data is over the limit."""
    if len(data) > max_bytes:
        raise FileTooLarge(f"the file is {len(data):,} bytes, the limit is {max_bytes:,}")


class EmptyFile(ImportRefused):
    """The file holds no byte at all."""


class NotATable(ImportRefused):
    """A file named as a table (.csv, .tsv) whose content is binary: an image, an archive..."""
