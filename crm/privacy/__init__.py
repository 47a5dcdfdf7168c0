"""Privacy duties of the file (RGPD): erasure on request and the suppression list."""
