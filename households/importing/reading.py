"""Opening the uploaded workbook and finding each sheet's header row and data rows."""

import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._reader import WorkSheetParser

from .cells import filled, key
from .limits import HEADER_MAX_COLUMNS, HEADER_SEARCH_ROWS, MAX_ROWS, MAX_UNPACKED_BYTES
from .results import Errors
from .workbook import OPTIONAL_COLUMNS


@dataclass
class Sheet:
    """A sheet's header and the rows below it that hold anything."""

    name: str
    header_row: int
    columns: dict[str, int]  # column title -> index in a row tuple
    rows: list[tuple[int, tuple]]  # (Excel row number, values) of the rows below the header

    def get(self, values: tuple, column: str):
        index = self.columns.get(column)
        if index is None or index >= len(values):
            return None
        return values[index]


def _unpacked_size(file) -> int:
    """What the archive's parts unpack to, as its directory says (a zip bomb says it too)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # not a zip archive: openpyxl says so below
    finally:
        if hasattr(file, "seek"):
            file.seek(0)


def open_workbook(file, errors: Errors):
    if hasattr(file, "seek"):
        file.seek(0)
    if _unpacked_size(file) > MAX_UNPACKED_BYTES:
        errors.add(
            "",
            0,
            "",
            _(
                "The workbook unpacks to more than %(max)s MB, far more than a list of households holds. "
                "Save the list again in Excel as a new .xlsx file and upload that."
            )
            % {"max": MAX_UNPACKED_BYTES // 1024 // 1024},
        )
        return None
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception:
        errors.add(
            "",
            0,
            "",
            _(
                "The file is not an Excel workbook (.xlsx). Open it in Excel, save it as "
                "“Excel Workbook (*.xlsx)” and upload that file."
            ),
        )
        return None


def _rows_held(worksheet, *, min_row: int, max_col: int):
    """(row number, values) of the rows the sheet's XML holds from `min_row` on, each cut to `max_col` values.

    openpyxl's iter_rows makes up an empty row for every number the file skips (`<row r="99999999">` after
    row 3 is a hundred million of them); this reads its row parser directly and yields only the rows that
    are there. The parser and `_get_row` are openpyxl's (3.1, pinned in requirements.txt).
    """
    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, row in parser.parse():
            if number >= min_row:
                yield number, worksheet._get_row(row, 1, max_col, values_only=True)


def read_sheet(workbook, name: str, columns: tuple[str, ...], errors: Errors) -> Sheet | None:
    """The sheet's header and rows, or None after reporting why not; a damaged sheet is a problem, not a 500."""
    try:
        return _read_sheet(workbook, name, columns, errors)
    except Exception:  # whatever openpyxl fails on inside a sheet: a bad reference, string index, number, date
        errors.add(
            name,
            0,
            "",
            _(
                "Sheet “%(sheet)s” is damaged: some of its cells cannot be read. Open the file in Excel, "
                "save it again as .xlsx and upload that file."
            )
            % {"sheet": name},
        )
        return None


def _read_sheet(workbook, name: str, columns: tuple[str, ...], errors: Errors) -> Sheet | None:
    sheets = {key(title): title for title in workbook.sheetnames}
    title = sheets.get(key(name))
    if title is None:
        errors.add(
            name,
            0,
            "",
            _("The workbook has no sheet named “%(sheet)s”. Add it, or rename the sheet, as in the template.")
            % {"sheet": name},
        )
        return None
    worksheet = workbook[title]
    # Some programs write a wrong size into the file; reading without it reads every row.
    worksheet.reset_dimensions()
    # Only the first rows and columns: the reader stops there, whatever the file says lies beyond.
    rows = _rows_held(worksheet, min_row=1, max_col=HEADER_MAX_COLUMNS)
    wanted = {key(column): column for column in columns}
    best_row, best = 0, {}
    for number, values in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        found = {}
        for index, value in enumerate(values):
            column = wanted.get(key(value)) if isinstance(value, str) else None
            if column is not None and column not in found:
                found[column] = index
        if len(found) > len(best):
            best_row, best = number, found
            if len(found) == len(columns):
                break
    if not best:
        errors.add(
            name,
            0,
            "",
            _("No header row found in sheet “%(sheet)s”. Its header row must hold the columns: %(columns)s.")
            % {"sheet": name, "columns": " | ".join(columns)},
        )
        return None
    missing = [c for c in columns if c not in best and c not in OPTIONAL_COLUMNS]
    for column in missing:
        errors.add(
            name,
            best_row,
            column,
            _("Column “%(column)s” is missing from the header row. Add it as in the template.") % {"column": column},
        )
    if missing:
        return None
    # Only the format's columns (a cell in column XFD no longer makes every row 16,384 cells long), and
    # rows up to the cap (a row numbered 99,999,999 no longer makes the reader fill the gap).
    last_row = best_row + MAX_ROWS
    body = []
    for number, values in _rows_held(worksheet, min_row=best_row + 1, max_col=max(best.values()) + 1):
        if not any(filled(values[i]) for c, i in best.items() if c not in OPTIONAL_COLUMNS and i < len(values)):
            continue
        if number > last_row:
            errors.add(
                name,
                number,
                "",
                _("Sheet “%(sheet)s” has more than %(max)s rows; split the list into several files.")
                % {"sheet": name, "max": MAX_ROWS},
            )
            return None
        body.append((number, values))
    return Sheet(name=name, header_row=best_row, columns=best, rows=body)
