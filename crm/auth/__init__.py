"""Authentication: login, server-side sessions, throttling, passwords."""
