"""System e-mail: an outbox written in the caller's transaction, delivered by the worker."""
