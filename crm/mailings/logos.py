"""Each sender body's logo: a small PNG vendored under ``static/img/organisations/``, named
after the body's short name ("Région BFC" → ``region-bfc.png``). A body without a file shows
its name alone.

In a message the logos travel as inline parts (``multipart/related``, shown by ``cid:``), not
as links to this server: the message reads the same offline and in a mail client that blocks
remote images, and opening it asks nothing of Relais — no request that could tell who read
what, when (no tracking, as the CNIL asks). On a page (the preview) they are the static files.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from crm.mailings.mime import Part

FOLDER = "img/organisations"


def slug(short_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", short_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def logo_file(static_folder: str | Path, short_name: str) -> str | None:
    """The logo's path under the static folder (for ``url_for("static", …)``), if there is one."""
    name = f"{FOLDER}/{slug(short_name)}.png"
    return name if (Path(static_folder) / name).is_file() else None


def inline_part(static_folder: str | Path, short_name: str) -> Part | None:
    """The logo as an inline image part, its content id ``logo-<slug>@relais``."""
    name = logo_file(static_folder, short_name)
    if name is None:
        return None
    return Part(name.rpartition("/")[2], "image/png", (Path(static_folder) / name).read_bytes(),
                content_id=f"logo-{slug(short_name)}@relais")
