"""The rows of the two sheets to typed rows, every bad cell reported where it is.

No database here: the khối of the ward and those in the user's scope are given.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from hungbinh.text_input import control_characters_message

from .. import rules
from ..models import Khoi
from ..personal_data import is_masked
from ..rules import Status
from ..text import has_control_characters
from .cells import BadCell, as_text, key, to_date, yes_no
from .cells import gender as gender_cell
from .cells import id_number as id_number_cell
from .cells import status as status_cell
from .cells import version as version_cell
from .reading import Sheet
from .results import Errors
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
    COL_RECOGNISED,
    COL_RELATION,
    COL_STATUS,
    COL_VERSION,
)


@dataclass
class HouseholdRow:
    """A household row whose every cell was read without a problem."""

    row: int
    code: str
    khoi: Khoi
    head_name: str
    address: str
    status: str
    escaped: bool
    recognised_on: date | None
    decision_number: str
    ethnic_minority: bool
    has_merit_person: bool
    # The household's version in the exported file (None: a list without the column).
    version: int | None = None


@dataclass
class MemberRow:
    """A member row whose every cell was read without a problem."""

    row: int
    code: str
    full_name: str
    birth_date: date | None
    gender: str
    relation: str
    id_number: str
    ethnicity: str
    is_disabled: bool
    # A masked number ("********1234", as a masked export writes it): keep the stored one.
    masked_id: str = ""


class _RowReader:
    """Converts the cells of one row, collecting a problem per bad cell."""

    def __init__(self, sheet: Sheet, number: int, values: tuple, errors: Errors):
        self.sheet, self.number, self.values, self.errors = sheet, number, values, errors
        self.ok = True

    def error(self, column: str, message) -> None:
        self.errors.add(self.sheet.name, self.number, column, message)
        self.ok = False

    def raw(self, column: str):
        return self.sheet.get(self.values, column)

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = as_text(self.raw(column))
        if has_control_characters(value):
            self.error(column, control_characters_message())
            return ""
        if required and not value:
            self.error(column, _("The cell “%(column)s” is empty; fill it in.") % {"column": column})
        if len(value) > max_length:
            self.error(
                column,
                _("The text is too long (%(length)s characters); shorten it to at most %(max)s.")
                % {"length": len(value), "max": max_length},
            )
        return value

    def id_number(self) -> str:
        value = id_number_cell(self.raw(COL_ID))
        if has_control_characters(value):
            self.error(COL_ID, control_characters_message())
            return ""
        return value

    def convert(self, column: str, converter, default=None):
        try:
            return converter(self.raw(column))
        except BadCell as problem:
            self.error(column, problem.args[0])
            return default


def _find_khoi(name: str, khois: dict[str, Khoi]) -> Khoi | None:
    khoi = khois.get(key(name))
    if khoi is None and name.isdigit():
        # “1” for “Khối 1”, as lists typed by hand often have it.
        khoi = next((k for k in khois.values() if k.name.split()[-1:] == [name]), None)
    return khoi


def parse_households(sheet: Sheet, *, ward, khois, khoi_scope, errors, today) -> list[HouseholdRow]:
    parsed, first_row = [], {}
    for number, values in sheet.rows:
        cells = _RowReader(sheet, number, values, errors)
        code = cells.text(COL_CODE, max_length=30, required=True)
        if code in first_row:
            cells.error(
                COL_CODE,
                _(
                    "Household code %(code)s appears twice in this sheet (first in row %(row)s). "
                    "List each household once."
                )
                % {"code": code, "row": first_row[code]},
            )
        elif code:
            first_row[code] = number
        khoi_name = cells.text(COL_KHOI, max_length=100, required=True)
        khoi = _find_khoi(khoi_name, khois) if khoi_name else None
        if khoi_name and khoi is None:
            cells.error(
                COL_KHOI,
                _(
                    "Ward %(ward)s has no khối “%(khoi)s”. "
                    "Write the khối as the ward names it, for example “%(example)s”."
                )
                % {"ward": ward.name, "khoi": khoi_name, "example": next(iter(khois.values()), "Khối 1")},
            )
        elif khoi is not None and khoi.pk not in khoi_scope:
            cells.error(
                COL_KHOI,
                _("Khối “%(khoi)s” is outside your scope; you may import only households of the khối you work for.")
                % {"khoi": khoi.name},
            )
        head_name = cells.text(COL_HEAD, max_length=200, required=True)
        status, escaped = Status.NOT_POOR, False
        if cells.text(COL_STATUS, max_length=100, required=True):
            status, escaped = cells.convert(COL_STATUS, status_cell, default=(None, False))
        recognised_on = cells.convert(COL_RECOGNISED, to_date)
        if recognised_on is not None and recognised_on > today:
            cells.error(
                COL_RECOGNISED, _("The recognition date %(date)s is in the future.") % {"date": as_text(recognised_on)}
            )
        if escaped and recognised_on is None and cells.ok:
            cells.error(
                COL_RECOGNISED,
                _("A newly escaped household needs the date its escape was recognised (dd/mm/yyyy)."),
            )
        row = HouseholdRow(
            row=number,
            code=code,
            khoi=khoi,
            head_name=head_name,
            address=cells.text(COL_ADDRESS, max_length=300),
            status=status,
            escaped=escaped,
            recognised_on=recognised_on,
            decision_number=cells.text(COL_DECISION, max_length=60),
            ethnic_minority=cells.convert(COL_ETHNIC, yes_no, default=False),
            has_merit_person=cells.convert(COL_MERIT, yes_no, default=False),
            version=cells.convert(COL_VERSION, version_cell),
        )
        if cells.ok:
            parsed.append(row)
    return parsed


MEMBER_COLUMN_OF_FIELD = {"full_name": COL_NAME, "birth_date": COL_BIRTH, "gender": COL_GENDER, "id_number": COL_ID}


def parse_members(sheet: Sheet, *, errors, today) -> list[MemberRow]:
    parsed = []
    for number, values in sheet.rows:
        cells = _RowReader(sheet, number, values, errors)
        row = MemberRow(
            row=number,
            code=cells.text(COL_CODE, max_length=30, required=True),
            full_name=cells.text(COL_NAME, max_length=200, required=True),
            birth_date=cells.convert(COL_BIRTH, to_date),
            gender=cells.convert(COL_GENDER, gender_cell, default=""),
            relation=cells.text(COL_RELATION, max_length=50),
            id_number=cells.id_number(),
            ethnicity=cells.text(COL_ETHNICITY, max_length=50),
            is_disabled=cells.convert(COL_DISABLED, yes_no, default=False),
        )
        if is_masked(row.id_number):
            row.masked_id, row.id_number = row.id_number, ""
        if cells.ok:
            problems = rules.member_problems(
                {
                    "full_name": row.full_name,
                    "birth_date": row.birth_date,
                    "gender": row.gender,
                    "id_number": row.id_number,
                },
                today=today,
            )
            for name, messages in problems.items():
                for message in messages:
                    cells.error(MEMBER_COLUMN_OF_FIELD.get(name, ""), message)
        if cells.ok:
            parsed.append(row)
    return parsed
