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
from collections import Counter
from collections.abc import Mapping
from io import BytesIO, StringIO
from pathlib import PurePosixPath

from charset_normalizer import from_bytes
from defusedxml import DefusedXmlException, ElementTree

from crm.imports.parsing.errors import UnreadableFile, UnsafeArchive, UnsupportedFile

HINT_ENCODINGS = ["utf_8", "cp1252", "latin_1", "mac_roman"]
DELIMITERS = ";,\t"
SAMPLE_CHARS = 16_384
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES = "[Content_Types].xml"
OPC_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


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
    """``;``, ``,`` or tab: the one that splits the sample's rows most consistently into two
    fields or more, else the most frequent in the first line.

    Each candidate parses the sample once with ``csv`` (quotes respected): linear time, where
    ``csv.Sniffer``'s quote-guessing expression is quadratic in the sample.
    """
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    best, best_score = None, (0, 0)
    for delimiter in DELIMITERS:
        score = _consistency(sample, delimiter)
        if score > best_score:
            best, best_score = delimiter, score
    if best is not None:
        return best
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """(rows of the most common width, that width) when the width is 2 or more, else (0, 0)."""
    try:
        widths = Counter(len(row) for row in csv.reader(StringIO(sample, newline=""),
                                                        delimiter=delimiter) if row)
    except csv.Error:
        return 0, 0
    if not widths:
        return 0, 0
    width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
    return (rows, width) if width > 1 else (0, 0)


def check_zip(data: bytes, *, max_members: int, max_uncompressed: int, max_part: int | None = None,
              streamed: frozenset[str] = frozenset(),
              member_limits: Mapping[str, int] | None = None) -> zipfile.ZipFile:
    """Refuse what is not a zip, or a zip bomb, before any library opens it (ASVS 5.2.3).

    The sizes are those the archive declares; ``zipfile`` stops a member at its declared size
    (a lying member fails its CRC check), so the readers never hold more. ``max_part`` caps
    each member a library reads whole, that is every member except those whose content type
    (in ``[Content_Types].xml``) is in ``streamed``; ``member_limits`` gives some members a
    tighter limit of their own, by name, else by content type, else by extension (``.rels``).
    Returns the opened archive.
    """
    if not data.startswith(ZIP_MAGIC):
        raise UnsupportedFile("the file is not a zip-based Office document")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("the archive is damaged") from exc
    members = archive.infolist()
    if len(members) > max_members:
        raise UnsafeArchive(f"the archive holds {len(members)} files, at most {max_members}")
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        raise UnsafeArchive(f"the archive expands to {total:,} bytes, at most {max_uncompressed:,}")
    if max_part is not None:
        limits = member_limits or {}
        types = content_types(archive, limits.get(CONTENT_TYPES, max_part)) \
            if streamed or limits else {}
        for member in members:
            kind = types.get(member.filename.casefold())
            suffix = PurePosixPath(member.filename).suffix
            limit = limits.get(member.filename, limits.get(kind or "", limits.get(suffix, max_part)))
            if member.file_size > limit and kind not in streamed:
                raise UnsafeArchive(f"{member.filename} expands to {member.file_size:,} bytes, "
                                    f"at most {limit:,}")
    return archive


def content_types(archive: zipfile.ZipFile, max_bytes: int) -> dict[str, str]:
    """Member name (case-folded, without the leading ``/``) → its declared content type.

    A member declared twice with different types maps to ``""``, so it gets the tighter limit.
    """
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        return {}
    if info.file_size > max_bytes:
        raise UnsafeArchive(f"{CONTENT_TYPES} expands to {info.file_size:,} bytes")
    try:
        root = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, DefusedXmlException, zipfile.BadZipFile) as exc:
        raise UnreadableFile("the archive's content types cannot be read") from exc
    types: dict[str, str] = {}
    for override in root.iter(f"{{{OPC_TYPES}}}Override"):
        name = override.get("PartName", "").lstrip("/").casefold()
        kind = override.get("ContentType", "")
        types[name] = kind if types.get(name, kind) == kind else ""
    return types
