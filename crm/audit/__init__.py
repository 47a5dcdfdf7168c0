"""Audit log: append-only record of who did what to which record, when, from where."""
