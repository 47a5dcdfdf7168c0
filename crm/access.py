"""Role checks for the views of every feature: ``role_required`` guards a view with sign-in
and a minimum role (the user's ``has_role``, ranked officer < manager < admin)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

P = ParamSpec("P")
R = TypeVar("R")


def role_required(role: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Login required, and at least ``role`` (a ``Role``); anyone below gets 403."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
