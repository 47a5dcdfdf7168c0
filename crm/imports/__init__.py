"""Import of contact data: readers for files, contact-block parsing of press releases.

The modules here are pure (no Flask, no database): bytes or text in, typed values out.
"""
