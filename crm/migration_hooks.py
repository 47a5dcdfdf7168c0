"""Alembic hooks shared by the migrations environment and the schema drift test."""

# Schema objects that migrations build by hand, outside the models (each database's contact
# search index): autogenerate and the drift test leave them alone.
HAND_BUILT_PREFIXES = ("contact_fts", "ix_contact_search", "search_vector")


def is_modelled(_obj: object, name: str | None, _type: str, _reflected: bool,
                _compare_to: object) -> bool:
    """``include_object`` hook: False for the hand-built objects above."""
    return not (name or "").startswith(HAND_BUILT_PREFIXES)
