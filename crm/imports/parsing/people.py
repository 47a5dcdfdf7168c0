"""Reading one line of a press-contact block. Pure functions: no Flask, no database.

A line such as ``Aline POIRIER – apoirier@aer-bfc.com – Tél. 06 80 55 69 66`` is read in
three layers: phone numbers (phonenumbers' matcher, region FR, fax numbers skipped, with the
label just before each: "Tél. :", "T.", "Mobile", "Phone:"), email addresses (a loose
pattern, then ``normalise_email``), and a name found by a heuristic on what is left:
capitalised given name(s) + UPPER-CASE surname in either order (``LE GOFF``,
``DUPONT-MOREAU``), or two mixed-case words when an email tells which one is the surname.

Inside a block (``read_line``) a mixed-case name needs no email ("Camille Roussel", "Hugues
de Villeneuve", "Awa N’Diaye"): the block's layout decides whether the line is a person, and
words that name an organisation, a place or a job ("Agence", "Préfecture", "Attachée"…) are
never part of a name. A leading field label ("Nom :", "Name:", "Fonction :") and a bullet are
dropped first; tabs separate segments like dashes do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from crm.contacts.core.normalise import REGION, InvalidEmail, fold, normalise_email

# An address is found from each "@": its local part is walked back over _LOCAL characters, its
# domain matched forward from there; each character is visited a bounded number of times.
_LOCAL = re.compile(r"[\w.+'-]")
_DOMAIN = re.compile(r"[\w-]++(?:\.[\w-]++)+")
_LABEL = re.compile(
    r"(?<!\w)(t[ée]l[ée]phone|t[ée]l|portable|port|mob(?:ile)?|gsm|fixe|ligne directe|"
    r"standard|fax|e-?mail|m[ée]l|courriel|mail|email|phone|cell)(?!\w)\.?\s*:?",
    re.IGNORECASE)
# The label right before a phone or an address ("Tél. :", "T.", "M :", "E:"), read in a short
# window so that each number costs a bounded test; blanked out with it.
_LABEL_BEFORE = re.compile(
    r"(?<![^\W\d_])(t[ée]l[ée]phone|t[ée]l[ée]copie|t[ée]l|phone|portable|port|mob(?:ile)?|"
    r"gsm|cell|fixe|ligne directe|direct|standard|fax|e-?mail|m[ée]l|courriel|mail|[tmpfe])"
    r" ?\.? ?:? ?$", re.IGNORECASE)
_LABEL_WINDOW = 16
_FAX_LABELS = ("fax", "f", "telecopie", "télécopie")
_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*[–—|;,•·/()]\s*|\s*:\s+|^\s*-\s+|\s+-\s*$")
# A bullet, then a field label ("Nom :", "Name:"), at the start of a line.
_BULLET = re.compile(r"^[•·▪◦‣●■□►▶>*–—-]{1,3}+\s+")
_FIELD = re.compile(
    r"^(?:nom et pr[ée]nom|pr[ée]nom et nom|pr[ée]nom|nom|name|fonction|function|r[ôo]le|"
    r"job title|title|titre|poste|qualit[ée]|contact|interlocut(?:eur|rice)) ?:\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S{0,200}+", re.IGNORECASE)
_CIVILITY = re.compile(r"^(m\.|mr\.?|mme\.?|mlle\.?|madame|monsieur|mademoiselle|dr\.?)\s+",
                       re.IGNORECASE)
_NAME_TOKEN = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*\.?$")
_PARTICLES = {"de", "du", "des", "le", "la", "van", "von", "di", "da", "d'", "del"}
_ELISION = re.compile(r"^[dl]['’][^\W\d_]")
_MAX_NAME_TOKENS = 5
# Folded words that make a line an organisation, a place, a job or a field, never a name.
_NOT_NAME_WORDS = """
agence agency groupe group region regional prefecture prefet prefete ministere ministry ministre
conseil council departement department departemental ville city mairie commune communaute
metropole service services direction directeur directrice director cabinet office bureau
societe company association fondation foundation institut institute universite university
centre center chambre pole maison musee museum theatre festival orchestre opera hopital chu
banque bank caisse federation syndicat collectif studio atelier editions etat republique
business parc espace cite palais hotel site gare aeroport port board tourism tourisme
committee comite trust club network reseau cluster union alliance cooperative laboratoire
lab labs ecole school college lycee academie academy salle amphitheatre auditorium stade
gymnase piscine bibliotheque mediatheque cinema eglise cathedrale abbaye chateau square
halle campus lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday
wednesday thursday friday saturday sunday corp inc ltd sa sas sarl gmbh plc llc
communication communications presse press media medias relations relation contact contacts
publiques public affaires team equipe partenaires partners cedex rue avenue boulevard place
quai chemin allee route impasse bd saint sainte grand grande www tel telephone mobile
portable standard fax email mail courriel phone
attache attachee charge chargee responsable chef conseiller conseillere manager head officer
assistant assistante secretaire secretariat porte parole delegue deleguee coordinateur
coordinatrice senior junior president presidente vice adjoint adjointe general generale
executive chief lead consultant consultante
suivez retrouvez propos about pour plus information informations contactez programme
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


