"""The household workbook's format: sheets, columns and the words its cells use (docs/workbook.md).

Shared by the import, the export (`households.exporting`) and the template, so
that what one writes the other reads. Wards' lists and other systems rely on
these titles: change them only with a deprecation path.
"""

from datetime import date

from .. import rules
from ..rules import Gender, Status

HOUSEHOLD_SHEET = "Hộ"
MEMBER_SHEET = "Thành viên"

COL_NO = "STT"
COL_CODE = "Mã hộ"
COL_KHOI = "Khối"
COL_HEAD = "Họ và tên chủ hộ"
COL_ADDRESS = "Địa chỉ"
COL_STATUS = "Phân loại"
COL_RECOGNISED = "Ngày công nhận"
COL_DECISION = "Số quyết định"
COL_ETHNIC = "Hộ DTTS"
COL_MERIT = "Có người có công"
HOUSEHOLD_COLUMNS = (
    COL_NO,
    COL_CODE,
    COL_KHOI,
    COL_HEAD,
    COL_ADDRESS,
    COL_STATUS,
    COL_RECOGNISED,
    COL_DECISION,
    COL_ETHNIC,
    COL_MERIT,
)

COL_NAME = "Họ và tên"
COL_BIRTH = "Ngày sinh"
COL_GENDER = "Giới tính"
COL_RELATION = "Quan hệ với chủ hộ"
COL_ID = "Số CCCD"
COL_ETHNICITY = "Dân tộc"
COL_DISABLED = "Khuyết tật"
MEMBER_COLUMNS = (COL_CODE, COL_NAME, COL_BIRTH, COL_GENDER, COL_RELATION, COL_ID, COL_ETHNICITY, COL_DISABLED)

# The household's version when the list was exported (a hidden column of the export): a row of a file
# older than the registry's household may not change it (a conflict, like the 409 of the pages and API).
COL_VERSION = "Phiên bản"
# The row number is a convenience for the reader; a list without it imports too, and one typed by hand
# has no version.
OPTIONAL_COLUMNS = frozenset({COL_NO, COL_VERSION})

# The workbook's own words, whatever the interface language; the same as the
# Vietnamese of rules.NEWLY_ESCAPED_LABEL, which pages use (a test holds them equal).
ESCAPED_LABEL = "Hộ mới thoát nghèo"
# Written by the export after the format's columns (the import ignores it): the
# last day of the 36-month window of every household newly escaped on the day of
# the export, whatever its status, as the list page shows it.
COL_ESCAPED_UNTIL = f"{ESCAPED_LABEL} đến ngày"
STATUS_LABELS = {
    Status.POOR: "Hộ nghèo",
    Status.NEAR_POOR: "Hộ cận nghèo",
    Status.AVERAGE: "Hộ có mức sống trung bình",
    Status.NOT_POOR: "Không nghèo",
}
GENDER_LABELS = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
YES = "x"
DATE_FORMAT = "%d/%m/%Y"


def status_label(status: str, escaped_on: date | None, status_since: date | None, as_of: date) -> str:
    """The “Phân loại” a household is written with; the inverse of `cells.status` for an export."""
    if (
        status == Status.NOT_POOR
        and escaped_on is not None
        and escaped_on == status_since
        and rules.is_newly_escaped(status, escaped_on, as_of)
    ):
        return ESCAPED_LABEL
    return STATUS_LABELS[status]
