"""Opening the uploaded workbook and finding each sheet's header row and data rows."""

from dataclasses import dataclass
from itertools import islice

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .cells import filled, key
from .results import Errors
from .workbook import OPTIONAL_COLUMNS

HEADER_SEARCH_ROWS = 30


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


def open_workbook(file, errors: Errors):
    if hasattr(file, "seek"):
        file.seek(0)
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


def read_sheet(workbook, name: str, columns: tuple[str, ...], errors: Errors) -> Sheet | None:
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
    rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
    wanted = {key(column): column for column in columns}
    best_row, best = 0, {}
    for number, values in islice(rows, HEADER_SEARCH_ROWS):
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
    body = [
        (number, values)
        for number, values in enumerate(worksheet.iter_rows(min_row=best_row + 1, values_only=True), start=best_row + 1)
        if any(filled(values[i]) for c, i in best.items() if c not in OPTIONAL_COLUMNS and i < len(values))
    ]
    return Sheet(name=name, header_row=best_row, columns=best, rows=body)
