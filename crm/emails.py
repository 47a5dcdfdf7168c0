"""Which email addresses Relais accepts, by mode.

Outside production the reserved ``.test`` domain (RFC 2606: the demo accounts, the demo
press officers) is a valid domain; in production it is refused like every special-use name.
email-validator reads its module-wide ``TEST_ENVIRONMENT`` switch at each call, so the
contact normaliser, the account forms and the imports all follow the mode of the app.
"""

from __future__ import annotations

import email_validator
from flask import Flask

from crm.settings import settings


def init_app(app: Flask) -> None:
    email_validator.TEST_ENVIRONMENT = not settings(app).production
