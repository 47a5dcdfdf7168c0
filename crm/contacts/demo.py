"""Fictional press contacts and outlets of the region, in bulk, for demos and benchmarks.

Names come from Faker fr_FR (no real journalist); outlet names are real titles of the
region plus fictional local ones. A share of the contacts are realistic duplicates of
others (accents dropped, case changed, first and last name swapped, another owner) for the
de-duplication work. Rows go in through Core bulk inserts, in batches.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from faker import Faker
from sqlalchemy import Table, func, insert, select, text

from crm.contacts.core.normalise import fold, name_key, phone_search_tokens, search_text, sort_key
from crm.contacts.models import (
    AREAS,
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    contact_outlet,
)
from crm.database import utcnow
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet

REAL_OUTLETS = [
    ("Le Bien Public", "pqr", ["LBP"], "lebienpublic.fr"),
    ("L'Est Républicain", "pqr", ["ER", "L'Est Répu"], "estrepublicain.fr"),
    ("Le Journal de Saône-et-Loire", "pqr", ["JSL"], "lejsl.com"),
    ("L'Yonne Républicaine", "pqr", ["YR"], "lyonne.fr"),
    ("Le Journal du Centre", "pqr", ["JDC"], "lejdc.fr"),
    ("Le Progrès", "pqr", [], "leprogres.fr"),
    ("France 3 Bourgogne-Franche-Comté", "tv", ["France 3 BFC", "F3 BFC"], "france3-regions.fr"),
    ("France Bleu Bourgogne", "radio", ["ICI Bourgogne"], "francebleu.fr"),
    ("France Bleu Besançon", "radio", ["ICI Besançon"], "francebleu.fr"),
    ("Agence France-Presse Dijon", "agency", ["AFP"], "afp.com"),
    ("Dijon l'Hebdo", "weekly", [], "dijonlhebdo.fr"),
    ("La Presse de Gray", "weekly", [], "lapressedegray.fr"),
    ("Traces Écrites News", "web", ["TEN"], "tracesecritesnews.fr"),
    ("Infos Dijon", "web", [], "infos-dijon.com"),
    ("Macommune.info", "web", [], "macommune.info"),
]
LOCAL_PATTERNS = [("La Gazette de {city}", "weekly"), ("Radio {city}", "radio"),
                  ("{city} Infos", "web"), ("L'Écho de {city}", "weekly"),
                  ("{city} Magazine", "magazine"), ("Le Courrier de {city}", "weekly"),
                  ("TV {city}", "tv")]
BEATS = ["Politique", "Économie", "Culture", "Sport", "Santé", "Éducation", "Agriculture",
         "Environnement", "Faits divers", "Société", "Numérique", "Industrie", "Tourisme",
         "Transports", "Enseignement supérieur", "Énergie", "Viticulture"]
TITLES = ["Journaliste", "Rédacteur en chef", "Rédactrice en chef adjointe", "Chef d'édition",
          "Correspondant local", "Pigiste", "Présentatrice", "Reporter d'images",
          "Chargée de communication", "Attaché de presse", "Conseiller régional", "Maire"]
BATCH = 5_000


@dataclass
class Generated:
    outlets: int = 0
    contacts: int = 0
    duplicates: int = 0


def _strip_accents(text_: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text_)
                   if not unicodedata.combining(c))


def _next_id(table: Table) -> int:
    return int(db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _outlet_rows(count: int, rng: random.Random, fake: Faker) -> list[dict[str, Any]]:
    start, now, rows = _next_id(Outlet.__table__), utcnow(), []
    for i in range(count):
        if i < len(REAL_OUTLETS):
            name, kind, aliases, domain = REAL_OUTLETS[i]
        else:
            pattern, kind = rng.choice(LOCAL_PATTERNS)
            name, aliases = pattern.format(city=fake.city()), []
            domain = fold(name).replace(" ", "-") + ".fr"
        rows.append({"id": start + i, "name": name, "name_key": fold(name), "aliases": aliases,
                     "search_text": search_text(name, *aliases), "kind": kind,
                     "coverage_area": rng.choice(["Côte-d'Or", "Doubs", "Jura", "Nièvre",
                                                  "Haute-Saône", "Saône-et-Loire", "Yonne",
                                                  "Territoire de Belfort",
                                                  "Bourgogne-Franche-Comté"]),
                     "website": f"https://www.{domain}", "newsroom_email": f"redaction@{domain}",
                     "switchboard_phone": f"+333{rng.randint(80000000, 89999999)}",
                     "version": 1, "created_at": now, "updated_at": now})
    return rows


_SYLLABLES = ("ba", "ber", "bou", "cha", "dau", "de", "du", "fon", "gar", "gi", "jou", "la",
              "lan", "lou", "ma", "mar", "mo", "pe", "pi", "ra", "ri", "ro", "sa", "sou", "ta",
              "ti", "va", "vi")
_ENDINGS = ("", "t", "d", "x", "ier", "in", "on", "and", "ot", "et", "ard", "eau", "ière")
COMMON_SURNAMES = 0.3  # share of people with one of Faker's common surnames


def _rare_surnames(rng: random.Random, count: int) -> list[str]:
    """Made-up surnames: a real file of this size has far more surnames than Faker knows,
    and without them every tenth person would have a namesake."""
    made = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()
            + rng.choice(_ENDINGS) for _ in range(count)}
    return sorted(made)


def _people(count: int, rng: random.Random, fake: Faker) -> Iterator[dict[str, str]]:
    firsts = [fake.first_name() for _ in range(600)]
    lasts = [fake.last_name() for _ in range(3000)]
    rare = _rare_surnames(rng, max(1_000, count // 2))
    for _ in range(count):
        first = rng.choice(firsts)
        last = rng.choice(lasts) if rng.random() < COMMON_SURNAMES else rng.choice(rare)
        yield {"first": first, "last": last.upper() if rng.random() < 0.4 else last,
               "phone": f"+33{rng.choice('67')}{rng.randint(10000000, 99999999)}"}


def _variant(person: dict[str, str], rng: random.Random) -> dict[str, str]:
    """The same person as typed by someone else."""
    first, last = person["first"], person["last"]
    change = rng.randrange(4)
    if change == 0:
        first, last = _strip_accents(first), _strip_accents(last)
    elif change == 1:
        first, last = first.lower(), last.capitalize() if last.isupper() else last.upper()
    elif change == 2:
        first, last = last, first  # swapped name order
    return {**person, "first": first, "last": last}


def generate(contacts: int, outlets: int, *, seed: int = 2026,
             duplicate_share: float = 0.08) -> Generated:
    """Insert ``outlets`` outlets and ``contacts`` contacts; the caller commits."""
    rng, fake = random.Random(seed), Faker("fr_FR")  # noqa: S311 - fictional data, not secrets
    fake.seed_instance(seed)
    outlet_rows = _outlet_rows(outlets, rng, fake)
    for start in range(0, len(outlet_rows), BATCH):
        db.session.execute(insert(Outlet.__table__), outlet_rows[start:start + BATCH])
    org_ids = list(db.session.scalars(select(Organisation.id)))
    if not outlet_rows:
        outlet_rows = [dict(zip(("id", "name", "aliases", "switchboard_phone"), row, strict=True))
                       for row in db.session.execute(select(Outlet.id, Outlet.name, Outlet.aliases,
                                                            Outlet.switchboard_phone))]
    result = Generated(outlets=outlets)
    people: list[dict[str, str]] = []
    batch = _Batch(_next_id(Contact.__table__))
    for person in _people(contacts, rng, fake):
        if people and rng.random() < duplicate_share:
            person = _variant(rng.choice(people), rng)
            result.duplicates += 1
        elif len(people) < 20_000:
            people.append(person)
        batch.add(person, rng, outlet_rows, org_ids)
        if batch.size >= BATCH:
            batch.flush()
    batch.flush()
    result.contacts = contacts
    _fix_sequences()
    # fresh statistics, so that the planner knows the new table sizes straight away
    db.session.execute(text("ANALYZE"))
    return result


class _Batch:
    def __init__(self, next_id: int) -> None:
        self.next_id, self.size = next_id, 0
        self.rows: dict[str, list[dict[str, Any]]] = {
            "contact": [], "email": [], "phone": [], "beat": [], "outlet": []}

    def add(self, person: dict[str, str], rng: random.Random, outlets: list[dict[str, Any]],
            org_ids: list[int]) -> None:
        cid, now = self.next_id, utcnow() - dt.timedelta(minutes=rng.randint(0, 500_000))
        self.next_id += 1
        self.size += 1
        chosen = rng.sample(outlets, k=min(len(outlets), 1 if rng.random() < 0.85 else 2))
        beats = rng.sample(BEATS, k=rng.randint(0, 3))
        local = fold(f"{person['first']} {person['last']}").replace(" ", ".")
        newsroom = chosen[0].get("newsroom_email") if chosen else None
        domain = newsroom.split("@")[1] if newsroom else "gmail.com"
        email = f"{local}@{domain}" if rng.random() < 0.9 else None
        phones = [person["phone"]] if rng.random() < 0.8 else []
        if chosen and chosen[0].get("switchboard_phone") and rng.random() < 0.2:
            phones.append(chosen[0]["switchboard_phone"])
        words = [t for p in phones for t in phone_search_tokens(p)]
        self.rows["contact"].append({
            "id": cid, "civility": rng.choice(["none", "mr", "mrs"]),
            "first_name": person["first"], "last_name": person["last"],
            "name_key": name_key(person["first"], person["last"]),
            "sort_key": sort_key(person["last"], person["first"]),
            "kind": rng.choices(["journalist", "press_officer", "elected", "other"],
                                [85, 8, 4, 3])[0],
            "job_title": rng.choice(TITLES), "area": rng.choice(AREAS), "social_links": [],
            "organisation_id": rng.choice(org_ids),
            "visibility": "shared" if rng.random() < 0.85 else "private",
            "source": "Démo (données fictives)", "legal_basis": "legitimate_interest",
            "is_opted_out": rng.random() < 0.03, "is_email_bounced": rng.random() < 0.02,
            "search_text": search_text(person["first"], person["last"], email, *words,
                                       *(w for o in chosen for w in (o["name"], *o["aliases"])),
                                       *beats),
            "version": 1, "created_at": now, "updated_at": now})
        if email:
            self.rows["email"].append({"contact_id": cid, "email": email, "is_primary": True})
        for i, phone in enumerate(phones):
            kind = "switchboard" if i else ("mobile" if phone[3] in "67" else "landline")
            self.rows["phone"].append({"contact_id": cid, "e164": phone, "kind": kind,
                                       "is_primary": i == 0})
        self.rows["beat"] += [{"contact_id": cid, "name": b, "key": fold(b)} for b in beats]
        self.rows["outlet"] += [{"contact_id": cid, "outlet_id": o["id"]} for o in chosen]

    def flush(self) -> None:
        tables = {"contact": Contact.__table__, "email": ContactEmail.__table__,
                  "phone": ContactPhone.__table__, "beat": ContactBeat.__table__,
                  "outlet": contact_outlet}
        for key, table in tables.items():
            if self.rows[key]:
                db.session.execute(insert(table), self.rows[key])
            self.rows[key] = []
        self.size = 0


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the new rows."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("outlet", "contact", "contact_email", "contact_phone", "contact_beat"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constants
            f"(SELECT coalesce(max(id), 1) FROM {table}))"))
