"""Scale: a full scan of generated French press contacts and single-record lookups.

Baseline, in the same process: the rule of the current duplicate warning
(``crm.contacts.duplicates``): same email, same phone, or same folded name at one of the same
outlets, by exact dictionary look-ups, with no notion of shared values.
"""

from __future__ import annotations

import random
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable

from bench._press_data import Generated, generate, variant
from crm.contacts.core.normalise import name_key
from crm.dedupe.engine import build_index, find_duplicates, lookup
from crm.dedupe.engine.fields import as_e164, fold
from crm.dedupe.engine.phonetic import phonetic

Pair = frozenset


def quality(found: set[Pair], truth: set[Pair]) -> str:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    return f"P={precision:.3f} R={recall:.3f} ({len(found)} pairs)"


def baseline_keys(record: dict) -> Iterable[str]:
    yield from (f"e|{e.strip().lower()}" for e in record.get("emails") or ())
    yield from (f"p|{as_e164(p)}" for p in record.get("phones") or ())
    key = name_key(record.get("first_name"), record.get("last_name"))
    yield from (f"n|{key}|{o.casefold()}" for o in record.get("outlets") or ())


def baseline_index(records: list[dict]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for record in records:
        for key in set(baseline_keys(record)):
            index[key].append(record["id"])
    return index


def baseline_scan(records: list[dict]) -> set[Pair]:
    found: set[Pair] = set()
    for ids in baseline_index(records).values():
        found.update(Pair((a, b)) for i, a in enumerate(ids) for b in ids[i + 1:])
    return found


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_caches() -> None:
    """Empty the engine's memo tables, so that a timed scan starts as a worker's first does."""
    for cached in (fold, phonetic, as_e164):
        cached.cache_clear()


def timed(function, *args, repeats: int = 1, before=None, **kwargs):
    """The last result and the times of ``repeats`` runs, shortest first (the machine is
    shared); ``before`` runs untimed ahead of each one."""
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        started = time.perf_counter()
        value = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return value, sorted(times)


def run(size: int = 100_000, lookups: int = 200, seed: int = 11) -> list[str]:
    generated: Generated = generate(size)
    records = generated.records
    lines = [f"Scale: {size} generated contacts, {len(generated.truth)} true duplicate pairs"
             " (times: best of three runs, each with empty caches)",
             f"  peak RSS before the scan: {peak_rss_mb():.0f} MB"]
    result, times = timed(find_duplicates, records, repeats=3, before=cold_caches)
    found = {Pair((p.left, p.right)) for p in result.pairs}
    certain = {Pair((p.left, p.right)) for p in result.pairs if p.decision == "certain"}
    lines += [f"  engine full scan: {times[0]:.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}),"
              f" {result.candidates} candidate pairs",
              f"    proposed (certain + review): {quality(found, generated.truth)}",
              f"    certain only:                {quality(certain, generated.truth)}",
              f"  peak RSS after the scan: {peak_rss_mb():.0f} MB"]
    found_base, times = timed(baseline_scan, records, repeats=3, before=cold_caches)
    lines.append(f"  baseline scan (same email/phone/name+outlet): {times[0]:.2f} s, "
                 f"{quality(found_base, generated.truth)}")
    lines += lookup_lines(generated, result.weights, lookups, seed)
    lines.append(f"  peak RSS at the end: {peak_rss_mb():.0f} MB")
    return lines


def lookup_lines(generated: Generated, weights, lookups: int, seed: int) -> list[str]:
    records = generated.records
    index, times = timed(build_index, records, weights=weights)
    rng = random.Random(seed)
    sources = [rng.choice(records) for _ in range(lookups)]
    queries = [(variant(rng, source, -1 - n), source["id"]) for n, source in enumerate(sources)]
    engine_times, engine_hits, base_times, base_hits = [], 0, [], 0
    engine_sizes, base_sizes = [], []
    base = baseline_index(records)
    for query, source_id in queries:
        found, elapsed = timed(lookup, query, index)
        engine_times.append(elapsed[0])
        engine_hits += source_id in {p.right for p in found}
        engine_sizes.append(len(found))
        ids, elapsed = timed(lambda q: {i for k in baseline_keys(q) for i in base.get(k, ())},
                             query)
        base_times.append(elapsed[0])
        base_hits += source_id in ids
        base_sizes.append(len(ids))
    return [f"  index build: {times[0]:.2f} s",
            f"  engine lookup: median {statistics.median(engine_times) * 1000:.1f} ms, "
            f"p95 {sorted(engine_times)[int(0.95 * len(engine_times))] * 1000:.1f} ms, "
            f"finds the source record {engine_hits}/{len(queries)}, "
            f"{statistics.mean(engine_sizes):.1f} records proposed on average",
            f"  baseline lookup: median {statistics.median(base_times) * 1000:.3f} ms, "
            f"finds the source record {base_hits}/{len(queries)}, "
            f"{statistics.mean(base_sizes):.1f} records returned on average"]

