"""Interactions with journalists: calls, interviews, coverage."""
