"""Guessing which contact field each column of an imported table holds. Pure function.

``guess_mapping(["Nom", "Prénom", "Média", "Tél. portable", "Courriel 2"])`` maps each header
to a canonical field name, or None when nothing fits. Headers are folded (accents, case,
punctuation) and a trailing number is ignored ("E-mail 2" is an email). An exact synonym wins;
otherwise the longest synonym found as whole words inside the header. The user corrects the
guess in the preview.
"""

from __future__ import annotations

from crm.contacts.core.normalise import fold

FIELDS: dict[str, tuple[str, ...]] = {
    "civility": ("civilite", "civ", "salutation", "civility", "titre de civilite", "genre"),
    "first_name": ("prenom", "prenoms", "first name", "firstname", "given name", "forename"),
    "last_name": ("nom", "nom de famille", "last name", "lastname", "surname", "family name",
                  "nom de naissance", "patronyme"),
    "full_name": ("nom complet", "name", "full name", "nom prenom", "prenom nom",
                  "nom et prenom", "display name", "contact", "nom du contact"),
    "email": ("email", "e mail", "courriel", "mail", "mel", "adresse mail", "adresse email",
              "adresse e mail", "adresse electronique", "email address", "e mail address"),
    "phone": ("tel", "telephone", "phone", "tel fixe", "telephone fixe", "ligne directe",
              "business phone", "work phone", "telephone professionnel", "tel bureau",
              "standard", "fixe"),
    "mobile": ("portable", "mobile", "tel portable", "telephone portable", "mob", "gsm",
               "mobile phone", "cell", "cell phone", "cellphone", "tel mobile",
               "telephone mobile"),
    "outlet": ("media", "medias", "journal", "titre", "titre de presse", "support", "organe",
               "societe", "entreprise", "organisation", "organization", "company", "outlet",
               "publication", "redaction", "nom du media", "employeur", "structure"),
    "role": ("fonction", "poste", "job title", "title", "role", "position", "qualite",
             "titre du poste", "metier", "profession"),
    "beat": ("rubrique", "rubriques", "thematique", "thematiques", "theme", "themes", "sujets",
             "beat", "beats", "topics", "centres d interet", "specialite"),
    "area": ("departement", "dept", "zone", "secteur", "area", "territoire", "zone de diffusion"),
    "city": ("ville", "commune", "city", "localite"),
    "postcode": ("code postal", "cp", "postcode", "zip", "postal code", "zip code"),
    "address": ("adresse", "address", "rue", "adresse postale", "street"),
    "website": ("site", "site web", "site internet", "website", "url", "web"),
    "note": ("note", "notes", "commentaire", "commentaires", "remarque", "remarques",
             "observations", "comments", "comment"),
}
_SYNONYMS = {synonym: name for name, synonyms in FIELDS.items() for synonym in synonyms}
_BY_LENGTH = sorted(_SYNONYMS, key=len, reverse=True)


def guess_field(header: str) -> str | None:
    """The canonical field a header names, or None."""
    key = without_trailing_number(fold(header))
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if key in FIELDS or key.replace(" ", "_") in FIELDS:
        return key.replace(" ", "_")
    padded = f" {key} "
    for synonym in _BY_LENGTH:
        if f" {synonym} " in padded:
            return _SYNONYMS[synonym]
    return None


def without_trailing_number(key: str) -> str:
    """``key`` less its final digits and the spaces before them ("e mail 2" → "e mail").

    A scan from the end: the expression ``\\s*\\d+$`` it replaces retried every position of a
    long run of digits, quadratic in the run.
    """
    end = len(key)
    while end and key[end - 1].isdecimal():
        end -= 1
    return key if end == len(key) else key[:end].rstrip()


def guess_mapping(headers: list[str]) -> dict[str, str | None]:
    """Each header with its guessed field (several columns may share one, e.g. two emails)."""
    return {header: guess_field(header) for header in headers}
