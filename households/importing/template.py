"""The template workbook offered on the import page: the format, an example household, a guide."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from hungbinh.workbooks import append_row, text

from ..vocab import Ethnicity, Relation
from .workbook import (
    COL_ADDRESS,
    COL_BIRTH,
    COL_CODE,
    COL_DECISION,
    COL_DISABLED,
    COL_ETHNIC,
    COL_ETHNICITY,
    COL_GENDER,
    COL_HEAD,
    COL_ID,
    COL_KHOI,
    COL_MERIT,
    COL_NAME,
    COL_NO,
    COL_RECOGNISED,
    COL_RELATION,
    COL_STATUS,
    ESCAPED_LABEL,
    GENDER_LABELS,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    STATUS_LABELS,
)

EXAMPLE_HOUSEHOLD = {
    COL_NO: 1,
    COL_CODE: "HB-K1-001",
    COL_KHOI: "Khối 1",
    COL_HEAD: "Nguyễn Văn An",
    COL_ADDRESS: "Số 12, ngõ 5, đường Lê Lợi",
    COL_STATUS: "Hộ cận nghèo",
    COL_RECOGNISED: "15/12/2024",
    COL_DECISION: "1234/QĐ-UBND",
    COL_ETHNIC: "",
    COL_MERIT: "x",
}
EXAMPLE_MEMBERS = (
    {
        COL_CODE: "HB-K1-001",
        COL_NAME: "Nguyễn Văn An",
        COL_BIRTH: "02/03/1975",
        COL_GENDER: "Nam",
        COL_RELATION: "Chủ hộ",
        COL_ID: "040075001234",
        COL_ETHNICITY: "Kinh",
        COL_DISABLED: "",
    },
    {
        COL_CODE: "HB-K1-001",
        COL_NAME: "Trần Thị Bình",
        COL_BIRTH: "20/11/1978",
        COL_GENDER: "Nữ",
        COL_RELATION: "Vợ",
        COL_ID: "",
        COL_ETHNICITY: "Kinh",
        COL_DISABLED: "x",
    },
)


# Rows of the template the drop-down lists and text formats cover (Excel keeps them for rows typed below too
# when a row is inserted; a list longer than this is usually pasted, and the import checks every cell anyway).
LIST_ROWS = 2000
LISTS_SHEET = "Danh mục"
# Text columns keep what is typed: an ID number or a code typed as digits keeps its leading zeros.
TEXT_COLUMNS = frozenset({COL_CODE, COL_ID, COL_DECISION})
WIDTHS = {
    COL_NO: 6,
    COL_CODE: 14,
    COL_KHOI: 14,
    COL_HEAD: 28,
    COL_ADDRESS: 40,
    COL_STATUS: 28,
    COL_RECOGNISED: 16,
    COL_DECISION: 18,
    COL_ETHNIC: 10,
    COL_MERIT: 18,
    COL_NAME: 28,
    COL_BIRTH: 13,
    COL_GENDER: 11,
    COL_RELATION: 20,
    COL_ID: 16,
    COL_ETHNICITY: 14,
    COL_DISABLED: 11,
}


def template_workbook(khoi_names=()) -> bytes:
    """The template: both sheets with an example, drop-down lists (the `khoi_names` given, classes, genders,
    relations, the 54 ethnic groups), text-formatted code and ID columns, and a guide."""
    workbook = Workbook()
    bold = Font(bold=True)
    households = workbook.active
    households.title = HOUSEHOLD_SHEET
    members = workbook.create_sheet(MEMBER_SHEET)
    note = _("Delete the example rows below the header and list your households from the next row on.")
    for sheet, columns, rows in (
        (households, HOUSEHOLD_COLUMNS, (EXAMPLE_HOUSEHOLD,)),
        (members, MEMBER_COLUMNS, EXAMPLE_MEMBERS),
    ):
        append_row(sheet, [note])
        append_row(sheet, list(columns))
        for cell in sheet[2]:
            cell.font = bold
        for row in rows:
            append_row(sheet, [row[column] for column in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = WIDTHS.get(column, max(12, len(column) + 6))
            if column in TEXT_COLUMNS:
                sheet.column_dimensions[letter].number_format = "@"
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = "@"
        sheet.freeze_panes = "A3"
    lists = {
        COL_KHOI: list(dict.fromkeys(khoi_names)),
        COL_STATUS: [*STATUS_LABELS.values(), ESCAPED_LABEL],
        COL_GENDER: list(GENDER_LABELS.values()),
        COL_RELATION: list(Relation.values),
        COL_ETHNICITY: list(Ethnicity.values),
    }
    _add_lists(workbook, lists, {HOUSEHOLD_SHEET: HOUSEHOLD_COLUMNS, MEMBER_SHEET: MEMBER_COLUMNS})
    guide = workbook.create_sheet(_("Guide"))
    guide.column_dimensions["A"].width = 110
    for line in _guide_lines():
        append_row(guide, [line])
    for cell in guide["A"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = bold
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# Relation and ethnicity accept older spellings (households.vocab reads them back): a word typed outside the list
# gets a warning the user may pass; a khối, class or gender outside it is refused at once.
_WARN_ONLY = frozenset({COL_RELATION, COL_ETHNICITY})


def _add_lists(workbook, lists: dict[str, list[str]], sheets: dict[str, tuple[str, ...]]) -> None:
    """A hidden sheet holding each list in a column, and a drop-down over the columns that use it."""
    holder = workbook.create_sheet(LISTS_SHEET)
    holder.sheet_state = "hidden"
    sources = {}
    for index, (column, values) in enumerate(lists.items(), start=1):
        if not values:
            continue
        letter = get_column_letter(index)
        for row, value in enumerate([column, *values], start=1):
            # Khối names are typed by people: a string cell, never a formula (hungbinh.workbooks).
            cell = holder.cell(row=row, column=index, value=text(value))
            cell.data_type = "s"
        sources[column] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    for name, columns in sheets.items():
        sheet = workbook[name]
        for index, column in enumerate(columns, start=1):
            if column not in sources:
                continue
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1=sources[column],
                allow_blank=True,
                errorStyle="warning" if column in _WARN_ONLY else "stop",
                errorTitle=column,
                error=_("Choose a value from the list."),
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}3:{letter}{LIST_ROWS}")


def _guide_lines() -> list[str]:
    statuses = ", ".join([*STATUS_LABELS.values(), ESCAPED_LABEL])
    return [
        _("How to fill in the household list"),
        _(
            "Sheet “Hộ”: one row per household. “Mã hộ” (the household code) is the key: a code already in the ward's "
            "registry updates that household, a new code adds one. Importing the same file again changes nothing."
        ),
        _("“Khối”: the khối's name as the ward names it, for example “Khối 1”."),
        _(
            "“Phân loại”: one of %(statuses)s. “Hộ mới thoát nghèo” means not poor, having escaped poverty on "
            "“Ngày công nhận”."
        )
        % {"statuses": statuses},
        _(
            "“Ngày công nhận”: the date of the recognition decision, written dd/mm/yyyy or as an Excel date. It is "
            "needed for a new household and when the classification changes; “Số quyết định” is its number."
        ),
        _("Yes/no columns (“Hộ DTTS”, “Có người có công”, “Khuyết tật”): x, “có” or 1 for yes; leave empty for no."),
        _(
            "Sheet “Thành viên”: one row per person, with the “Mã hộ” of their household. A person is recognised by "
            "their ID number, or else by name and birth date, so people are never added twice."
        ),
        _(
            "“Số CCCD”: 12 digits, agreeing with the birth year and gender. An empty cell keeps what the registry "
            "holds; people missing from the file are not removed."
        ),
        _(
            "Nothing is written while any problem remains: press “Check” first to see every problem with its sheet, "
            "row and column."
        ),
    ]
