"""WSGI entry point: ``gunicorn wsgi:app`` in production, ``flask --app wsgi`` otherwise."""

from crm.app import create_app

app = create_app()
