"""A believable demo press file: a few hundred journalists of the region's outlets.

Everything is fictional and reproducible (a fixed seed): names drawn by Faker (fr_FR),
addresses under the reserved ``.test`` domain, phones in the ranges that the French
regulator keeps for fiction (01 99 00 …, 03 53 01 …). Each body gets a few private
contacts, a few interactions and follow-up tasks, so that a newcomer sees a working file.
Created through the real services; idempotent (nothing is added once the file exists).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker
from sqlalchemy import func, select

from crm.auth.models import Role, User
from crm.contacts.core.normalise import fold
from crm.contacts.models import Civility, Contact, Visibility
from crm.contacts.services import ContactData, create_contact
from crm.extensions import db
from crm.interactions.models import InteractionKind, InteractionVisibility, Medium
from crm.interactions.services import InteractionData, log_interaction
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet
from crm.tasks.services import TaskData, create_task

SOURCE = "Fichier presse de démonstration (données fictives)"
SEED = 2026

# outlet name → (mail domain, départements covered, number of journalists)
STAFF: dict[str, tuple[str, tuple[str, ...], int]] = {
    "Le Bien Public": ("lebienpublic.test", ("21",), 34),
    "L'Est Républicain": ("estrepublicain.test", ("25", "70", "90"), 42),
    "Le Journal de Saône-et-Loire": ("lejsl.test", ("71",), 30),
    "L'Yonne Républicaine": ("lyonne.test", ("89",), 22),
    "Le Journal du Centre": ("lejdc.test", ("58",), 18),
    "Le Progrès": ("leprogres.test", ("39",), 16),
    "Voix du Jura": ("voixdujura.test", ("39",), 6),
    "La Presse de Gray": ("pressedegray.test", ("70",), 5),
    "L'Indépendant de l'Yonne": ("independant-yonne.test", ("89",), 5),
    "France 3 Bourgogne-Franche-Comté": ("francetv.test", ("21", "25", "71", "89"), 26),
    "France Bleu Bourgogne": ("radiofrance.test", ("21", "71"), 8),
    "ici Besançon": ("radiofrance-besancon.test", ("25", "39", "70"), 8),
    "ici Belfort-Montbéliard": ("radiofrance-belfort.test", ("90", "25"), 6),
    "ici Auxerre": ("radiofrance-auxerre.test", ("89", "58"), 6),
    "Traces Écrites News": ("tracesecrites.test", ("national",), 6),
    "Infos Dijon": ("infos-dijon.test", ("21",), 4),
    "macommune.info": ("macommune.test", ("25",), 5),
    "Le Trois": ("letrois.test", ("90",), 4),
    "Dijon l'Hebdo": ("dijonlhebdo.test", ("21",), 4),
    "AFP": ("afp.test", ("national",), 8),
    "Les Échos": ("lesechos.test", ("national",), 5),
    "L'Usine Nouvelle": ("usinenouvelle.test", ("national",), 4),
}
TITLES = ("Journaliste", "Journaliste", "Journaliste", "Rédacteur en chef adjoint", "Chef d'agence",
          "Correspondant local", "Secrétaire de rédaction", "Photographe", "Journaliste reporter d'images")
BEATS = ("économie", "industrie", "innovation", "santé", "politique", "collectivités", "agriculture",
         "emploi", "enseignement supérieur", "environnement", "transports", "culture", "sport")


@dataclass(frozen=True)
class DemoFile:
    contacts: int
    interactions: int
    tasks: int


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower().replace(" ", "-") if c.isalnum() or c == "-")


def _phones(rng: random.Random) -> Iterator[str]:
    """Distinct numbers in the fiction ranges, in the French way they are typed."""
    numbers = [f"01 99 00 {n // 100:02d} {n % 100:02d}" for n in range(10_000)]
    numbers += [f"03 53 01 {n // 100:02d} {n % 100:02d}" for n in range(10_000)]
    rng.shuffle(numbers)
    yield from numbers


def _people(rng: random.Random) -> Iterator[tuple[str, ContactData]]:
    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    phones = _phones(rng)
    seen: set[str] = set()
    for outlet, (domain, areas, count) in STAFF.items():
        for _ in range(count):
            female = rng.random() < 0.5
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            local = f"{_ascii(first)}.{_ascii(last)}"
            if local in seen:
                continue
            seen.add(local)
            yield outlet, ContactData(
                last_name=last.upper(), first_name=first, source=SOURCE,
                civility=Civility.MRS if female else Civility.MR,
                job_title=rng.choice(TITLES), emails=[f"{local}@{domain}"],
                phones=[next(phones)], beats=rng.sample(BEATS, rng.randint(1, 3)),
                area=rng.choice(areas))


def load_press_file(today: dt.date) -> DemoFile | None:
    """Create the demo press file once; None when it exists already (or no demo account does)."""
    if db.session.scalar(select(func.count()).select_from(Contact).where(Contact.source == SOURCE)):
        return None
    users = {(u.organisation.short_name, u.role): u for u in db.session.scalars(
        select(User).where(User.email.like("%@relais.test")))}
    orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    officers = [users.get((o.short_name, Role.OFFICER)) for o in orgs]
    if not orgs or None in officers:
        return None
    outlets = {fold(o.name): o.id for o in db.session.scalars(select(Outlet))}
    rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not a secret
    contacts: list[Contact] = []
    for index, (outlet, data) in enumerate(_people(rng)):
        owner = orgs[index % len(orgs)]
        if index % 23 == 0:  # each body keeps a few journalists to itself
            data.visibility = Visibility.PRIVATE
        data.outlet_ids = [outlets[fold(outlet)]] if fold(outlet) in outlets else []
        contacts.append(create_contact(None, data, organisation_id=owner.id))
    interactions = _interactions(rng, contacts, [u for u in officers if u], today)
    tasks = _tasks(rng, contacts, list(users.values()), today)
    return DemoFile(len(contacts), interactions, tasks)


LOGS = (
    (InteractionKind.CALL, "Appel : préparation du dossier biothérapies"),
    (InteractionKind.INTERVIEW, "Interview du vice-président sur la bioproduction"),
    (InteractionKind.EMAIL, "Envoi du dossier de presse des Assises"),
    (InteractionKind.MEETING, "Déjeuner de rédaction"),
    (InteractionKind.PRESS_POINT, "Point presse du 10 juin 2026"),
    (InteractionKind.COVERAGE, "Article sur les Assises régionales"),
)


def _interactions(rng: random.Random, contacts: list[Contact], officers: list[User],
                  today: dt.date) -> int:
    count = 0
    for officer in officers:
        visible = [c for c in contacts if c.visibility == Visibility.SHARED
                   or c.organisation_id == officer.organisation_id]
        for kind, subject in LOGS:
            contact = rng.choice(visible)
            day = today - dt.timedelta(days=rng.randint(1, 120))
            data = InteractionData(
                kind=kind, subject=subject, contact_ids=[contact.id],
                happened_at=dt.datetime.combine(day, dt.time(10, 30), tzinfo=dt.UTC),
                visibility=InteractionVisibility.SHARED if count % 2 else InteractionVisibility.ORG,
                outlet_id=contact.outlets[0].id if contact.outlets else None)
            if kind == InteractionKind.COVERAGE:
                data.coverage_url = f"https://www.example.org/presse/article-{count}"
                data.coverage_title = subject
                data.coverage_medium = Medium.WEB
            log_interaction(officer, data)
            count += 1
    return count


TASKS = ("Relancer pour l'interview", "Envoyer les visuels des Assises", "Vérifier l'accréditation",
         "Transmettre le dossier de presse", "Proposer un reportage sur BIOVALIANCE")


def _tasks(rng: random.Random, contacts: list[Contact], users: list[User], today: dt.date) -> int:
    people = sorted(users, key=lambda u: u.id)
    for index, title in enumerate(TASKS):
        actor, assignee = people[index % len(people)], people[(index * 4 + 1) % len(people)]
        visible = [c for c in contacts if c.visibility == Visibility.SHARED]
        create_task(actor, TaskData(title=title, assignee_id=assignee.id,
                                    due_on=today + dt.timedelta(days=rng.randint(-3, 14)),
                                    contact_id=rng.choice(visible).id))
    return len(TASKS)
