"""Pure parsing core of imports: uploaded bytes in, tables, records and contact blocks out.

Readers and sniffing (CSV, XLSX, vCard, documents), column guessing, people and block parsing,
record building and the refusal reasons. No Flask, no database: only the standard library,
declared third-party parsers and other cores (``crm.contacts.core``).
"""
