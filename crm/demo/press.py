"""Demo press data: the region's outlets and the joint press release, imported through the
real import path (staged, then committed), so that its contact block and its four press
officers exist. Idempotent: outlets are matched by name, the release is imported once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.core.normalise import fold
from crm.extensions import db
from crm.imports.models import ImportBatch, ImportMode, SourceKind
from crm.imports.services import commit_batch, stage_text
from crm.outlets.models import Outlet, OutletKind
from crm.outlets.services import OutletData, create_outlet

DATA = Path(__file__).resolve().parent / "data"
RELEASE = "communique-assises-2026.txt"
DEMO_FILES = ("journalistes-aer-bfc.csv", "presse-region-bfc.csv")

OUTLETS: tuple[tuple[str, OutletKind, list[str], str, str | None, str | None], ...] = (
    ("Le Bien Public", OutletKind.PQR, ["LBP", "Bien Public"], "Côte-d'Or",
     "redaction@lebienpublic.fr", "03 80 42 42 42"),
    ("L'Est Républicain", OutletKind.PQR, ["Est Républicain", "L'Est Rep"], "Doubs, Jura",
     "redaction@estrepublicain.fr", None),
    ("Le Journal de Saône-et-Loire", OutletKind.PQR, ["JSL"], "Saône-et-Loire", None, None),
    ("L'Yonne Républicaine", OutletKind.PQR, ["Yonne Républicaine"], "Yonne", None, None),
    ("Le Progrès", OutletKind.PQR, ["Le Progrès Jura"], "Jura", None, None),
    ("France 3 Bourgogne-Franche-Comté", OutletKind.TV, ["France 3 BFC", "France 3"],
     "Bourgogne-Franche-Comté", None, None),
    ("France Bleu Bourgogne", OutletKind.RADIO, ["ici Bourgogne"], "Côte-d'Or", None, None),
    ("AFP", OutletKind.AGENCY, ["Agence France-Presse"], "National", None, None),
    ("Le Journal du Centre", OutletKind.PQR, ["JDC"], "Nièvre", None, None),
    ("Voix du Jura", OutletKind.WEEKLY, [], "Jura", None, None),
    ("La Presse de Gray", OutletKind.WEEKLY, [], "Haute-Saône", None, None),
    ("L'Indépendant de l'Yonne", OutletKind.WEEKLY, [], "Yonne", None, None),
    ("ici Besançon", OutletKind.RADIO, ["France Bleu Besançon"], "Doubs, Jura, Haute-Saône", None, None),
    ("ici Belfort-Montbéliard", OutletKind.RADIO, ["France Bleu Belfort-Montbéliard"],
     "Territoire de Belfort, Doubs", None, None),
    ("ici Auxerre", OutletKind.RADIO, ["France Bleu Auxerre"], "Yonne, Nièvre", None, None),
    ("Traces Écrites News", OutletKind.WEB, ["Traces Écrites"], "Bourgogne-Franche-Comté", None, None),
    ("Infos Dijon", OutletKind.WEB, [], "Côte-d'Or", None, None),
    ("macommune.info", OutletKind.WEB, [], "Doubs", None, None),
    ("Le Trois", OutletKind.WEB, [], "Territoire de Belfort", None, None),
    ("Dijon l'Hebdo", OutletKind.WEEKLY, [], "Côte-d'Or", None, None),
    ("Les Échos", OutletKind.MAGAZINE, [], "National", None, None),
    ("L'Usine Nouvelle", OutletKind.MAGAZINE, [], "National", None, None),
)


def load_outlets() -> int:
    """Create the demo outlets that are missing; returns how many were created."""
    known = {fold(name) for name in db.session.scalars(select(Outlet.name))}
    created = 0
    for name, kind, aliases, area, newsroom, switchboard in OUTLETS:
        if fold(name) not in known:
            create_outlet(None, OutletData(name=name, kind=kind, aliases=aliases,
                                           coverage_area=area, newsroom_email=newsroom,
                                           switchboard_phone=switchboard))
            created += 1
    return created


def import_release(actor: User) -> bool:
    """Import the joint press release once, as ``actor``; False when it was done already."""
    done = db.session.scalar(select(ImportBatch.id).where(ImportBatch.filename == RELEASE,
                                                          ImportBatch.source_kind == SourceKind.TEXT))
    if done is not None:
        return False
    text = (DATA / RELEASE).read_text(encoding="utf-8")
    batch = stage_text(actor, text, filename=RELEASE,
                       source="Communiqué de presse commun « Assises 2026 », 10 juin 2026")
    db.session.flush()
    commit_batch(actor, batch, ImportMode.SKIP)
    return True
