from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Connection, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, object_session, relationship

from crm.auth.models import User
from crm.database import UTCDateTime, utcnow
from crm.extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_target", "target_type", "target_id"),
        Index("ix_audit_event_org_at", "organisation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship(lazy="joined")


class AuditTamperError(RuntimeError):
    """Raised when code tries to change or delete an audit event through the ORM."""


# Mapper events fire only for audit events in a flush: no walk of the whole identity map
# (``session.dirty``) on every flush, which made large imports quadratic.
@event.listens_for(AuditEvent, "before_update")
def _no_update(_mapper: Mapper[AuditEvent], _connection: Connection, target: AuditEvent) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        raise AuditTamperError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(_mapper: Mapper[AuditEvent], _connection: Connection, _target: AuditEvent) -> None:
    raise AuditTamperError("audit events are append-only")
