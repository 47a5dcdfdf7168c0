from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import UTCDateTime, utcnow
from crm.extensions import Model


class Organisation(Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    # Other names found in press releases ("Préfecture de Région"...), for contact blocks.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # the article its name takes in a French sentence ("la" Région…, "le" Conseil…, "les",
    # or "" for none): crm.orgs.grammar elides and contracts it ("de l’Agence", "du Conseil")
    article: Mapped[str] = mapped_column(String(3), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.short_name}>"
