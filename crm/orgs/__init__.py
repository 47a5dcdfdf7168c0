"""Organisations: the bodies that share Relais."""
