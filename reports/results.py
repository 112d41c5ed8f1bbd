"""The review-result tables (docs/reports.md): counted from the registry as of a day, a row per khối or per ward.

Each table is computed with a fixed number of aggregate queries whatever the
number of households: the households grouped by unit and by their status on
the day (the latest status change on or before it), with the persons of each
household summed in the same query; the ward's population figures in one more.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from households.models import Household, Khoi, Member, MemberRemoval, StatusChange, Ward
from households.rules import Status, percent

from .models import KhoiPopulation
from .periods import Period
from .tables import HeaderCell, ReportTable, TableRow

CLASSES = (Status.POOR, Status.NEAR_POOR, Status.AVERAGE)


def status_on(day: date, household_ref: str = "pk"):
    """A household's official status on `day`: its latest status change on or before it.

    A household with no recorded change at all (saved before the history was
    kept) has its current status from `status_since` on. NULL when the
    household was not on the registry yet.
    """
    changes = StatusChange.objects.filter(household_id=OuterRef(household_ref))
    latest = changes.filter(effective_on__lte=day).order_by("-effective_on", "-id").values("to_status")[:1]
    prefix = "" if household_ref == "pk" else household_ref.removesuffix("_id") + "__"
    return Case(
        When(Exists(changes), then=Subquery(latest)),
        When(**{f"{prefix}status_since__lte": day}, then=F(f"{prefix}status")),
        default=Value(None),
        output_field=CharField(),
    )


def persons_on(day: date):
    """The household's persons on `day`: its members now, and those who left it after that day."""
    members = (
        Member.objects.filter(household_id=OuterRef("pk"))
        .order_by()
        .values("household_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    left_later = (
        MemberRemoval.objects.filter(household_id=OuterRef("pk"), left_on__gt=day)
        .order_by()
        .values("household_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0) + Coalesce(
        Subquery(left_later, output_field=IntegerField()), 0
    )


def class_counts(households, day: date, group_by: str) -> dict[tuple[int, str], tuple[int, int]]:
    """{(unit id, status): (households, persons)} for the poor, near-poor and average households on `day`. One query."""
    rows = (
        households.order_by()
        .annotate(status_then=status_on(day), persons_then=persons_on(day))
        .filter(status_then__in=CLASSES)
        .values(group_by, "status_then")
        .annotate(households_n=Count("pk"), persons_n=Sum("persons_then"))
    )
    return {(row[group_by], row["status_then"]): (row["households_n"], row["persons_n"] or 0) for row in rows}


# --- The official results table -----------------------------------------------------


@dataclass
class ResultRow:
    """One line of “Tổng hợp kết quả chính thức”: columns 1–14 (rates as Decimal, None without a base)."""

    number: str
    label: str
    total_households: int | None
    total_persons: int | None
    households: dict = field(default_factory=dict)  # status -> count
    persons: dict = field(default_factory=dict)
    is_total: bool = False

    def add(self, other: "ResultRow") -> None:
        for status in CLASSES:
            self.households[status] = self.households.get(status, 0) + other.households.get(status, 0)
            self.persons[status] = self.persons.get(status, 0) + other.persons.get(status, 0)

    @property
    def columns(self) -> list:
        """The 14 numbered columns in order: 1, 2, then households (n, %) × 3, persons (n, %) × 3."""
        values = [self.total_households, self.total_persons]
        for status in CLASSES:
            count = self.households.get(status, 0)
            values += [count, percent(count, self.total_households or 0)]
        for status in CLASSES:
            count = self.persons.get(status, 0)
            values += [count, percent(count, self.total_persons or 0)]
        return values


# Column headings of the official table: (number, formula) as the province's form writes them.
RESULT_COLUMN_FORMULAS = ["1", "2", "3", "4 = 3/1×100", "5", "6 = 5/1×100", "7", "8 = 7/1×100",
                          "9", "10 = 9/2×100", "11", "12 = 11/2×100", "13", "14 = 13/2×100"]  # fmt: skip


@dataclass
class ResultsTable:
    level: str  # "ward" or "upper"
    unit_name: str
    period: Period
    as_of: date
    unit_label: str  # heading of the first column: Khối / Phường
    rows: list[ResultRow]
    total: ResultRow
    missing_population: list[str]

    @property
    def title(self) -> str:
        return _("Official results of the review of poor, near-poor and average-living-standard households")

    @property
    def all_rows(self) -> list[ResultRow]:
        return [*self.rows, self.total]


def _population_by_khoi(khois: list[Khoi], year: int) -> dict[int, KhoiPopulation]:
    figures = KhoiPopulation.objects.filter(khoi__in=[k.pk for k in khois], year=year)
    return {figure.khoi_id: figure for figure in figures}


def _sum_or_none(values) -> int | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def ward_results(ward: Ward, period: Period) -> ResultsTable:
    """A row per khối of the ward and the ward's total, on the last day of the period. Three queries."""
    day = period.end
    khois = list(Khoi.objects.filter(ward=ward).order_by("position", "name"))
    population = _population_by_khoi(khois, period.year)
    counts = class_counts(Household.objects.filter(ward=ward), day, "khoi_id")
    rows = []
    for number, khoi in enumerate(khois, start=1):
        figure = population.get(khoi.pk)
        row = ResultRow(
            number=str(number),
            label=khoi.name,
            total_households=figure.households if figure else None,
            total_persons=figure.persons if figure else None,
        )
        for status in CLASSES:
            row.households[status], row.persons[status] = counts.get((khoi.pk, status), (0, 0))
        rows.append(row)
    total = ResultRow(
        number="",
        label=_("Whole ward"),
        total_households=_sum_or_none(r.total_households for r in rows),
        total_persons=_sum_or_none(r.total_persons for r in rows),
        is_total=True,
    )
    for row in rows:
        total.add(row)
    missing = [khoi.name for khoi in khois if khoi.pk not in population]
    return ResultsTable("ward", ward.name, period, day, _("Khối"), rows, total, missing)


def upper_results(upper_unit, period: Period) -> ResultsTable:
    """A row per ward under the upper-level unit and the total. Four queries."""
    day = period.end
    wards = list(Ward.objects.filter(upper_unit=upper_unit).order_by("name"))
    khois = list(
        Khoi.objects.filter(ward__in=[w.pk for w in wards]).select_related("ward").order_by("position", "name")
    )
    population = _population_by_khoi(khois, period.year)
    counts = class_counts(Household.objects.filter(ward__in=[w.pk for w in wards]), day, "ward_id")
    rows = []
    missing = []
    for number, ward in enumerate(wards, start=1):
        ward_khois = [k for k in khois if k.ward_id == ward.pk]
        figures = [population.get(k.pk) for k in ward_khois]
        missing += [f"{ward.name}: {k.name}" for k in ward_khois if k.pk not in population]
        row = ResultRow(
            number=str(number),
            label=ward.name,
            total_households=_sum_or_none(f.households if f else None for f in figures) if ward_khois else None,
            total_persons=_sum_or_none(f.persons if f else None for f in figures) if ward_khois else None,
        )
        if not ward_khois:
            missing.append(_("%(ward)s: no khối") % {"ward": ward.name})
        for status in CLASSES:
            row.households[status], row.persons[status] = counts.get((ward.pk, status), (0, 0))
        rows.append(row)
    total = ResultRow(
        number="",
        label=_("Total"),
        total_households=_sum_or_none(r.total_households for r in rows),
        total_persons=_sum_or_none(r.total_persons for r in rows),
        is_total=True,
    )
    for row in rows:
        total.add(row)
    return ResultsTable("upper", upper_unit.name, period, day, _("Ward"), rows, total, missing)


def results_report_table(table: ResultsTable) -> ReportTable:
    """The official results as the province's form lays them out (columns 1–14)."""
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(table.unit_label, rowspan=2),
            HeaderCell(_("Total households"), rowspan=2),
            HeaderCell(_("Total persons"), rowspan=2),
            HeaderCell(_("Poor households"), colspan=2),
            HeaderCell(_("Near-poor households"), colspan=2),
            HeaderCell(_("Average-living-standard households"), colspan=2),
            HeaderCell(_("Persons of poor households"), colspan=2),
            HeaderCell(_("Persons of near-poor households"), colspan=2),
            HeaderCell(_("Persons of average-living-standard households"), colspan=2),
        ],
        [HeaderCell(text) for _i in range(3) for text in (_("Households"), _("Rate (%)"))]
        + [HeaderCell(text) for _i in range(3) for text in (_("Persons"), _("Rate (%)"))],
    ]
    rows = [TableRow(r.number, r.label, r.columns, is_total=r.is_total) for r in table.all_rows]
    notes = []
    if table.missing_population:
        notes.append(
            _("Missing population figures for %(year)s (total households and persons, entered by the ward): %(names)s.")
            % {"year": table.period.year, "names": ", ".join(table.missing_population)}
        )
    return ReportTable(
        key="ket-qua",
        title=table.title,
        subtitle=_("%(unit)s, as of %(date)s") % {"unit": table.unit_name, "date": table.as_of.strftime("%d/%m/%Y")},
        header_rows=header,
        column_numbers=["A", "B", *RESULT_COLUMN_FORMULAS],
        rows=rows,
        notes=notes,
    )
