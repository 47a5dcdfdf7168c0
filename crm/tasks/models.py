"""Follow-up tasks and their comments. Any active user of any body can be the assignee."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model
from crm.interactions.models import Interaction
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Task(Model):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_assignee_status_due", "assignee_id", "status", "due_on"),
        Index("ix_task_organisation_status", "organisation_id", "status"),
        Index("ix_task_contact", "contact_id"),
        Index("ix_task_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "priority", 10),
                                               default=Priority.NORMAL)
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus, "task_status", 10),
                                               default=TaskStatus.OPEN)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Contact | None] = relationship()
    outlet: Mapped[Outlet | None] = relationship()
    interaction: Mapped[Interaction | None] = relationship()
    comments: Mapped[list[TaskComment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (TaskComment.created_at, TaskComment.id))

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == TaskStatus.OPEN and self.due_on is not None and self.due_on < today


class TaskComment(Model):
    __tablename__ = "task_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
