"""The corpus of contact blocks (``data/contact_blocks``) and how the parser scores on it.

Each ``*.txt`` is a fictional press release typed after real public conventions (ministries,
prefectures, regions, agencies, companies; French and English); ``expected.json`` lists, for
each, the people of its blocks with their section, e-mail, E.164 phones and role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from crm.contacts.core.normalise import fold
from crm.imports.parsing.blocks import extract_blocks

CORPUS = Path(__file__).parent / "data" / "contact_blocks"


def expected() -> dict[str, list[dict[str, object]]]:
    data = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return {name: entry["people"] for name, entry in data.items()}


def found(text: str) -> list[dict[str, object]]:
    """The people of every distinct block of ``text``, in the corpus' shape."""
    return [{"section": s.heading, "first_name": p.first_name, "last_name": p.last_name,
             "email": p.email, "phones": list(p.phones), "role": p.role}
            for f in extract_blocks(text) for s in f.block.sections for p in s.people]


def name_key(person: dict[str, object]) -> tuple[str, str]:
    return fold(str(person["first_name"])), fold(str(person["last_name"]))


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # matched by name, another detail differs

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0


def score() -> Score:
    """People recall and precision over the corpus (a person matches on first and last name),
    and the details that differ for the people matched."""
    result = Score()
    for name, people in expected().items():
        got = found((CORPUS / name).read_text(encoding="utf-8"))
        result.expected += len(people)
        result.found += len(got)
        wanted = {name_key(p): p for p in people}
        for person in got:
            want = wanted.pop(name_key(person), None)
            if want is None:
                result.spurious.append(f"{name}: {person}")
                continue
            result.matched += 1
            result.wrong += [f"{name}: {key} {person[key]!r}, expected {want[key]!r}"
                             for key in ("email", "phones", "section", "role")
                             if _normal(key, person[key]) != _normal(key, want[key])]
        result.missed += [f"{name}: {p['first_name']} {p['last_name']}" for p in wanted.values()]
    return result


def _normal(key: str, value: object) -> object:
    return fold(value) if key in ("section", "role") and isinstance(value, str) else value
