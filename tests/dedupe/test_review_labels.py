"""What a reviewer reads on the duplicate pages: French phrases, formatted phones, labels of
the enums; never an evidence code, an E.164 number or an enum value."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Civility, ContactKind
from crm.dedupe.models import DuplicatePair
from crm.extensions import db
from tests.dedupe.test_review import scan_as


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


RAW = re.compile(r"\b(mrs|mr|none|journalist|shared|private|legitimate_interest|same mobile|"
                 r"one in common|similar|different|name|email|phone|outlet)\b|\+33\d{9}")


def test_duplicate_pages_speak_french(app, client, login_as, make_contact, make_outlet):
    outlet = make_outlet("Le Bien Public")
    for org, email in (("AER BFC", "apoirier@aer-bfc.com"), ("Région BFC", "aline@gmail.com")):
        make_contact("POIRIER", "Aline", org=org, emails=[email], phones=["06 51 62 73 84"],
                     civility=Civility.MRS, kind=ContactKind.JOURNALIST, outlet_ids=[outlet])
    user = login_as("officer")
    scan_as(app, user.id)
    with app.app_context():
        pair_id = db.session.scalar(select(DuplicatePair.id))

    queue = visible_text(client.get("/duplicates/").text)
    assert "même numéro de portable" in queue
    assert "un média en commun" in queue
    assert not RAW.search(queue), RAW.search(queue)

    page = client.get(f"/duplicates/{pair_id}")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "mêmes nom et prénom" in text and "adresses électroniques différentes" in text
    assert "06 51 62 73 84" in text
    assert "Mme" in text and "Journaliste" in text and "Partagé avec tous les organismes" in text
    assert not RAW.search(text), RAW.search(text)


def test_scores_are_shown_in_the_readers_locale(app, client, login_as, make_contact,
                                                 make_outlet):
    outlet = make_outlet("Le Bien Public")
    for org, email in (("AER BFC", "apoirier@aer-bfc.com"), ("Région BFC", "aline@gmail.com")):
        make_contact("POIRIER", "Aline", org=org, emails=[email], phones=["06 51 62 73 84"],
                     outlet_ids=[outlet])
    user = login_as("officer")
    scan_as(app, user.id)
    with app.app_context():
        pair = db.session.scalars(select(DuplicatePair)).one()
        pair_id, score = pair.id, pair.score
    french = f"{score:.1f}".replace(".", ",")
    assert "." in f"{score:.1f}"

    assert french in visible_text(client.get("/duplicates/").text)
    text = visible_text(client.get(f"/duplicates/{pair_id}").text)
    assert f"Score {french}." in text
    assert f"{score:.1f}" not in text

    with app.app_context():
        db.session.get(User, user.id).locale = "en"
        db.session.commit()
    english = visible_text(client.get(f"/duplicates/{pair_id}").text)
    assert f"Score {score:.1f}." in english
