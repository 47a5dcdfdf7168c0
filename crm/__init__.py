"""Relais, the press-relations CRM.

The package itself imports nothing: ``crm.app.create_app`` wires the application, so the pure
cores (``crm.dedupe.engine``, ``crm.imports.parsing``, ``crm.contacts.core``, ``crm.auth.core``)
load without Flask or SQLAlchemy.
"""
