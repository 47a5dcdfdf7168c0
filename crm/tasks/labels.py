"""Translated labels of the task enums."""

from flask_babel import lazy_gettext as _l

from crm.tasks.models import Priority, TaskStatus

STATUS = {TaskStatus.OPEN: _l("Open"), TaskStatus.DONE: _l("Done"),
          TaskStatus.CANCELLED: _l("Cancelled")}
PRIORITY = {Priority.LOW: _l("Low"), Priority.NORMAL: _l("Normal"), Priority.HIGH: _l("High")}
LABELS = {"task_status_labels": STATUS, "priority_labels": PRIORITY}
