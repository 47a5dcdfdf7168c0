"""De-duplication of contacts: scans, the review of proposed pairs, merges and their undo.

The engine itself is the pure core ``crm.dedupe.engine`` (no Flask, no database); the rest of
the package (models, services, merging, jobs, views) feeds it the visible contacts and stores
its pairs.
"""
