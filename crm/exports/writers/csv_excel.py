"""CSV for French Excel: UTF-8 with a BOM, ``;`` between fields, every field quoted, CRLF.

Every value goes through ``neutralise`` (formulas defused). ``csv_chunks`` yields the file as
byte chunks of about ``chunk_rows`` rows, for a streamed HTTP answer or a file; memory stays
that of one chunk whatever the number of rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from crm.exports.writers.neutralise import neutralise

BOM = "\ufeff"
CHUNK_ROWS = 2_000


class ExcelSemicolon(csv.Dialect):
    """The dialect French Excel writes and reads: ``;``, ``"`` doubled inside quotes, CRLF."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    quoting = csv.QUOTE_ALL
    lineterminator = "\r\n"
    skipinitialspace = False
    strict = True


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[str]], *,
               chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The whole file as UTF-8 chunks, the BOM and the header in the first one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=ExcelSemicolon)
    buffer.write(BOM)
    writer.writerow([neutralise(h) for h in header])
    pending = 0
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        pending += 1
        if pending == chunk_rows:
            yield _drain(buffer)
            pending = 0
    yield _drain(buffer)


def write_csv(target: IO[bytes], header: Sequence[str],
              rows: Iterable[Sequence[str]]) -> None:
    """Write the file to a binary stream."""
    for chunk in csv_chunks(header, rows):
        target.write(chunk)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
