"""A report table as plain values, and its three renderings: the page, the PDF (landscape) and the workbook.

Every table of the reports (docs/reports.md) is a `ReportTable`: header rows
with their spans, the row of column numbers with their formulas ("4 = 3/1×100",
as the province's forms write them), data rows and a total row. The same value
goes to the page, the PDF and the workbook, so the three never disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from hungbinh.workbooks import text as cell_text

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableRow:
    number: str
    label: str
    values: list  # int, Decimal or None
    is_total: bool = False
    is_sub: bool = False  # a second line of the same unit (persons under households)


def number_text(value) -> str:
    """Vietnamese figures: 1.234 for a count, 12,4 for a rate; empty when there is no value."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if isinstance(value, float):
        return number_text(Decimal(str(value)))
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


class Attention(str):
    """A table's note that asks the ward to act (a missing population figure leaves its rates blank): the page
    writes it in the warning ink, the PDF in bold; other notes only say how to read the table."""

    attention = True


@dataclass
class ReportTable:
    key: str  # sheet name and anchor
    title: str
    subtitle: str
    header_rows: list[list[HeaderCell]]
    column_numbers: list[str]  # one per column, label columns included ("A", "B", "1", "4 = 3/1×100")
    rows: list[TableRow]
    notes: list[str] = field(default_factory=list)
    chart_svg: str = ""

    @property
    def width(self) -> int:
        return len(self.column_numbers)

    def display_rows(self):
        """Rows as text cells for the templates."""
        for row in self.rows:
            yield row, [number_text(v) for v in row.values]


def _cell(sheet, row: int, column: int, value):
    """A cell of the table: text is a string cell, never a formula (a head named "=HYPERLINK(…)" in a list, a
    unit's or an indicator's name; hungbinh/workbooks.py), numbers stay numbers."""
    if isinstance(value, str):
        cell = sheet.cell(row=row, column=column, value=cell_text(value))
        cell.data_type = "s"
        return cell
    return sheet.cell(row=row, column=column, value=value)


def write_sheet(sheet, table: ReportTable, heading: list[str]) -> None:
    """The table on a worksheet: heading lines, header rows (merged as on paper), numbered columns, data."""
    width = table.width
    row_index = 1
    for line in [*heading, table.title, table.subtitle]:
        if not line:
            continue
        _cell(sheet, row_index, 1, line).font = Font(bold=line == table.title)
        sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=width)
        row_index += 1
    row_index += 1
    header_top = row_index
    occupied: set[tuple[int, int]] = set()
    for offset, header_row in enumerate(table.header_rows):
        column = 1
        current = header_top + offset
        for cell in header_row:
            while (current, column) in occupied:
                column += 1
            target = _cell(sheet, current, column, cell.text)
            target.font = Font(bold=True)
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for r in range(current, current + cell.rowspan):
                for c in range(column, column + cell.colspan):
                    occupied.add((r, c))
                    sheet.cell(row=r, column=c).border = BOX
            if cell.colspan > 1 or cell.rowspan > 1:
                sheet.merge_cells(
                    start_row=current,
                    start_column=column,
                    end_row=current + cell.rowspan - 1,
                    end_column=column + cell.colspan - 1,
                )
            column += cell.colspan
    row_index = header_top + len(table.header_rows)
    for column, number in enumerate(table.column_numbers, start=1):
        cell = _cell(sheet, row_index, column, number)
        cell.font = Font(italic=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        cell.border = BOX
    row_index += 1
    for row in table.rows:
        _cell(sheet, row_index, 1, row.number).border = BOX
        label = _cell(sheet, row_index, 2, row.label)
        label.border = BOX
        label.font = Font(bold=row.is_total)
        for column, value in enumerate(row.values, start=3):
            cell = _cell(sheet, row_index, column, float(value) if isinstance(value, Decimal) else value)
            cell.border = BOX
            cell.font = Font(bold=row.is_total)
            if isinstance(value, Decimal):
                cell.number_format = "0.0"
            elif isinstance(value, int):
                cell.number_format = "#,##0"
        row_index += 1
    for note in table.notes:
        row_index += 1
        _cell(sheet, row_index, 1, note).font = Font(italic=True)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 24
    for column in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = sheet.cell(row=header_top + len(table.header_rows) + 1, column=3)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def write_workbook(tables: list[ReportTable], heading: list[str], output) -> None:
    """A sheet per table; `output` is a path or a binary file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        write_sheet(workbook.create_sheet(title=table.key[:31]), table, heading)
    workbook.save(output)


def data_start_row(sheet) -> int:
    """The first data row of a written table: the one after the numbered-columns row (for tests and readers)."""
    for row in sheet.iter_rows(min_col=3, max_col=3):
        if row[0].value == "1":
            return row[0].row + 1
    raise ValueError("no numbered columns row")
