from flask import Blueprint

import crm.contacts.models
import crm.outlets.models  # noqa: F401

bp = Blueprint("outlets", __name__)
