"""Pure core of authentication: TOTP, QR and recovery codes, computed without Flask or a database."""
