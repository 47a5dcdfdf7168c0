"""Guessing how a text file was written: its encoding and its CSV delimiter. Pure functions.

Encoding: a strict ``utf-8-sig`` decode first (UTF-8 with or without BOM), then cp1252 (what
French Excel writes), then charset-normalizer *only as a hint* restricted to a few Western
encodings (unrestricted detection mis-reads French cp1252 as cp775 or cp1250), and latin-1 as
the decode that never fails. The caller may force an encoding or a delimiter (the preview lets
the user change them).
"""

from __future__ import annotations

import csv
import zipfile
from io import BytesIO

from charset_normalizer import from_bytes

from crm.imports.errors import UnreadableFile, UnsafeArchive, UnsupportedFile

HINT_ENCODINGS = ["utf_8", "cp1252", "latin_1", "mac_roman"]
DELIMITERS = ";,\t"
SAMPLE_CHARS = 16_384
ZIP_MAGIC = b"PK\x03\x04"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). A forced encoding that fails raises ``UnreadableFile``."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise UnreadableFile(f"the file is not valid {encoding}") from exc
    for candidate in ("utf-8-sig", "cp1252", _hint(data), "latin_1"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("no encoding fits")  # unreachable: latin-1 decodes any bytes


def _hint(data: bytes) -> str | None:
    best = from_bytes(data[:SAMPLE_CHARS * 4], cp_isolation=HINT_ENCODINGS).best()
    return best.encoding if best else None


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: csv.Sniffer on a sample, else the most frequent in the first line."""
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def check_zip(data: bytes, *, max_members: int, max_uncompressed: int) -> None:
    """Refuse what is not a zip, or a zip bomb, before any library opens it (ASVS 5.2.3)."""
    if not data.startswith(ZIP_MAGIC):
        raise UnsupportedFile("the file is not a zip-based Office document")
    try:
        members = zipfile.ZipFile(BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("the archive is damaged") from exc
    if len(members) > max_members:
        raise UnsafeArchive(f"the archive holds {len(members)} files, at most {max_members}")
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        raise UnsafeArchive(f"the archive expands to {total:,} bytes, at most {max_uncompressed:,}")
