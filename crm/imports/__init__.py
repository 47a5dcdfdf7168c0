"""Imports: contact files and press releases, staged, previewed, committed, undoable."""
