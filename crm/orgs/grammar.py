"""An organisation's name inside a French sentence, from its name and its article: "la
Région Bourgogne-Franche-Comté", "l’Agence économique régionale" (the article elided before a
vowel or a mute h), "le Conseil…", "les Chambres…", or no article ("Dijon Métropole"); and
after "de": "de la Région", "de l’Agence", "du Conseil", "des Chambres", "de Dijon",
"d’Orléans Métropole". Pure functions; no Flask.
"""

from __future__ import annotations

import unicodedata

ARTICLES = ("", "le", "la", "les")  # what the organisation's name takes in a sentence
APOSTROPHE = "\u2019"
_VOWELS = frozenset("aeiouyh")  # a mute h elides like a vowel (l’Hôtel de Région)


def _elides(name: str) -> bool:
    first = unicodedata.normalize("NFD", name.strip()[:1]).casefold()[:1]
    return first in _VOWELS


def with_article(name: str, article: str) -> str:
    """"la Région…", "l’Agence…", "les Chambres…", or the name alone."""
    if article in ("le", "la"):
        return f"l{APOSTROPHE}{name}" if _elides(name) else f"{article} {name}"
    return f"{article} {name}" if article == "les" else name


def of(name: str, article: str) -> str:
    """The name after "de": "de la Région…", "de l’Agence…", "du Conseil…", "des…",
    "de Dijon…", "d’Orléans…"."""
    if article == "le" and not _elides(name):
        return f"du {name}"
    if article == "les":
        return f"des {name}"
    if not article:
        return f"d{APOSTROPHE}{name}" if _elides(name) else f"de {name}"
    return f"de {with_article(name, article)}"
