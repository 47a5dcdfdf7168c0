"""What an import batch remembers between its steps (upload, reading, mapping, commit), kept
as JSON in ``import_batch.settings`` and read through ``ImportBatch.settings`` only.

Batches stored before this type existed hold the same keys, some of them missing: every
field has a default, so they read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from crm.contacts.models import Visibility


@dataclass(frozen=True)
class ReadOptions:
    """What the user chose on the upload form (None: let the reader find out)."""

    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True)
class LineProblem:
    """A line of the file the reader could not read, left out of the rows."""

    row: int
    reason: str


@dataclass(frozen=True)
class StagedSection:
    heading: str | None
    organisation_id: int | None
    rows: tuple[int, ...]  # row numbers of the batch, in the section's order


@dataclass(frozen=True)
class StagedBlock:
    """A distinct contact block of a press release, found ``count`` times in its text."""

    fingerprint: str
    count: int
    sections: tuple[StagedSection, ...]


@dataclass(frozen=True)
class BatchSettings:
    source: str = ""  # the "source" every imported contact is given
    visibility: Visibility = Visibility.SHARED
    upload: str | None = None  # the kept file the worker reads, until it has read it
    options: ReadOptions = field(default_factory=ReadOptions)
    headers: tuple[str, ...] = ()
    mapping: Mapping[str, str | None] = field(default_factory=dict)  # header → field
    encoding: str | None = None  # as the reader found them
    delimiter: str | None = None
    problems: tuple[LineProblem, ...] = ()
    blocks: tuple[StagedBlock, ...] = ()  # press releases
    refusal: str | None = None  # why the worker could not read the file (status failed)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> BatchSettings:
        data = data or {}
        options = data.get("options") or {}
        return cls(
            source=data.get("source") or "",
            visibility=Visibility(data.get("visibility") or Visibility.SHARED),
            upload=data.get("upload"),
            options=ReadOptions(encoding=options.get("encoding"),
                                delimiter=options.get("delimiter")),
            headers=tuple(data.get("headers") or ()),
            mapping=dict(data.get("mapping") or {}),
            encoding=data.get("encoding"),
            delimiter=data.get("delimiter"),
            problems=tuple(LineProblem(row=p["row"], reason=p["reason"])
                           for p in data.get("problems") or ()),
            blocks=tuple(StagedBlock(
                fingerprint=b["fingerprint"], count=b["count"],
                sections=tuple(StagedSection(heading=s["heading"],
                                             organisation_id=s["organisation_id"],
                                             rows=tuple(s["rows"])) for s in b["sections"]))
                for b in data.get("blocks") or ()),
            refusal=data.get("refusal"),
        )

    def to_json(self) -> dict[str, Any]:
        return _plain({**asdict(self), "visibility": self.visibility.value,
                       "mapping": dict(self.mapping)})


def _plain(value: Any) -> Any:
    """Tuples as lists, all the way down: what the JSON column gives back."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
