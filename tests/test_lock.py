"""The hash-pinned lock files agree with the ranges declared in pyproject.toml.

`make run` and `make test` install from requirements/*.lock with --require-hashes; a range
changed in pyproject.toml without `make lock` would install something else than declared.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)")


def _pins(name: str) -> dict[str, tuple[str, bool]]:
    """Package → (version, hashed) for every pin of ``requirements/<name>.lock``."""
    text = (ROOT / "requirements" / f"{name}.lock").read_text(encoding="utf-8")
    pins: dict[str, tuple[str, bool]] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            pins[canonicalize_name(match.group(1))] = (match.group(2), "--hash=sha256:" in block)
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(line) for line in names]


@pytest.mark.parametrize(("lock", "extra"), [("base", None), ("dev", "dev")])
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extra: str | None) -> None:
    pins = _pins(lock)
    problems = []
    for requirement in _declared(extra):
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not pinned")
        elif not requirement.specifier.contains(pinned[0], prereleases=True):
            problems.append(f"{requirement.name}=={pinned[0]} is outside {requirement.specifier}")
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_every_pin_carries_hashes_and_dev_extends_base() -> None:
    base, dev = _pins("base"), _pins("dev")
    assert all(hashed for _, hashed in [*base.values(), *dev.values()])
    assert {name: dev.get(name) for name in base} == base
