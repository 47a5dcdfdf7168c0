"""The benchmark code runs (tiny size; the real figures come from ``python -m bench.dedupe``)."""

from __future__ import annotations

from bench import _scale as scale
from bench._press_data import generate


def test_generated_contacts_have_known_duplicates():
    generated = generate(300, seed=3)
    assert len(generated.records) == 300
    assert generated.truth and all(len(pair) == 2 for pair in generated.truth)


def test_scale_bench_smoke():
    lines = scale.run(size=400, lookups=5)
    assert any("engine full scan" in line for line in lines)
    assert any("baseline lookup" in line for line in lines)
