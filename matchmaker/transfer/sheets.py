"""Reading and writing CSV and XLSX: content checks on the way in, formula neutralisation on the way out.

CSV is written as UTF-8 with a BOM (Excel then opens Chinese correctly) and read as UTF-8 or, failing
that, GB18030 (what Excel on a Chinese Windows saves). XLSX is read with openpyxl in read-only,
values-only mode after the zip itself was checked (a workbook, no macros, a bounded unpacked size).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

from flask_babel import gettext as _

from matchmaker.services.errors import DomainError

MAX_ROWS = 5000
MAX_COLUMNS = 60  # the templates have about 25; cells beyond are not read
MAX_CELL = 20000  # characters in one cell (the longest text field allows 5,000)
MAX_CELLS = (MAX_ROWS + 100) * MAX_COLUMNS  # cells (or shared strings) in one worksheet
MAX_UNPACKED = 64 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, .doc


def file_format(filename: str, data: bytes) -> str:
    """ "csv" or "xlsx", from the extension confirmed by the content; anything else is refused."""
    ext = PurePath(filename or "").suffix.lower()
    if ext not in (".csv", ".xlsx"):
        raise DomainError(_("Only .csv and .xlsx files can be imported."))
    if not data:
        raise DomainError(_("The file is empty."))
    if ext == ".xlsx":
        if not data.startswith(ZIP_MAGIC):
            raise DomainError(_("The file's content is not an XLSX workbook."))
        _check_workbook_zip(data)
        return "xlsx"
    if data.startswith((ZIP_MAGIC, OLE_MAGIC, b"%PDF")) or b"\x00" in data:
        raise DomainError(_("The file's content is not CSV text."))
    return "csv"


def _check_workbook_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise DomainError(_("The file's content is not an XLSX workbook.")) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise DomainError(_("The file's content is not an XLSX workbook."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise DomainError(_("Workbooks with macros are not accepted: save the file as .xlsx."))
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise DomainError(_("The workbook is too large once unpacked."))
    _check_cell_count(data, names)


def _check_cell_count(data: bytes, names: set[str]) -> None:
    """Count the cells and shared strings before openpyxl parses them: a 118 KB file with four million
    cells in one row took 45 s to read (``max_col`` limits what is kept, not what is parsed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, markers in (
            ("xl/sharedStrings.xml", (b"<si>", b"<si ")),
            *((n, (b"<c ", b"<c>")) for n in sorted(names) if n.startswith("xl/worksheets/") and n.endswith(".xml")),
        ):
            if name not in names:
                continue
            content = archive.read(name)
            if sum(content.count(marker) for marker in markers) > MAX_CELLS:
                raise DomainError(_("The workbook holds more than %(num)d cells: split it.", num=MAX_CELLS))


def read_rows(fmt: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cells as text) for every non-empty row."""
    rows = _read_csv(data) if fmt == "csv" else _read_xlsx(data)
    out = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    if len(out) > MAX_ROWS + 2:
        raise DomainError(_("The file has more than %(num)d rows: split it.", num=MAX_ROWS))
    return out


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def _read_csv(data: bytes):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        rows = [
            (n, row[:MAX_COLUMNS])
            for n, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)
            if n <= MAX_ROWS + 100
        ]
    except csv.Error as error:
        raise DomainError(_("The CSV file could not be read: %(error)s", error=str(error))) from None
    for number, cells in rows:
        if any(len(c) > MAX_CELL for c in cells):
            raise DomainError(_("Row %(row)d has a cell longer than %(num)d characters.", row=number, num=MAX_CELL))
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise DomainError(_("The XLSX workbook could not be read.")) from None
    try:
        sheet = book.worksheets[0]
        # The declared <dimension> (A1:XFD1048576 costs 16,384 empty cells a row) is not trusted.
        sheet.reset_dimensions()
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
            if number > MAX_ROWS + 100:
                break
            cells = [_cell_text(v) for v in values[:MAX_COLUMNS]]
            if any(len(c) > MAX_CELL for c in cells):
                raise DomainError(_("Row %(row)d has a cell longer than %(num)d characters.", row=number, num=MAX_CELL))
            rows.append((number, cells))
        return rows
    except DomainError:
        raise
    except Exception:
        raise DomainError(_("The XLSX workbook could not be read.")) from None
    finally:
        book.close()


# -- writing -----------------------------------------------------------------------------------


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(neutralise(value))


def write_csv(header: list[str], rows: list[list], notes: list[str] | None = None) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    if notes:
        writer.writerow([neutralise(n) for n in notes])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(sheets: list[tuple[str, list[str], list[list]]], widths: dict[int, int] | None = None) -> bytes:
    """One worksheet per (title, header, rows); header bold and frozen, text cells neutralised."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header, 1):
            width = (widths or {}).get(index) or min(max(len(str(name)) * 2, 10), 40)
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
