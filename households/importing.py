"""Import of a ward's household lists from Excel (docs/workbook.md).

All or nothing: the whole workbook is read and checked first, every problem is
reported with its sheet, row and column, and only a workbook without a single
problem is written, in bulk and in one transaction, with its history (who, when)
kept exactly as a change through the services would keep it.

The same workbook format is written by `exporting.write_households_xlsx`, so an
export imports back unchanged.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from hungbinh.accounts.roles import can_manage_ward

from . import rules, selectors
from .models import Household, Khoi, Member, StatusChange, Ward
from .personal_data import is_masked
from .rules import ChangeReason, Gender, Status
from .services import member_problems
from .text import fold, nfc

# --- The workbook format (shared with exporting.py and the template) ----------

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

# The row number is a convenience for the reader; a list without it imports too.
OPTIONAL_COLUMNS = frozenset({COL_NO})

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

HEADER_SEARCH_ROWS = 30
CHUNK = 500  # values per IN (...) query, well under every database's parameter limit


# --- Results -----------------------------------------------------------------


@dataclass(frozen=True)
class ImportRowError:
    """One problem of the workbook: where it is (row 0: the file or sheet as a whole) and what to do."""

    sheet: str
    row: int
    column: str
    message: str


# The name the API and the contract use.
ImportError = ImportRowError  # noqa: A001


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    members_created: int = 0
    members_updated: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Errors(list):
    def add(self, sheet: str, row: int, column: str, message) -> None:
        self.append(ImportRowError(sheet, row, column, str(message)))


# --- Cells -------------------------------------------------------------------


def _key(text) -> str:
    """How header cells, sheet names and khối names are compared: NFC, case and spacing ignored."""
    return nfc(text).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return nfc(str(value))


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _id_number(value) -> str:
    """A CCCD as text; a number cell lost its leading zeros (Hà Nội is 001…), so they are put back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        digits = str(int(value))
        return digits.zfill(12) if len(digits) < 12 else digits
    return _text(value).replace(" ", "")


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class _BadCell(Exception):
    pass


def _date(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE_TEXT.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _ISO_DATE.match(text)):
        parts = iso.groups()
    try:
        if parts is None:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise _BadCell(
            _("“%(value)s” is not a date. Write it as dd/mm/yyyy, for example 05/09/2024.") % {"value": text}
        ) from None


_YES = frozenset({"x", "co", "1", "true", "yes"})
_NO = frozenset({"", "khong", "0", "false", "no"})


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _BadCell(
        _("“%(value)s” is not a yes/no answer. Write x (or “có”, 1) for yes and leave the cell empty for no.")
        % {"value": _text(value)}
    )


def _gender(value) -> str:
    text = fold(_text(value))
    if not text:
        return ""
    for gender, label in GENDER_LABELS.items():
        if text == fold(label):
            return gender
    raise _BadCell(_("Unknown gender “%(value)s”. Write Nam or Nữ, or leave the cell empty.") % {"value": _text(value)})


def _status(value) -> tuple[str, bool]:
    """(status, escaped): “Hộ mới thoát nghèo” is not poor, escaped on the recognition date."""
    text = fold(_text(value))
    if text == fold(ESCAPED_LABEL):
        return Status.NOT_POOR, True
    for status, label in STATUS_LABELS.items():
        if text == fold(label):
            return status, False
    labels = ", ".join([*STATUS_LABELS.values(), ESCAPED_LABEL])
    raise _BadCell(
        _("Unknown classification “%(value)s”. Write one of: %(labels)s.") % {"value": _text(value), "labels": labels}
    )


def status_label(status: str, escaped_on: date | None, status_since: date | None, as_of: date) -> str:
    """The “Phân loại” a household is written with; the inverse of `_status` for an export."""
    if (
        status == Status.NOT_POOR
        and escaped_on is not None
        and escaped_on == status_since
        and rules.is_newly_escaped(status, escaped_on, as_of)
    ):
        return ESCAPED_LABEL
    return STATUS_LABELS[status]


