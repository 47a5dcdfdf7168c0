"""An export opened by LibreOffice (headless): converted back to CSV, every value is the text
that was exported, accents intact and no formula evaluated. Skipped when ``soffice`` is not
installed (CI does not install it)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from crm.exports.writers.csv_excel import csv_chunks
from crm.exports.writers.xlsx import write_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
HEADER = ["Nom", "Prénom", "Téléphone"]
ROWS = [['=HYPERLINK("http://x.test";"clic")', "Élodie", "+33680556966"],
        ["=1+1", "Œuvre", "-5"], ["@SOMME(A1)", "François", "06 80 55 69 66"]]


def _to_csv(source: Path, folder: Path, filter_options: str, *infilter: str) -> list[list[str]]:
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile",  # noqa: S603
                    *infilter, "--convert-to", f"csv:Text - txt - csv (StarCalc):{filter_options}",
                    "--outdir", str(folder / "out"), str(source)],
                   check=True, capture_output=True, timeout=120)
    text = (folder / "out" / f"{source.stem}.csv").read_text(encoding="utf-8")
    return list(csv.reader(text.splitlines(), delimiter=";"))


def test_libreoffice_reads_the_xlsx_as_text(tmp_path):
    source = tmp_path / "export.xlsx"
    write_xlsx(str(source), HEADER, ROWS)
    assert _to_csv(source, tmp_path, "59,34,76,1") == [HEADER, *ROWS]


def test_libreoffice_reads_the_csv_without_evaluating_a_formula(tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(b"".join(csv_chunks(HEADER, ROWS)))
    # as a French user opens it: UTF-8, ";", formulas evaluated (LibreOffice's default)
    back = _to_csv(source, tmp_path, "59,34,76,1", "--infilter=CSV:59,34,76,1,,1036,false,true")
    assert back[0] == HEADER
    # text as exported, the defusing apostrophe shown: "=1+1" never became 2
    assert back[1:] == [[("'" + v) if v[0] in "=+-@" else v for v in row] for row in ROWS]
