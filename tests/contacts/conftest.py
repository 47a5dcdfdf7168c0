"""The contact factories live in tests/factories.py (loaded for every test by tests/conftest.py)."""

from tests.factories import org_id_of, user

__all__ = ["org_id_of", "user"]