# --- Reading the workbook --------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    header_row: int
    columns: dict[str, int]  # column title -> index in a row tuple
    rows: list[tuple[int, tuple]]  # (Excel row number, values) of the rows below the header

    def get(self, values: tuple, column: str):
        index = self.columns.get(column)
        if index is None or index >= len(values):
            return None
        return values[index]


def _open_workbook(file, errors: _Errors):
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever openpyxl cannot open is not an xlsx workbook
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


def _read_sheet(workbook, name: str, columns: tuple[str, ...], errors: _Errors) -> _Sheet | None:
    sheets = {_key(title): title for title in workbook.sheetnames}
    title = sheets.get(_key(name))
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
    wanted = {_key(column): column for column in columns}
    best_row, best = 0, {}
    for number, values in islice(rows, HEADER_SEARCH_ROWS):
        found = {}
        for index, value in enumerate(values):
            column = wanted.get(_key(value)) if isinstance(value, str) else None
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
        if any(_filled(values[i]) for c, i in best.items() if c not in OPTIONAL_COLUMNS and i < len(values))
    ]
    return _Sheet(name=name, header_row=best_row, columns=best, rows=body)


# --- Parsed rows -------------------------------------------------------------


@dataclass
class _HouseholdRow:
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


@dataclass
class _MemberRow:
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

    def __init__(self, sheet: _Sheet, number: int, values: tuple, errors: _Errors):
        self.sheet, self.number, self.values, self.errors = sheet, number, values, errors
        self.ok = True

    def error(self, column: str, message) -> None:
        self.errors.add(self.sheet.name, self.number, column, message)
        self.ok = False

    def raw(self, column: str):
        return self.sheet.get(self.values, column)

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = _text(self.raw(column))
        if required and not value:
            self.error(column, _("The cell “%(column)s” is empty; fill it in.") % {"column": column})
        if len(value) > max_length:
            self.error(
                column,
                _("The text is too long (%(length)s characters); shorten it to at most %(max)s.")
                % {"length": len(value), "max": max_length},
            )
        return value

    def convert(self, column: str, converter, default=None):
        try:
            return converter(self.raw(column))
        except _BadCell as problem:
            self.error(column, problem.args[0])
            return default


def _khoi_lookup(ward: Ward) -> dict[str, Khoi]:
    khois = {}
    for khoi in Khoi.objects.filter(ward=ward):
        khois[_key(khoi.name)] = khoi
    return khois


def _find_khoi(name: str, khois: dict[str, Khoi]) -> Khoi | None:
    khoi = khois.get(_key(name))
    if khoi is None and name.isdigit():
        # “1” for “Khối 1”, as lists typed by hand often have it.
        khoi = next((k for k in khois.values() if k.name.split()[-1:] == [name]), None)
    return khoi


def _parse_households(sheet: _Sheet, *, ward, khois, khoi_scope, errors, today) -> list[_HouseholdRow]:
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
            status, escaped = cells.convert(COL_STATUS, _status, default=(None, False))
        recognised_on = cells.convert(COL_RECOGNISED, _date)
        if recognised_on is not None and recognised_on > today:
            cells.error(
                COL_RECOGNISED, _("The recognition date %(date)s is in the future.") % {"date": _text(recognised_on)}
            )
        if escaped and recognised_on is None and cells.ok:
            cells.error(
                COL_RECOGNISED,
                _("A newly escaped household needs the date its escape was recognised (dd/mm/yyyy)."),
            )
        row = _HouseholdRow(
            row=number,
            code=code,
            khoi=khoi,
            head_name=head_name,
            address=cells.text(COL_ADDRESS, max_length=300),
            status=status,
            escaped=escaped,
            recognised_on=recognised_on,
            decision_number=cells.text(COL_DECISION, max_length=60),
            ethnic_minority=cells.convert(COL_ETHNIC, _yes_no, default=False),
            has_merit_person=cells.convert(COL_MERIT, _yes_no, default=False),
        )
        if cells.ok:
            parsed.append(row)
    return parsed