@dataclass
class Person:
    """One press contact read from a block; email lower-case and validated, phones E.164."""

    first_name: str
    last_name: str
    email: str | None = None
    phone_e164: str | None = None
    role: str | None = None
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineFacts:
    """What one line holds: a name, contact details, and the words left over."""

    name: tuple[str, str] | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    rest: str
    fax: bool = False  # a fax number was read (and left out)

    @property
    def has_contact(self) -> bool:
        return bool(self.emails or self.phones or self.fax)


def read_line(line: str) -> LineFacts:
    """Split a line of a block into its name, emails, phones and remaining text."""
    line = strip_field(line)
    phones, fax, line = _take_phones(line)
    emails, line = _take_emails(line)
    line = _URL.sub(" ", line)
    # Single spaces keep the \s+ / \s* of the separators from backtracking over long runs.
    line = " ".join(_LABEL.sub(" ", line).split())
    segments = [s.strip(" -.:") for s in _SEPARATOR.split(line)
                if s and sum(c.isalnum() for c in s) > 1]
    name = None
    for index, segment in enumerate(segments):
        name = parse_name(segment, emails[0] if emails else None, loose=True)
        if name:
            del segments[index]
            break
    return LineFacts(name, tuple(emails), tuple(phones), ", ".join(segments).strip(), fax)


def strip_field(line: str) -> str:
    """The line without its leading bullet and field label ("• Nom : X" → "X")."""
    line = _BULLET.sub("", line.strip())
    return _FIELD.sub("", line)


def _take_phones(line: str) -> tuple[list[str], bool, str]:
    """The line's phones (E.164), whether it held a fax number, and the line without them."""
    found: dict[str, None] = {}
    spans: list[tuple[int, int]] = []
    fax = False
    for match in phonenumbers.PhoneNumberMatcher(line, REGION):
        label = _LABEL_BEFORE.search(line, max(0, match.start - _LABEL_WINDOW), match.start)
        spans.append((label.start() if label else match.start, match.end))
        if "fax" in line[max(0, match.start - 12):match.start].casefold() or \
                (label and label.group(1).casefold() in _FAX_LABELS):
            fax = True
            continue
        found[phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)] = None
    return list(found), fax, _blank_out(line, spans)


def _take_emails(line: str) -> tuple[list[str], str]:
    found: dict[str, None] = {}
    spans = find_emails(line)
    for start, end in spans:
        try:
            found[normalise_email(line[start:end].strip(".'"))] = None
        except InvalidEmail:
            continue
    return list(found), _blank_out(line, [(_label_start(line, s), e) for s, e in spans])


def _label_start(line: str, start: int) -> int:
    label = _LABEL_BEFORE.search(line, max(0, start - _LABEL_WINDOW), start)
    return label.start() if label else start


