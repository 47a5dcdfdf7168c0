"""Fictional French press contacts in bulk, with known duplicates, for the scale benchmark.

Names come from Faker fr_FR's lists, widened with made-up surnames (Faker alone has 400, far
fewer than a real file), drawn with a long tail so that "Martin" is common and most surnames
rare. Some contacts only have their newsroom address or the outlet switchboard (shared values).
About ``duplicate_share`` of the records are copies of an earlier person, changed the way
files of three bodies differ: accents dropped, case changed, first and last name swapped, a
typo, phone in national format, email or outlet missing or different.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from itertools import accumulate

from faker.providers.person.fr_FR import Provider

SYLLABLES = ["ba", "ber", "bou", "cha", "chal", "dau", "de", "du", "fon", "gar", "gi", "jou",
             "la", "lan", "ler", "ma", "mar", "mon", "mo", "na", "pel", "per", "pi", "rat",
             "reau", "rou", "sa", "sou", "ta", "tel", "thi", "vau", "vil", "zat"]
ENDINGS = ["", "t", "d", "x", "ier", "in", "on", "and", "ot", "et", "ard", "eau", "ière"]
FIRST_NAMES = list(Provider.first_names_male) + list(Provider.first_names_female)
COMMON = len(Provider.last_names)
COMMON_WEIGHTS = list(accumulate(1 / (rank + 10) for rank in range(COMMON)))


@dataclass
class Generated:
    records: list[dict]
    truth: set[frozenset[int]]


def surnames(rng: random.Random, count: int) -> list[str]:
    made = {rng.choice(SYLLABLES).capitalize() + rng.choice(SYLLABLES) + rng.choice(ENDINGS)
            for _ in range(count * 2)}
    return list(Provider.last_names) + sorted(made)[:count]


def outlets(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(name, domain, switchboard) of fictional outlets."""
    found = []
    for index in range(count):
        name = f"{rng.choice(['Le Courrier', 'Radio', 'La Gazette', 'TV', 'L’Écho'])} {index}"
        switchboard = f"+333{rng.randrange(10**7, 10**8)}"
        found.append((name, f"media{index}.fr", switchboard))
    return found


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def person(rng: random.Random, pid: int, names: list[str], media: list) -> dict:
    first = rng.choice(FIRST_NAMES)
    # a third from Faker's common surnames, "Martin" first (about 1 % of all), the rest rare
    last = rng.choices(names[:COMMON], cum_weights=COMMON_WEIGHTS)[0] \
        if rng.random() < 0.3 else rng.choice(names[COMMON:])
    name, domain, switchboard = rng.choice(media)
    local = f"{strip_accents(first)}.{strip_accents(last)}".lower().replace(" ", "")
    record = {"id": pid, "first_name": first, "last_name": last.upper(), "outlets": [name],
              "emails": [f"{local}@{domain}"], "phones": []}
    if rng.random() < 0.1:
        record["emails"] = [f"redaction@{domain}"]
    if rng.random() < 0.7:
        record["phones"].append(f"+33{rng.choice('67')}{rng.randrange(10**7, 10**8)}")
    if rng.random() < 0.3:
        record["phones"].append(switchboard)
    return record


def variant(rng: random.Random, original: dict, new_id: int) -> dict:
    copy = {**original, "id": new_id, "emails": list(original["emails"]),
            "phones": list(original["phones"])}
    changes = rng.sample(["accents", "case", "swap", "typo", "national", "no-email",
                          "no-outlet", "other-email"], k=rng.randint(1, 3))
    for change in changes:
        _apply(rng, copy, change)
    return copy


def _apply(rng: random.Random, record: dict, change: str) -> None:
    if change == "accents":
        record["first_name"], record["last_name"] = (strip_accents(record["first_name"]),
                                                     strip_accents(record["last_name"]))
    elif change == "case":
        record["last_name"] = record["last_name"].title()
    elif change == "swap":
        record["first_name"], record["last_name"] = record["last_name"], record["first_name"]
    elif change == "typo" and len(record["last_name"]) > 3:
        at = rng.randrange(1, len(record["last_name"]) - 1)
        record["last_name"] = record["last_name"][:at] + record["last_name"][at + 1:]
    elif change == "national":
        record["phones"] = [" ".join(_pairs("0" + p[3:])) for p in record["phones"]]
    elif change == "no-email":
        record["emails"] = []
    elif change == "no-outlet":
        record["outlets"] = []
    elif change == "other-email":
        record["emails"] = [f"{record['id']}.perso@example.fr"]


def _pairs(digits: str) -> list[str]:
    return [digits[i:i + 2] for i in range(0, len(digits), 2)]


def generate(count: int = 100_000, duplicate_share: float = 0.1, seed: int = 7) -> Generated:
    rng = random.Random(seed)
    names, media = surnames(rng, min(20_000, count // 5 + 100)), outlets(rng, 400)
    records: list[dict] = []
    person_of: dict[int, int] = {}
    for new_id in range(count):
        if records and rng.random() < duplicate_share:
            original = records[rng.randrange(len(records))]
            records.append(variant(rng, original, new_id))
            person_of[new_id] = person_of[original["id"]]
        else:
            records.append(person(rng, new_id, names, media))
            person_of[new_id] = new_id
    members: dict[int, list[int]] = {}
    for record_id, pid in person_of.items():
        members.setdefault(pid, []).append(record_id)
    truth = {frozenset((a, b)) for group in members.values()
             for i, a in enumerate(group) for b in group[i + 1:]}
    return Generated(records, truth)
