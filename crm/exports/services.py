"""Exports' verbs, and the writers other features reuse for their own files.

``csv_chunks`` (CSV for French Excel), ``write_xlsx`` (streamed XLSX, text cells only),
``vcard_chunks`` (vCard 3.0) and ``neutralise`` / ``undo_neutralisation`` (spreadsheet
formulas defused) are the pure writers of ``crm.exports.writers``, re-exported here so that a
feature (an event's attendee list, a report) writes its files the same way.
"""

from __future__ import annotations

from crm.exports.writers.csv_excel import csv_chunks
from crm.exports.writers.neutralise import neutralise, undo_neutralisation
from crm.exports.writers.vcard import CardPerson, vcard_chunks
from crm.exports.writers.xlsx import column_widths, write_xlsx

__all__ = ["CSV_MIMETYPE", "VCARD_MIMETYPE", "XLSX_MIMETYPE", "CardPerson", "column_widths", "csv_chunks",
           "neutralise", "undo_neutralisation",
           "vcard_chunks", "write_xlsx"]

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VCARD_MIMETYPE = "text/vcard; charset=utf-8"
