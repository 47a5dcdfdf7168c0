"""De-duplication engine: blocking, Fellegi-Sunter scoring and clustering of plain records.

Pure package (no Flask, no database). The public API lives in ``crm.dedupe.engine``.
"""
