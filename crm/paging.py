"""Pages of plain rows: a list page reads the columns it shows, not ORM objects.

``RowPagination`` takes ``select``, a statement of columns in the page's order; its items
are SQLAlchemy ``Row`` tuples (attribute access by column label), and the count reads the
same statement without its order."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Row, func, select

from crm.extensions import db


class RowPagination(Pagination):
    def _query_items(self) -> list[Row[Any]]:
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(stmt))

    def _query_count(self) -> int:
        sub = self._query_args["select"].order_by(None).subquery()
        return int(db.session.scalar(select(func.count()).select_from(sub)) or 0)