def find_emails(text: str) -> list[tuple[int, int]]:
    """Spans of what looks like an address, left to right, not overlapping.

    The same matches as the regular expression ``[\\w.+'-]+@[\\w-]+(?:\\.[\\w-]+)+`` would give,
    in time linear in the text (the expression is quadratic on a long run of word characters).
    """
    spans: list[tuple[int, int]] = []
    done = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > done and _LOCAL.match(text, start - 1):
            start -= 1
        domain = _DOMAIN.match(text, at + 1) if start < at else None
        if domain:
            spans.append((start, domain.end()))
            done = domain.end()
        at = text.find("@", max(at + 1, done))
    return spans


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by one space, built in one pass."""
    parts, done = [], 0
    for start, end in spans:
        parts += [text[done:start], " "]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def parse_name(text: str, email: str | None = None, *,
               loose: bool = False) -> tuple[str, str] | None:
    """(first name, last name) if the text looks like a person's name, else None.

    ``loose`` (inside a block): a mixed-case name needs no email, lower-case particles belong
    to the surname ("Hugues de VILLENEUVE"), and organisation or job words are no name.
    """
    tokens = _CIVILITY.sub("", text.strip()).split()
    if not 2 <= len(tokens) <= _MAX_NAME_TOKENS:
        return None
    if not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if loose and any(fold(t) in _NOT_NAMES for t in tokens):
        return None
    upper = [_is_upper(t) for t in tokens]
    split = _case_split(upper)
    if split is not None:
        if not upper[0]:
            while loose and split > 1 and _is_particle(tokens[split - 1]):
                split -= 1
            return " ".join(tokens[:split]), " ".join(tokens[split:])
        return " ".join(tokens[split:]), " ".join(tokens[:split])
    if not all(_is_capitalised(t) or _is_particle(t) for t in tokens):
        return None
    if email and (not loose or len(tokens) == 2):
        return _order_by_email(tokens, email)
    return _given_first(tokens) if loose and not upper[0] else None


def _is_upper(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_capitalised(token: str) -> bool:
    return token[0].isupper() and any(c.islower() for c in token)


def _is_particle(token: str) -> bool:
    return token.casefold() in _PARTICLES or bool(_ELISION.match(token))


def _given_first(tokens: list[str]) -> tuple[str, str] | None:
    """"Camille Roussel", "Hugues de Villeneuve": the surname starts at the first particle
    after the given name, else it is the last word."""
    if _is_particle(tokens[0]):
        return None
    split = next((i for i in range(1, len(tokens) - 1) if _is_particle(tokens[i])),
                 len(tokens) - 1)
    return " ".join(tokens[:split]), " ".join(tokens[split:])


def _case_split(upper: list[bool]) -> int | None:
    """Index where a run of capitalised words meets a run of UPPER-CASE words, if exactly one."""
    changes = [i for i in range(1, len(upper)) if upper[i] != upper[i - 1]]
    return changes[0] if len(changes) == 1 else None


def _order_by_email(tokens: list[str], email: str) -> tuple[str, str]:
    """Mixed-case "Poirier Aline" or "Aline Poirier": the email says which word is the surname."""
    local = re.sub(r"[^a-z0-9]", "", email.split("@", 1)[0])
    given_first = (tokens[0], " ".join(tokens[1:]))
    surname_first = (" ".join(tokens[1:]), tokens[0])
    if _surname_score(surname_first[1], local) > _surname_score(given_first[1], local):
        return surname_first
    return given_first


def owns_email(name: tuple[str, str], email: str) -> bool:
    """The address's local part holds the person's surname ("apoirier" for Aline POIRIER)."""
    local = re.sub(r"[^a-z0-9]", "", email.split("@", 1)[0])
    return _surname_score(name[1], local) > 0


def _surname_score(surname: str, local: str) -> int:
    key = fold(surname).replace(" ", "")
    return int(key in local) + int(local.endswith(key))


def person_from(facts: LineFacts) -> Person | None:
    """A Person from a line with a name; None when the line names nobody."""
    if facts.name is None:
        return None
    person = Person(*facts.name, role=facts.rest or None)
    add_contact(person, facts)
    return person


def add_contact(person: Person, facts: LineFacts) -> None:
    """Fill the person's missing email and add phones from a continuation line."""
    if facts.emails and person.email is None:
        person.email = facts.emails[0]
    person.phones = tuple(dict.fromkeys(person.phones + facts.phones))
    person.phone_e164 = person.phones[0] if person.phones else None
