from flask import Blueprint

from crm.contacts import models  # noqa: F401

bp = Blueprint("contacts", __name__)
