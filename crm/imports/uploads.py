"""Which reader an upload goes to, by extension (each reader then checks the content).

Not a core: it names the ``SourceKind`` of the import models. The readers themselves are in
``crm.imports.parsing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from crm.imports.models import SourceKind
from crm.imports.parsing.documents import read_text
from crm.imports.parsing.errors import UnsupportedFile
from crm.imports.parsing.readers import Table, read_csv, read_xlsx
from crm.imports.parsing.vcards import read_vcards

TABLE_SUFFIXES = {".csv": SourceKind.CSV, ".tsv": SourceKind.CSV, ".xlsx": SourceKind.XLSX,
                  ".vcf": SourceKind.VCARD, ".vcard": SourceKind.VCARD}
TEXT_SUFFIXES = {".txt", ".text", ".docx", ".pdf"}
ACCEPTED = sorted({*TABLE_SUFFIXES, *TEXT_SUFFIXES})


@dataclass
class Upload:
    kind: SourceKind
    table: Table | None = None
    text: str | None = None


def read_upload(data: bytes, filename: str, *, encoding: str | None, delimiter: str | None,
                max_bytes: int) -> Upload:
    """Read an uploaded file; raises an ``ImportRefused`` subclass when it cannot be."""
    suffix = PurePath(filename).suffix.casefold()
    kind = TABLE_SUFFIXES.get(suffix)
    if kind is SourceKind.CSV:
        return Upload(kind, table=read_csv(data, encoding=encoding, delimiter=delimiter,
                                           max_bytes=max_bytes))
    if kind is SourceKind.XLSX:
        return Upload(kind, table=read_xlsx(data, max_bytes=max_bytes))
    if kind is SourceKind.VCARD:
        return Upload(kind, table=read_vcards(data, encoding=encoding, max_bytes=max_bytes))
    if suffix in TEXT_SUFFIXES:
        return Upload(SourceKind.TEXT, text=read_text(data, filename, max_bytes=max_bytes))
    raise UnsupportedFile(f"unsupported file type {suffix or '(none)'}")
