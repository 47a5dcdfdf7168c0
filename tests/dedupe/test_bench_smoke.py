"""The benchmark code runs (tiny size; the real figures come from ``python -m bench.dedupe``)."""

from __future__ import annotations

import pytest

from bench import _scale as scale
from bench._press_data import generate, generate_newsrooms


def test_generated_contacts_have_known_duplicates():
    generated = generate(300, seed=3)
    assert len(generated.records) == 300
    assert generated.truth and all(len(pair) == 2 for pair in generated.truth)


def test_scale_bench_smoke():
    lines = scale.run(size=400, lookups=5)
    assert any("engine full scan" in line for line in lines)
    assert any("baseline lookup" in line for line in lines)


def test_newsrooms_hold_colleagues_families_and_copies():
    generated = generate_newsrooms(600, "high", seed=3)
    records = {r["id"]: r for r in generated.records}
    assert generated.truth and all(len(pair) == 2 for pair in generated.truth)
    emails = [e for r in records.values() for e in r["emails"]]
    domains = {e.split("@")[1] for e in emails}
    assert len(domains) < len(emails) / 3  # colleagues share their outlet's domain
    surnames = [r["last_name"].upper() for r in records.values()]
    assert len(set(surnames)) < len(surnames)


def test_trap_bench_smoke():
    # The trap benchmark compares with recordlinkage (pandas): the `bench` extra, not the dev one.
    pytest.importorskip("pandas", reason="the bench extra is not installed")
    pytest.importorskip("recordlinkage", reason="the bench extra is not installed")
    from bench import _trap as trap

    lines = trap.run(size=600, levels=("high",), with_splink=False)
    assert any("engine, linked" in line for line in lines)
    assert any("the engine's blocks hold" in line for line in lines)
    assert any("recordlinkage ECM" in line for line in lines)
