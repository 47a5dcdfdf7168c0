"""The French catalogue covers every text of the code and templates."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
METHODS = [("crm/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


def _extracted() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith(".") and "static" not in path,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_text_has_a_french_translation():
    with open(ROOT / "crm/translations/fr/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = read_po(po, locale="fr")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(_extracted() - translated)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)