_MEMBER_COLUMN_OF_FIELD = {"full_name": COL_NAME, "birth_date": COL_BIRTH, "gender": COL_GENDER, "id_number": COL_ID}


def _parse_members(sheet: _Sheet, *, errors, today) -> list[_MemberRow]:
    parsed = []
    for number, values in sheet.rows:
        cells = _RowReader(sheet, number, values, errors)
        row = _MemberRow(
            row=number,
            code=cells.text(COL_CODE, max_length=30, required=True),
            full_name=cells.text(COL_NAME, max_length=200, required=True),
            birth_date=cells.convert(COL_BIRTH, _date),
            gender=cells.convert(COL_GENDER, _gender, default=""),
            relation=cells.text(COL_RELATION, max_length=50),
            id_number=_id_number(cells.raw(COL_ID)),
            ethnicity=cells.text(COL_ETHNICITY, max_length=50),
            is_disabled=cells.convert(COL_DISABLED, _yes_no, default=False),
        )
        if is_masked(row.id_number):
            row.masked_id, row.id_number = row.id_number, ""
        if cells.ok:
            problems = member_problems(
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
                    cells.error(_MEMBER_COLUMN_OF_FIELD.get(name, ""), message)
        if cells.ok:
            parsed.append(row)
    return parsed


# --- Planning: what the workbook changes -------------------------------------------


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Plan:
    new_households: list[Household] = field(default_factory=list)
    new_status: dict[str, _HouseholdRow] = field(default_factory=dict)  # code -> row, for the first StatusChange
    changed_households: dict[int, Household] = field(default_factory=dict)
    household_fields: set[str] = field(default_factory=set)
    status_changes: list[StatusChange] = field(default_factory=list)
    new_members: list[tuple[str, Household | None, Member]] = field(default_factory=list)  # code, known household
    changed_members: list[Member] = field(default_factory=list)
    member_fields: set[str] = field(default_factory=set)
    own_changes: set[int] = field(default_factory=set)  # households whose own fields changed


HOUSEHOLD_COMPARED = ("khoi_id", "head_name", "address", "ethnic_minority", "has_merit_person")


def _plan_households(rows, existing: dict[str, Household], *, by, plan: _Plan, errors: _Errors, today) -> None:
    for row in rows:
        household = existing.get(row.code)
        if household is None:
            _plan_new_household(row, plan=plan, errors=errors, today=today)
        else:
            _plan_household_update(row, household, by=by, plan=plan, errors=errors, today=today)


def _plan_new_household(row: _HouseholdRow, *, plan: _Plan, errors: _Errors, today) -> None:
    if row.recognised_on is None:
        errors.add(
            HOUSEHOLD_SHEET,
            row.row,
            COL_RECOGNISED,
            _("Enter the recognition date (dd/mm/yyyy) of the classification: a new household needs it."),
        )
        return
    household = Household(
        ward_id=row.khoi.ward_id,
        khoi=row.khoi,
        code=row.code,
        head_name=row.head_name,
        address=row.address,
        status=row.status,
        status_since=row.recognised_on,
        escaped_poverty_on=row.recognised_on if row.escaped else None,
        ethnic_minority=row.ethnic_minority,
        has_merit_person=row.has_merit_person,
    )
    household.refresh_derived()
    plan.new_households.append(household)
    plan.new_status[row.code] = row


def _plan_household_update(row: _HouseholdRow, household: Household, *, by, plan, errors, today) -> None:
    wanted = {
        "khoi_id": row.khoi.pk,
        "head_name": row.head_name,
        # An empty optional cell leaves what the registry holds.
        "address": row.address or household.address,
        "ethnic_minority": row.ethnic_minority,
        "has_merit_person": row.has_merit_person,
    }
    changed = {name: value for name, value in wanted.items() if getattr(household, name) != value}
    if row.status != household.status:
        if row.recognised_on is None:
            errors.add(
                HOUSEHOLD_SHEET,
                row.row,
                COL_RECOGNISED,
                _("Enter the recognition date (dd/mm/yyyy): the classification of this household changes."),
            )
            return
        problem = rules.status_change_problem(
            current=household.status,
            current_since=household.status_since,
            new=row.status,
            effective_on=row.recognised_on,
            today=today,
        )
        if problem:
            errors.add(HOUSEHOLD_SHEET, row.row, COL_RECOGNISED, problem)
            return
        escaped_on = (
            row.recognised_on
            if row.escaped
            else rules.escaped_on_after_change(
                current=household.status,
                new=row.status,
                effective_on=row.recognised_on,
                escaped_on=household.escaped_poverty_on,
            )
        )
        plan.status_changes.append(
            StatusChange(
                household=household,
                from_status=household.status,
                to_status=row.status,
                effective_on=row.recognised_on,
                reason=ChangeReason.IMPORT,
                decision_number=row.decision_number,
                recorded_by=by,
            )
        )
        changed.update(status=row.status, status_since=row.recognised_on)
        if escaped_on != household.escaped_poverty_on:
            changed["escaped_poverty_on"] = escaped_on
    elif row.escaped and household.escaped_poverty_on != row.recognised_on:
        # Same status, a corrected date of escaping poverty.
        changed["escaped_poverty_on"] = row.recognised_on
    if not changed:
        return
    for name, value in changed.items():
        setattr(household, name, value)
    household.refresh_derived()
    plan.household_fields.update(changed)
    plan.changed_households[household.pk] = household
    plan.own_changes.add(household.pk)


MEMBER_COMPARED = ("full_name", "birth_date", "gender", "relation", "id_number", "ethnicity", "is_disabled")
# Blank cells of these columns mean “not given”: the registry keeps its value.
MEMBER_KEEP_WHEN_BLANK = frozenset({"birth_date", "gender", "relation", "id_number", "ethnicity"})


def _member_key(household_id, full_name: str, birth_date) -> tuple:
    return (household_id, full_name, birth_date)


def _plan_members(
    rows: list[_MemberRow],
    *,
    file_codes: set[str],
    existing: dict[str, Household],
    plan: _Plan,
    errors: _Errors,
    today,
) -> None:
    known_ids = [h.pk for h in existing.values()]
    members_by_id_number: dict[str, Member] = {}
    members_by_key: dict[tuple, list[Member]] = defaultdict(list)
    next_position: dict[int, int] = defaultdict(int)
    for chunk in _chunks(known_ids):
        for member in Member.objects.filter(household_id__in=chunk).order_by("household_id", "position", "id"):
            if member.id_number:
                members_by_id_number[member.id_number] = member
            members_by_key[_member_key(member.household_id, member.full_name, member.birth_date)].append(member)
            next_position[member.household_id] = max(next_position[member.household_id], member.position)
    # ID numbers held by people of households the file does not touch (any ward).
    wanted_ids = {r.id_number for r in rows if r.id_number and r.id_number not in members_by_id_number}
    elsewhere: set[str] = set()
    for chunk in _chunks(wanted_ids):
        elsewhere.update(Member.objects.filter(id_number__in=chunk).values_list("id_number", flat=True))

    by_code = {h.code: h for h in existing.values()}
    first_row_of_id: dict[str, int] = {}
    used: set[int] = set()
    new_positions: dict[str, int] = defaultdict(int)
    for row in rows:
        household = by_code.get(row.code)
        if household is None and row.code not in file_codes:
            errors.add(
                MEMBER_SHEET,
                row.row,
                COL_CODE,
                _(
                    "Household code %(code)s is neither in sheet “Hộ” nor in the ward's registry. "
                    "Check the code, or add the household to sheet “Hộ”."
                )
                % {"code": row.code},
            )
            continue
        if row.id_number:
            if row.id_number in first_row_of_id:
                errors.add(
                    MEMBER_SHEET,
                    row.row,
                    COL_ID,
                    _("This citizen ID number is already given in row %(row)s. Each person has their own number.")
                    % {"row": first_row_of_id[row.id_number]},
                )
                continue
            first_row_of_id[row.id_number] = row.row
        member = _match_member(row, household, members_by_id_number, members_by_key, used)
        if row.masked_id and (member is None or member.id_number[-4:] != row.masked_id[-4:]):
            errors.add(
                MEMBER_SHEET,
                row.row,
                COL_ID,
                _(
                    "The ID number %(masked)s is masked and does not match the number the registry holds for "
                    "this person. Write the full 12 digits, or leave the cell empty to keep the stored number."
                )
                % {"masked": row.masked_id},
            )
            continue
        holder = members_by_id_number.get(row.id_number) if row.id_number else None
        if row.id_number and (
            (holder is not None and (household is None or holder.household_id != household.pk))
            or row.id_number in elsewhere
        ):
            errors.add(
                MEMBER_SHEET,
                row.row,
                COL_ID,
                _(
                    "This citizen ID number is already registered for a person of another household. "
                    "Check the number; if the person moved, remove them from the other household first."
                ),
            )
            continue
        if member is None:
            fields = {name: getattr(row, name) for name in MEMBER_COMPARED}
            if not fields["ethnicity"]:
                fields["ethnicity"] = Member._meta.get_field("ethnicity").default
            if household is None:
                new_positions[row.code] += 1
                position = new_positions[row.code]
            else:
                next_position[household.pk] += 1
                position = next_position[household.pk]
            plan.new_members.append((row.code, household, Member(position=position, **fields)))
            if household is not None:
                plan.changed_households[household.pk] = household
            continue
        used.add(member.pk)
        _plan_member_update(row, member, household, plan=plan, errors=errors, today=today)


def _match_member(row: _MemberRow, household, by_id_number, by_key, used) -> Member | None:
    if household is None:
        return None
    if row.id_number:
        member = by_id_number.get(row.id_number)
        if member is not None and member.household_id == household.pk and member.pk not in used:
            return member
    for member in by_key.get(_member_key(household.pk, row.full_name, row.birth_date), ()):
        if member.pk not in used:
            return member
    return None


def _plan_member_update(row: _MemberRow, member: Member, household: Household, *, plan, errors, today) -> None:
    wanted = {}
    for name in MEMBER_COMPARED:
        value = getattr(row, name)
        if name in MEMBER_KEEP_WHEN_BLANK and value in ("", None):
            value = getattr(member, name)
        wanted[name] = value
    changed = {name: value for name, value in wanted.items() if getattr(member, name) != value}
    if not changed:
        return
    # The merged record must hold too (a kept ID number against a new birth date).
    problems = member_problems(wanted, today=today)
    for name, messages in problems.items():
        for message in messages:
            errors.add(MEMBER_SHEET, row.row, _MEMBER_COLUMN_OF_FIELD.get(name, ""), message)
    if problems:
        return
    for name, value in changed.items():
        setattr(member, name, value)
    plan.member_fields.update(changed)
    plan.changed_members.append(member)
    plan.changed_households[household.pk] = household


# --- Writing -----------------------------------------------------------------------


def _write(plan: _Plan, *, by, now) -> None:
    history = {"default_user": by, "default_change_reason": "import", "default_date": now}
    created = bulk_create_with_history(plan.new_households, Household, **history)
    by_code = {h.code: h for h in created}
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                household=by_code[code],
                from_status="",
                to_status=row.status,
                effective_on=row.recognised_on,
                reason=ChangeReason.IMPORT,
                decision_number=row.decision_number,
                recorded_by=by,
            )
            for code, row in plan.new_status.items()
        ]
        + plan.status_changes
    )
    if plan.changed_households:
        households = list(plan.changed_households.values())
        for household in households:
            household.version += 1
            household.updated_at = now
        fields = sorted(plan.household_fields | {"version", "updated_at"})
        if plan.household_fields & {"head_name", "address"}:
            fields += ["search_text", "name_key"]
        bulk_update_with_history(households, Household, fields, **history)
    new_members = []
    for code, household, member in plan.new_members:
        member.household = household or by_code[code]
        new_members.append(member)
    bulk_create_with_history(new_members, Member, **history)
    if plan.changed_members:
        bulk_update_with_history(plan.changed_members, Member, sorted(plan.member_fields), **history)


