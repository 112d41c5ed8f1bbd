"""The template workbook offered on the import page: the format, an example household, a guide."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from hungbinh.workbooks import append_row

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


def template_workbook() -> bytes:
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
            sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = max(12, len(column) + 6)
        sheet.freeze_panes = "A3"
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
