"""The contact and interaction factories, shared with the dashboard tests."""

from tests.interactions.conftest import make_contact, make_interaction, make_outlet

__all__ = ["make_contact", "make_interaction", "make_outlet"]
