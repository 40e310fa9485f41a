"""Spreadsheets in and out: CSV and Excel (.xlsx, openpyxl). Pure: no database.

Reading gives the header and the rows with the number a person sees in the file (the header is row 1;
for CSV, the line a record starts on). Writing neutralises cells a spreadsheet would run as formulas.
Shared by the record import (domain/imports), the caseload export (domain/cases/export.py) and others.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

CSV = "CSV"
XLSX = "XLSX"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {CSV: "text/csv; charset=utf-8",
                 XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EXTENSIONS = {CSV: "csv", XLSX: "xlsx"}


class TableError(ValueError):
    """The file cannot be read at all (not CSV/xlsx, empty, no header); `row` is where it went wrong."""

    def __init__(self, message: str, row: int = 1):
        super().__init__(message)
        self.row = row


def key(name: str) -> str:
    """Names and headers match case-insensitively and ignoring repeated spaces."""
    return " ".join(str(name).split()).casefold()


def header_name(raw: str) -> str:
    """`Family ID` -> `family_id`: the canonical spelling of a header."""
    return re.sub(r"[\s\-]+", "_", str(raw).strip().lower())


def safe_cell(value) -> str:
    """A text cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def detect_format(file_name: str | None, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04" or (file_name or "").lower().endswith(".xlsx"):
        return XLSX
    return CSV


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list]]  # (row number, cells: str, or date for Excel date cells)


def _csv_rows(text: str) -> Table:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("the file is empty; the first line must name the columns") from None
    except csv.Error as e:
        raise TableError(f"not valid CSV ({e})") from None

    def rows() -> Iterator[tuple[int, list]]:
        end = reader.line_num
        while True:
            line = end + 1
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise TableError(f"not valid CSV ({e})", line) from None
            end = reader.line_num
            yield line, raw
    return Table([h.strip() for h in header], rows())


def _xlsx_value(v):
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date() if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0) else v
    if isinstance(v, date):
        return v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _xlsx_rows(data: bytes) -> Table:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise TableError(f"not a readable Excel (.xlsx) file ({type(e).__name__})") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [_xlsx_value(v).strip() if isinstance(_xlsx_value(v), str) else str(v) for v in next(it)]
    except StopIteration:
        wb.close()
        raise TableError("the first sheet is empty; its first row must name the columns") from None
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for n, values in enumerate(it, start=2):
                yield n, [_xlsx_value(v) for v in values]
        finally:
            wb.close()
    return Table(header, rows())


def read_table(data: bytes, fmt: str) -> Table:
    if fmt == XLSX:
        return _xlsx_rows(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TableError(f"the file is not UTF-8 text (byte {e.start}); save it as CSV UTF-8") from None
    return _csv_rows(text)


def write_csv(header: list[str], rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([safe_cell(_text(v)) for v in row])
    return out.getvalue().encode("utf-8")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return str(v)


def write_xlsx(header: list[str], rows: Iterable[Iterable], *, sheet: str = "Sheet1") -> bytes:
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(header)
    for row in rows:
        # dates stay dates (a spreadsheet can sort them); text is never a formula
        ws.append([v if isinstance(v, (date, datetime, int)) and not isinstance(v, bool) else safe_cell(_text(v))
                   for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
