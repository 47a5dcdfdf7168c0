"""User accounts administration (admins) and the `flask users` commands."""
