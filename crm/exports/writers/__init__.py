"""Pure writers of exported files: rows of strings in, bytes out. No Flask, no database.

``neutralise`` defuses spreadsheet formulas; ``csv_excel`` writes CSV as French Excel reads it
(UTF-8 with a BOM, ``;``, every field quoted); ``xlsx`` streams a workbook through openpyxl's
write-only mode with every value a string cell; ``vcard`` writes vCard 3.0 through vobject.
Every writer consumes an iterable lazily and holds at most one row (or one card) at a time.
"""
