"""Building and reading import workbooks in tests."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from households.importing import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET


def household_row(code="HB-001", **cells):
    row = {
        "STT": 1,
        "Mã hộ": code,
        "Khối": "Khối 1",
        "Họ và tên chủ hộ": "Nguyễn Văn An",
        "Địa chỉ": "Số 1, đường Lê Lợi",
        "Phân loại": "Hộ nghèo",
        "Ngày công nhận": "15/12/2024",
        "Số quyết định": "12/QĐ-UBND",
        "Hộ DTTS": "",
        "Có người có công": "",
    }
    row.update(cells)
    return row


def member_row(code="HB-001", **cells):
    row = {
        "Mã hộ": code,
        "Họ và tên": "Nguyễn Văn An",
        "Ngày sinh": "02/03/1980",
        "Giới tính": "Nam",
        "Quan hệ với chủ hộ": "Chủ hộ",
        "Số CCCD": "040080001234",
        "Dân tộc": "Kinh",
        "Khuyết tật": "",
    }
    row.update(cells)
    return row


def build(
    households=(),
    members=(),
    *,
    titles=("DANH SÁCH HỘ GIA ĐÌNH", ""),
    household_columns=HOUSEHOLD_COLUMNS,
    member_columns=MEMBER_COLUMNS,
    sheets=(HOUSEHOLD_SHEET, MEMBER_SHEET),
) -> BytesIO:
    """A workbook with title rows above each header row; rows are dicts by column title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns, rows in zip(sheets, (household_columns, member_columns), (households, members), strict=False):
        sheet = workbook.create_sheet(name)
        for title in titles:
            sheet.append([title])
        sheet.append(list(columns))
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    stream = BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def header_row_number(titles=("DANH SÁCH HỘ GIA ĐÌNH", "")) -> int:
    return len(titles) + 1


def read(content) -> dict[str, list[tuple]]:
    """Every sheet's rows as value tuples."""
    stream = content if hasattr(content, "read") else BytesIO(content)
    workbook = load_workbook(stream)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
