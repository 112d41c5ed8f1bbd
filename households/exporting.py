"""Export of households and their members to the import workbook format.

Every text cell is a string, never a formula, and text a workbook cannot
hold is dropped (hungbinh/workbooks.py). Write-only openpyxl and a queryset read in chunks: memory stays flat however
many households are exported, and the number of queries grows only with the
number of chunks. What is written imports back unchanged (households.importing): a
masked ID number reads as "keep the stored number".

People's data is written as the `Disclosure` allows (docs/personal-data.md): ID
numbers masked unless revealed, and for a role that may not see a person's
ethnicity and disability those two columns are left out of the file.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from hungbinh.workbooks import append_row, text_cell

from . import rules
from .importing import (
    COL_DISABLED,
    COL_ESCAPED_UNTIL,
    COL_ETHNICITY,
    COL_VERSION,
    GENDER_LABELS,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    YES,
    status_label,
)
from .models import Household, Member, StatusChange
from .personal_data import SENSITIVE_FIELDS, Disclosure

CHUNK_SIZE = 2000
EXCEL_DATE_FORMAT = "DD/MM/YYYY"

HOUSEHOLD_VALUES = (
    "pk",
    "code",
    "khoi__name",
    "head_name",
    "address",
    "status",
    "status_since",
    "escaped_poverty_on",
    "ethnic_minority",
    "has_merit_person",
    "ward__name",
    "version",
)
MEMBER_VALUES = (
    "household_id",
    "full_name",
    "birth_date",
    "gender",
    "relation",
    "id_number",
    "ethnicity",
    "is_disabled",
)


# The member columns that carry a person's sensitive data.
SENSITIVE_COLUMNS = {"ethnicity": COL_ETHNICITY, "is_disabled": COL_DISABLED}
assert set(SENSITIVE_COLUMNS) == SENSITIVE_FIELDS


@dataclass
class ExportSummary:
    """What was written, for the personal-data access log."""

    household_ids: list[int] = field(default_factory=list)
    member_count: int = 0


# The household's version rides along in a hidden column: an import of this file over a household changed
# since is a conflict, not a silent revert (households.importing.planning).
EXPORT_HOUSEHOLD_COLUMNS = (*HOUSEHOLD_COLUMNS, COL_ESCAPED_UNTIL, COL_VERSION)
# A list over several wards names each household's ward in a last column (the import ignores it).
COL_WARD = "Phường"
HOUSEHOLD_WIDTHS = (6, 14, 12, 28, 36, 26, 15, 18, 9, 16, 18, 10, 18)
VERSION_COLUMN_LETTER = chr(ord("A") + EXPORT_HOUSEHOLD_COLUMNS.index(COL_VERSION))
MEMBER_WIDTHS = dict(zip(MEMBER_COLUMNS, (14, 28, 12, 9, 18, 15, 12, 11), strict=True))


class _Writer:
    def __init__(self, workbook: Workbook, title: str, member_columns: tuple[str, ...], with_ward: bool = False):
        self.bold = Font(bold=True)
        self.households = workbook.create_sheet(HOUSEHOLD_SHEET)
        self.members = workbook.create_sheet(MEMBER_SHEET)
        household_columns = (*EXPORT_HOUSEHOLD_COLUMNS, COL_WARD) if with_ward else EXPORT_HOUSEHOLD_COLUMNS
        for sheet, columns, widths in (
            (self.households, household_columns, HOUSEHOLD_WIDTHS),
            (self.members, member_columns, [MEMBER_WIDTHS[c] for c in member_columns]),
        ):
            for index, width in enumerate(widths):
                sheet.column_dimensions[chr(ord("A") + index)].width = width
            sheet.freeze_panes = "A3"
            _print_setup(sheet)
            if sheet is self.households:
                # Before the first row: a write-only sheet writes its columns' settings with it.
                sheet.column_dimensions[VERSION_COLUMN_LETTER].hidden = True
            append_row(sheet, [self._cell(sheet, title)])
            append_row(sheet, [self._cell(sheet, column) for column in columns])

    def _cell(self, sheet, value):
        return text_cell(sheet, value, font=self.bold)

    def date(self, sheet, value: date | None):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = EXCEL_DATE_FORMAT
        return cell


def _print_setup(sheet) -> None:
    """Printed on A4 landscape, as wide as the page, with the header row (row 2) on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "2:2"


