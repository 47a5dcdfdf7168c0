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


# --- the trap: newsrooms, families, namesakes, at three noise levels ------------------------

NICKNAMES = {
    "Alexandre": "Alex", "Christophe": "Chris", "Catherine": "Cathy", "Nicolas": "Nico",
    "Frédéric": "Fred", "Stéphanie": "Steph", "Jean-Baptiste": "JB", "Guillaume": "Guillaume",
    "Emmanuel": "Manu", "Dominique": "Domi", "Véronique": "Véro", "Valérie": "Val",
    "Sébastien": "Seb", "Christine": "Christ", "Maximilien": "Max", "Philippe": "Phil",
    "Thomas": "Tom", "Élisabeth": "Babeth", "Benjamin": "Ben", "Mathieu": "Mat",
    "Anne-Sophie": "Anne-So", "Jean-Christophe": "JC", "Marie-Christine": "Marie-Chris",
}
# per level: changes per copy (range), share of records typed twice or more
NOISE = {"low": ((1, 1), 0.12), "default": ((1, 3), 0.12), "high": ((3, 5), 0.12)}
CHANGES = ["accents", "case", "swap", "typo", "typo-first", "nickname", "no-email", "no-phone",
           "no-outlet", "job-change", "phone-format", "no-first-name", "old-email"]


def french_ways(e164: str, rng: random.Random) -> str:
    """A French number written the way people do: spaces, dots, dashes, +33 (0), 0033..."""
    national = "0" + e164[3:]
    return rng.choice([
        national, " ".join(_pairs(national)), ".".join(_pairs(national)),
        "-".join(_pairs(national)), f"+33 {national[1]} {' '.join(_pairs(national[2:]))}",
        f"+33 (0){national[1:]}", f"0033{national[1:]}", e164])


def newsroom_person(rng: random.Random, pid: int, first: str, last: str, outlet: tuple,
                    used: set[str], home: str | None = None) -> dict:
    """A journalist of an outlet: (name, domain, switchboard). Colleagues share the outlet, the
    switchboard and the e-mail domain; relatives share a home landline."""
    name, domain, switchboard = outlet
    style = rng.random()
    given, family = (strip_accents(part).lower().replace(" ", "") for part in (first, last))
    candidates = [f"{given}.{family}" if style < 0.7 else f"{given[0]}{family}" if style < 0.9
                  else family, f"{given}.{family}", f"{given}.{family}{pid}"]
    # an address belongs to one person: a colleague or relative already holding it gets another
    email = next(f"{local}@{domain}" for local in candidates if f"{local}@{domain}" not in used)
    used.add(email)
    record = {"id": pid, "first_name": first, "last_name": last.upper(), "outlets": [name],
              "emails": [email], "phones": [switchboard]}
    if rng.random() < 0.75:
        record["phones"].insert(0, f"+33{rng.choice('67')}{rng.randrange(10**7, 10**8)}")
    if home and rng.random() < 0.5:
        record["phones"].append(home)
    return record


def trap_copy(rng: random.Random, original: dict, new_id: int, changes: int,
              media: list) -> dict:
    copy = {**original, "id": new_id, "emails": list(original["emails"]),
            "phones": list(original["phones"]), "outlets": list(original["outlets"])}
    for change in rng.sample(CHANGES, k=changes):
        _trap_apply(rng, copy, change, media)
    return copy


def _trap_apply(rng: random.Random, record: dict, change: str, media: list) -> None:
    first = record["first_name"]
    if change in ("accents", "case", "swap", "typo"):
        _apply(rng, record, change)
    elif change == "typo-first" and len(first) > 3:
        at = rng.randrange(1, len(first) - 1)
        record["first_name"] = first[:at] + first[at + 1] + first[at] + first[at + 2:] \
            if at + 1 < len(first) else first[:at]
    elif change == "nickname" and first in NICKNAMES:
        record["first_name"] = NICKNAMES[first]
    elif change == "no-email":
        record["emails"] = []
    elif change == "no-phone":
        record["phones"] = record["phones"][1:]
    elif change == "no-outlet":
        record["outlets"] = []
    elif change == "no-first-name":
        record["first_name"] = ""
    elif change == "phone-format":
        record["phones"] = [french_ways(p, rng) for p in record["phones"]]
    elif change in ("job-change", "old-email"):
        # a new outlet and its address (job change), or the address of a former one
        name, domain, switchboard = rng.choice(media)
        local = record["emails"][0].split("@")[0] if record["emails"] else \
            strip_accents(f"{first}.{record['last_name']}").lower()
        record["emails"] = [f"{local}@{domain}"]
        if change == "job-change":
            record["outlets"] = [name]
            record["phones"] = [p for p in record["phones"] if p[3:4] in "67"] + [switchboard]


def generate_newsrooms(count: int = 20_000, noise: str = "default", seed: int = 17) \
        -> Generated:
    """Journalists in newsrooms of 3 to 60 (sharing outlet, switchboard, e-mail domain),
    families (same surname, a shared home landline, often the same outlet), namesakes in other
    outlets; some people typed twice or more with ``NOISE[noise]`` changes each."""
    rng = random.Random(seed)
    (low, high), duplicate_share = NOISE[noise]
    names, media = surnames(rng, min(20_000, count // 5 + 100)), outlets(rng, max(count // 25, 10))
    firsts = [f for f in FIRST_NAMES if f] + [n for n in NICKNAMES if n not in FIRST_NAMES]
    people: list[dict] = []
    used: set[str] = set()
    while len(people) < count * (1 - duplicate_share):
        outlet = rng.choice(media)
        roll = rng.random()
        last = rng.choices(names[:COMMON], cum_weights=COMMON_WEIGHTS)[0] \
            if rng.random() < 0.3 else rng.choice(names[COMMON:])
        if roll < 0.15:  # a family: same surname, a home landline, often the same newsroom
            home = f"+333{rng.randrange(10**7, 10**8)}"
            for first in rng.sample(firsts, rng.randint(2, 3)):
                where = outlet if rng.random() < 0.6 else rng.choice(media)
                people.append(newsroom_person(rng, len(people), first, last, where, used, home))
        elif roll < 0.22:  # namesakes: the same name in two outlets
            first = rng.choice(firsts)
            others = [m for m in media if m != outlet]
            for where in (outlet, rng.choice(others)):
                people.append(newsroom_person(rng, len(people), first, last, where, used))
        else:
            people.append(newsroom_person(rng, len(people), rng.choice(firsts), last, outlet,
                                          used))
    records: list[dict] = []
    person_of: dict[int, int] = {}
    for person in people:
        person_of[len(records)] = person["id"]
        records.append({**person, "id": len(records)})
        while rng.random() < duplicate_share * 1.5 and len(records) < count:
            copy = trap_copy(rng, person, len(records), rng.randint(low, high), media)
            person_of[len(records)] = person["id"]
            records.append(copy)
    rng.shuffle(records)
    members: dict[int, list[int]] = {}
    for record in records:
        members.setdefault(person_of[record["id"]], []).append(record["id"])
    truth = {frozenset((a, b)) for group in members.values()
             for i, a in enumerate(group) for b in group[i + 1:]}
    return Generated(records, truth)