# --- The service -------------------------------------------------------------------


def _existing_households(ward: Ward, codes: set[str], *, lock: bool) -> dict[str, Household]:
    found = {}
    for chunk in _chunks(sorted(codes)):
        queryset = Household.objects.filter(ward=ward, code__in=chunk)
        if lock:
            queryset = queryset.select_for_update().order_by("pk")
        for household in queryset:
            found[household.code] = household
    return found


def _require_importer(by, ward: Ward) -> None:
    if not can_manage_ward(by):
        raise PermissionDenied(_("Only the ward's staff may import household lists."))
    if not selectors.ward_list(user=by).filter(pk=ward.pk).exists():
        raise Http404(_("No such ward."))


def household_import(*, by, ward: Ward, file, dry_run: bool) -> ImportResult:
    """Check a workbook of households and members and, unless `dry_run` or any problem, write it."""
    _require_importer(by, ward)
    errors = _Errors()
    workbook = _open_workbook(file, errors)
    if workbook is None:
        return ImportResult(errors=list(errors))
    try:
        household_sheet = _read_sheet(workbook, HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, errors)
        member_sheet = _read_sheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS, errors)
    finally:
        workbook.close()
    if errors:
        return ImportResult(errors=sorted(errors, key=_error_order))
    if not household_sheet.rows and not member_sheet.rows:
        errors.add(
            HOUSEHOLD_SHEET, 0, "", _("The workbook lists no household and no member: there is nothing to import.")
        )
        return ImportResult(errors=list(errors))

    today = timezone.localdate()
    khois = _khoi_lookup(ward)
    khoi_scope = set(selectors.khoi_list(user=by, ward_id=ward.pk).values_list("pk", flat=True))
    household_rows = _parse_households(
        household_sheet, ward=ward, khois=khois, khoi_scope=khoi_scope, errors=errors, today=today
    )
    member_rows = _parse_members(member_sheet, errors=errors, today=today)
    file_codes = {_text(household_sheet.get(v, COL_CODE)) for _n, v in household_sheet.rows}
    codes = file_codes | {r.code for r in member_rows}

    try:
        with transaction.atomic():
            result = _plan_and_write(
                by=by,
                ward=ward,
                codes=codes,
                file_codes=file_codes,
                household_rows=household_rows,
                member_rows=member_rows,
                errors=errors,
                today=today,
                dry_run=dry_run,
            )
    except IntegrityError:
        errors.add(
            "",
            0,
            "",
            _("The registry changed while the file was being imported, so nothing was written. Import the file again."),
        )
        return ImportResult(errors=list(errors))
    return result


def _plan_and_write(
    *, by, ward, codes, file_codes, household_rows, member_rows, errors, today, dry_run
) -> ImportResult:
    existing = _existing_households(ward, codes, lock=not dry_run)
    plan = _Plan()
    _plan_households(household_rows, existing, by=by, plan=plan, errors=errors, today=today)
    _plan_members(member_rows, file_codes=file_codes, existing=existing, plan=plan, errors=errors, today=today)
    if errors:
        return ImportResult(errors=sorted(errors, key=_error_order))
    result = ImportResult(
        created=len(plan.new_households),
        updated=len(plan.changed_households),
        members_created=len(plan.new_members),
        members_updated=len(plan.changed_members),
    )
    if not dry_run:
        _write(plan, by=by, now=timezone.now())
    return result


_SHEET_ORDER = {"": 0, HOUSEHOLD_SHEET: 1, MEMBER_SHEET: 2}


def _error_order(error: ImportRowError):
    return (_SHEET_ORDER.get(error.sheet, 3), error.row)