def _households_in_chunks(households: QuerySet[Household]):
    """The households' rows, CHUNK_SIZE at a time, in the queryset's order."""
    ordering = households.query.order_by or Household._meta.ordering
    if households.query.annotations:
        # The list selector's member count (a join and GROUP BY) is not needed
        # here and slows a large export: read the same rows without it.
        households = Household.objects.filter(pk__in=households.values("pk"))
    latest_decision = (
        StatusChange.objects.filter(household=OuterRef("pk"))
        .exclude(decision_number="")
        .order_by("-effective_on", "-id")
        .values("decision_number")[:1]
    )
    rows = (
        households.order_by(*ordering)
        .annotate(decision=Subquery(latest_decision))
        .values_list(*HOUSEHOLD_VALUES, "decision")
    )
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_households_xlsx(
    *, households: QuerySet[Household], output, disclosure: Disclosure, title: str = "", with_ward: bool = False
) -> ExportSummary:
    """Write the households (and their members) to `output`, a path or a binary file.

    People's data is written as `disclosure` allows; the caller logs the
    returned summary as a personal-data export. `with_ward` adds a last
    column with each household's ward (the import ignores it).
    """
    today = timezone.localdate()
    workbook = Workbook(write_only=True)
    title = title or _("Household list, exported on %(date)s") % {"date": today.strftime("%d/%m/%Y")}
    withheld = {column for name, column in SENSITIVE_COLUMNS.items() if not disclosure.shows(name)}
    if withheld:
        note = _("Ethnicity and disability of individual people are withheld (sensitive personal data).")
        title = f"{title} {note}"
    member_columns = tuple(c for c in MEMBER_COLUMNS if c not in withheld)
    kept = [MEMBER_COLUMNS.index(c) for c in member_columns] if withheld else None
    writer = _Writer(workbook, title, member_columns, with_ward)
    summary = ExportSummary()
    number = 0
    for chunk in _households_in_chunks(households):
        codes = {}
        for pk, code, khoi, head, address, status, since, escaped_on, ethnic, merit, ward, version, decision in chunk:
            number += 1
            codes[pk] = code
            summary.household_ids.append(pk)
            append_row(
                writer.households,
                [
                    number,
                    code,
                    khoi,
                    head,
                    address,
                    status_label(status, escaped_on, since, today),
                    writer.date(writer.households, since),
                    decision or None,
                    YES if ethnic else None,
                    YES if merit else None,
                    writer.date(
                        writer.households,
                        rules.newly_escaped_until(escaped_on)
                        if rules.is_newly_escaped(status, escaped_on, today)
                        else None,
                    ),
                    version,
                    *((ward,) if with_ward else ()),
                ],
            )
        members = (
            Member.objects.filter(household_id__in=list(codes))
            .order_by("household_id", "position", "id")
            .values_list(*MEMBER_VALUES)
        )
        by_household: dict[int, list[tuple]] = {}
        for row in members:
            by_household.setdefault(row[0], []).append(row)
        # Members follow their households' order, as the household sheet lists them.
        for pk in codes:
            for _id, name, birth, gender, relation, id_number, ethnicity, disabled in by_household.get(pk, ()):
                summary.member_count += 1
                row = [
                    codes[pk],
                    name,
                    writer.date(writer.members, birth),
                    GENDER_LABELS.get(gender),
                    relation,
                    disclosure.id_number(id_number) or None,
                    ethnicity,
                    YES if disabled else None,
                ]
                append_row(writer.members, row if kept is None else [row[i] for i in kept])
    workbook.save(output)
    return summary
