"""The review-result tables (docs/reports.md): counted from the registry as of a day, a row per khối or per ward.

Each table is computed with a fixed number of aggregate queries whatever the
number of households: the households grouped by unit and by their status on
the day (the latest status change on or before it), with the persons of each
household summed in the same query; the ward's population figures in one more.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from households.models import Household, Khoi, Member, StatusChange, Ward
from households.rules import Status, percent
from households.selectors import left_after, persons_on, status_on

from . import rules
from .models import KhoiPopulation
from .periods import Period
from .tables import Attention, HeaderCell, ReportTable, TableRow

CLASSES = (Status.POOR, Status.NEAR_POOR, Status.AVERAGE)


_shared_counts: ContextVar[dict | None] = ContextVar("shared_class_counts", default=None)


@contextmanager
def shared_class_counts(counts: dict | None = None):
    """Inside the block, `class_counts` of the same households, day and grouping is counted once.

    The tables and the charts of one report ask for the same counts (the end of
    the period for the official table, the movements and the trend); pass the
    dict yielded by one block to a later one to keep sharing them.
    """
    counts = {} if counts is None else counts
    token = _shared_counts.set(counts)
    try:
        yield counts
    finally:
        _shared_counts.reset(token)


def class_counts(
    households, day: date, group_by: str, *, persons: bool = True
) -> dict[tuple[int, str], tuple[int, int]]:
    """{(unit id, status): (households, persons)} for the poor, near-poor and average households on `day`. One query.

    Every class is grouped and the other classes dropped here: a filter on the
    class would make the database work it out twice per household (in WHERE
    and in GROUP BY). `persons=False` leaves the persons out (0), for counts
    of households alone (the trend chart).
    """
    shared = _shared_counts.get()
    key = (str(households.query), day, group_by)
    if shared is not None and (key, True) in shared:
        return shared[(key, True)]
    if shared is not None and not persons and (key, False) in shared:
        return shared[(key, False)]
    totals = {"households_n": Count("pk")}
    if persons:
        totals["persons_n"] = Sum(persons_on(day))
    rows = households.order_by().annotate(status_then=status_on(day)).values(group_by, "status_then").annotate(**totals)
    counts = {
        (row[group_by], row["status_then"]): (row["households_n"], row.get("persons_n") or 0)
        for row in rows
        if row["status_then"] in CLASSES
    }
    if shared is not None:
        shared[(key, persons)] = counts
    return counts


@dataclass
class PeriodCounts:
    """The class counts of a period's two days and its target groups, from one pass over the households."""

    start: dict  # class_counts on the day before the period
    end: dict  # class_counts on its last day
    # {(unit id, status): (households, ethnic minority, with a person with merit)} on the last day
    targets: dict


def period_counts(households, period: Period, group_by: str) -> PeriodCounts:
    """The class counts on the day before the period and on its last day, and the target groups: one query.

    Each household's class on both days, grouped by unit and by both classes,
    its members counted once for both days' persons (a member who left after
    the day still counts on it, `persons_on`). Inside `shared_class_counts`
    the counts are kept for `class_counts` of either day and for
    `target_counts`, so that a report's official table, movements and target
    groups make this one pass instead of one each.
    """
    shared = _shared_counts.get()
    keys = {
        "start": ((str(households.query), period.before_start, group_by), True),
        "end": ((str(households.query), period.end, group_by), True),
        "targets": ((str(households.query), period.end, group_by), "targets"),
    }
    if shared is not None and all(key in shared for key in keys.values()):
        return PeriodCounts(**{name: shared[key] for name, key in keys.items()})
    rows = _period_rows(households, period, group_by)
    start, end, targets = {}, {}, {}

    def add(counts, key, values):
        counts[key] = tuple(a + b for a, b in zip(counts.get(key, (0,) * len(values)), values, strict=True))

    for unit, status_start, status_end, households_n, members_n, left_start, left_end, minority, merit in rows:
        households_n, members_n, minority, merit = int(households_n), int(members_n or 0), int(minority), int(merit)
        if status_start in CLASSES:
            add(start, (unit, status_start), (households_n, members_n + int(left_start or 0)))
        if status_end in CLASSES:
            add(end, (unit, status_end), (households_n, members_n + int(left_end or 0)))
            add(targets, (unit, status_end), (households_n, minority, merit))
    counts = PeriodCounts(start, end, targets)
    if shared is not None:
        for name, key in keys.items():
            shared[key] = getattr(counts, name)
    return counts


def _period_rows(households, period: Period, group_by: str) -> list[tuple]:
    """(unit, class on the day before, class on the last day, households, members, removed after the day before,
    removed after the last day, ethnic minority, with merit) grouped by the first three: one statement without a
    probe per household.

    Each household's class on both days from its status changes' spans (a change holds until its next one,
    LEAD in the order `status_on` reads them), or without any change its status from `status_since` on; its
    members counted once (GROUP BY household) and its removals after each day in one more grouping, both
    joined to the households; a member who left after a day still counts on it, unless entered by mistake
    (`persons_on`, `left_after`).
    """
    from django.db import connection
    from django.db.models.functions import Lead

    before, last = period.before_start, period.end
    ids = households.order_by().values("pk")
    spans = (
        StatusChange.objects.filter(household__in=ids)
        .order_by()
        .annotate(
            until=Window(Lead("effective_on"), partition_by=[F("household_id")], order_by=[F("effective_on"), F("id")])
        )
        .values("household_id", "to_status", "effective_on", "until")
    )
    units = households.order_by().values(
        hid=F("pk"), unit=F(group_by), minority=F("ethnic_minority"), merit=F("has_merit_person"),
        current=F("status"), since=F("status_since"),
    )  # fmt: skip
    members = Member.objects.filter(household__in=ids).order_by().values("household_id")
    # Those who left after the day before (a mistaken entry never counts, `left_after`), then after the last day.
    removals = left_after(before).filter(household__in=ids).order_by().values("household_id", "left_on")
    compiled = [query.query.sql_with_params() for query in (units, spans, members, removals)]
    (
        (units_sql, units_params),
        (spans_sql, spans_params),
        (members_sql, members_params),
        (removals_sql, removals_params),
    ) = compiled
    on_day = "MAX(CASE WHEN effective_on <= %s AND (until IS NULL OR until > %s) THEN to_status END)"
    class_on = "CASE WHEN c.household_id IS NULL THEN CASE WHEN h.since <= %s THEN h.current END ELSE c.{day} END"
    sql = (
        f"SELECT unit, status_start, status_end, COUNT(*), SUM(members), SUM(left_start), SUM(left_end), "  # noqa: S608
        f"SUM(minority), SUM(merit) FROM ("
        f"SELECT h.unit AS unit, {class_on.format(day='on_start')} AS status_start, "
        f"{class_on.format(day='on_end')} AS status_end, COALESCE(m.n, 0) AS members, "
        f"COALESCE(r.left_start, 0) AS left_start, COALESCE(r.left_end, 0) AS left_end, "
        f"CASE WHEN h.minority THEN 1 ELSE 0 END AS minority, "
        f"CASE WHEN h.merit THEN 1 ELSE 0 END AS merit "
        f"FROM ({units_sql}) h "
        f"LEFT JOIN (SELECT household_id, {on_day} AS on_start, {on_day} AS on_end "
        f"FROM ({spans_sql}) spans GROUP BY household_id) c ON c.household_id = h.hid "
        f"LEFT JOIN (SELECT household_id, COUNT(*) AS n FROM ({members_sql}) members GROUP BY household_id) m "
        f"ON m.household_id = h.hid "
        f"LEFT JOIN (SELECT household_id, COUNT(*) AS left_start, "
        f"SUM(CASE WHEN left_on > %s THEN 1 ELSE 0 END) AS left_end FROM ({removals_sql}) removals "
        f"GROUP BY household_id) r ON r.household_id = h.hid"
        f") AS t GROUP BY unit, status_start, status_end"
    )
    params = [
        before, last,  # the classes of households without any change
        *units_params,
        before, before, last, last, *spans_params,
        *members_params,
        last, *removals_params,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def target_counts(households, day: date, group_by: str) -> dict[tuple[int, str], tuple[int, int, int]]:
    """{(unit id, status): (households, ethnic minority, with a person with merit)} on `day`. One query, none
    inside `shared_class_counts` after `period_counts` of a period ending on `day`."""
    shared = _shared_counts.get()
    key = ((str(households.query), day, group_by), "targets")
    if shared is not None and key in shared:
        return shared[key]
    # Every class grouped, the others skipped below: a filter would work the class out twice per household.
    rows = (
        households.order_by()
        .annotate(status_then=status_on(day))
        .values(group_by, "status_then")
        .annotate(
            n=Count("pk"),
            minority=Count("pk", filter=Q(ethnic_minority=True)),
            merit=Count("pk", filter=Q(has_merit_person=True)),
        )
    )
    counts = {
        (row[group_by], row["status_then"]): (row["n"], row["minority"], row["merit"])
        for row in rows
        if row["status_then"] in CLASSES
    }
    if shared is not None:
        shared[key] = counts
    return counts


def class_totals(households, days: list[date], group_by: str) -> dict[date, dict[str, int]]:
    """{day: {status: households}} over all the units, for several days: the days counted already (inside
    `shared_class_counts`) are read from those counts, the others counted in one query, a class column per
    day (a pass over the households each day took before)."""
    shared = _shared_counts.get()
    totals: dict[date, dict[str, int]] = {}
    for day in days:
        key = (str(households.query), day, group_by)
        for kind in (True, False):  # class_counts of that day, with or without the persons
            if shared is not None and (key, kind) in shared:
                totals[day] = {}
                for (_unit, status), (n, _persons) in shared[(key, kind)].items():
                    totals[day][status] = totals[day].get(status, 0) + n
                break
        else:
            if shared is not None and (key, "totals") in shared:
                totals[day] = shared[(key, "totals")]
    missing = [day for day in days if day not in totals]
    if missing:
        for day, counts in zip(missing, _classes_on_days(households, missing), strict=True):
            totals[day] = {status: n for status, n in counts.items() if status in CLASSES}
            if shared is not None:
                shared[((str(households.query), day, group_by), "totals")] = totals[day]
    return {day: totals[day] for day in days}


def _classes_on_days(households, days: list[date]) -> list[dict[str, int]]:
    """[{status: households}] on each of `days`, as `status_on` counts them, in one statement without a probe per
    household and day.

    Each status change holds from its day until the household's next change
    (LEAD over the household's changes in the order `status_on` reads them):
    it is the household's class on a day it covers. The households without
    any change have their current status from `status_since` on. Both are
    summed per status with a condition per day, in one statement (UNION ALL).
    """
    from django.db import connection
    from django.db.models.functions import Lead

    spans = (
        StatusChange.objects.filter(household__in=households.order_by().values("pk"))
        .order_by()
        .annotate(
            until=Window(Lead("effective_on"), partition_by=[F("household_id")], order_by=[F("effective_on"), F("id")])
        )
        .values("to_status", "effective_on", "until")
    )
    unrecorded = (
        households.order_by()
        .filter(~Exists(StatusChange.objects.filter(household_id=OuterRef("pk"))))
        .values("status", "status_since")
    )
    spans_sql, spans_params = spans.query.sql_with_params()
    unrecorded_sql, unrecorded_params = unrecorded.query.sql_with_params()
    covered = ", ".join(
        f"SUM(CASE WHEN effective_on <= %s AND (until IS NULL OR until > %s) THEN 1 ELSE 0 END) AS on_{i}"
        for i in range(len(days))
    )
    since = ", ".join(f"SUM(CASE WHEN status_since <= %s THEN 1 ELSE 0 END) AS on_{i}" for i in range(len(days)))
    sql = (
        f"SELECT to_status, {covered} FROM ({spans_sql}) spans GROUP BY to_status "  # noqa: S608 - compiled queries
        f"UNION ALL SELECT status, {since} FROM ({unrecorded_sql}) unrecorded GROUP BY status"
    )
    params = [*[d for day in days for d in (day, day)], *spans_params, *days, *unrecorded_params]
    counts: list[dict[str, int]] = [{} for _day in days]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for status, *on_days in cursor.fetchall():
            for i, n in enumerate(on_days):
                if n:
                    counts[i][status] = counts[i].get(status, 0) + int(n)
    return counts


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
        label=pgettext("table row", "Total"),
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
            Attention(
                _(
                    "Missing population figures for %(year)s (total households and persons, entered by the ward): "
                    "%(names)s."
                )
                % {"year": table.period.year, "names": ", ".join(table.missing_population)}
            )
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


# --- Movements of the poor and of the near-poor ---------------------------------------------

MOVEMENT_CLASSES = (Status.POOR, Status.NEAR_POOR)


@dataclass
class MovementRows:
    """One unit's columns 1–9 in households and in persons, for one class."""

    households: dict = field(default_factory=dict)
    persons: dict = field(default_factory=dict)

    def add_to(self, other: "MovementRows") -> None:
        for column in range(1, 10):
            other.households[column] = other.households.get(column, 0) + self.households.get(column, 0)
            other.persons[column] = other.persons.get(column, 0) + self.persons.get(column, 0)


@dataclass
class MovementsTable:
    level: str
    unit_name: str
    period: Period
    status: str  # poor or near_poor
    units: list[tuple[str, str]]  # (number, name)
    rows: list[MovementRows]
    total: MovementRows


def movement_counts(households, period: Period, group_by: str) -> dict:
    """{(status, unit id): MovementRows} for the poor and near-poor tables. Three aggregate queries: the class
    counts of both days (`period_counts`, shared with the report's other tables), the changes, the households
    without any history.

    Households: start and end are the classes on the day before the period and
    on its last day; each status change inside the period that leaves or
    enters the class counts in the column `rules.movement_column` gives, and a
    household saved without any status history whose status began inside the
    period is an "other" increase. So end = start − decreases + increases.
    Persons: the persons of the household on the period's last day for each
    change; what persons joined or left households that kept their class
    (births, deaths, members who moved) is the remainder, counted as "other"
    (column 8 when it adds persons, 4 when it removes them). See docs/reports.md.
    """
    result: dict = {}

    def rows(status, unit) -> MovementRows:
        return result.setdefault((status, unit), MovementRows())

    counted = period_counts(households, period, group_by)
    start, end = counted.start, counted.end
    for (unit, status), (n, persons) in start.items():
        if status in MOVEMENT_CLASSES:
            rows(status, unit).households[rules.START] = n
            rows(status, unit).persons[rules.START] = persons
    for (unit, status), (n, persons) in end.items():
        if status in MOVEMENT_CLASSES:
            rows(status, unit).households[rules.END] = n
            rows(status, unit).persons[rules.END] = persons
    unit_of_change = f"household__{group_by.removesuffix('_id')}"
    changes = (
        StatusChange.objects.filter(household__in=households.order_by().values("pk"))
        .filter(effective_on__gte=period.start, effective_on__lte=period.end)
        .filter(Q(from_status__in=MOVEMENT_CLASSES) | Q(to_status__in=MOVEMENT_CLASSES))
        .exclude(from_status=F("to_status"))
        .order_by()
        .annotate(persons_then=persons_on(period.end, "household_id"))
        .values(unit_of_change, "from_status", "to_status", "movement")
        .annotate(n=Count("pk"), persons_n=Sum("persons_then"))
    )
    for change in changes:
        for status in MOVEMENT_CLASSES:
            column = rules.movement_column(
                status, from_status=change["from_status"], to_status=change["to_status"], movement=change["movement"]
            )
            if column is not None:
                target = rows(status, change[unit_of_change])
                target.households[column] = target.households.get(column, 0) + change["n"]
                target.persons[column] = target.persons.get(column, 0) + (change["persons_n"] or 0)
    unrecorded = (
        households.order_by()
        .filter(~Exists(StatusChange.objects.filter(household_id=OuterRef("pk"))))
        .filter(status__in=MOVEMENT_CLASSES, status_since__gte=period.start, status_since__lte=period.end)
        .annotate(persons_then=persons_on(period.end))
        .values(group_by, "status")
        .annotate(n=Count("pk"), persons_n=Sum("persons_then"))
    )
    for row in unrecorded:
        target = rows(row["status"], row[group_by])
        target.households[rules.OTHER_INCREASE] = target.households.get(rules.OTHER_INCREASE, 0) + row["n"]
        target.persons[rules.OTHER_INCREASE] = target.persons.get(rules.OTHER_INCREASE, 0) + (row["persons_n"] or 0)
    for target in result.values():
        remainder = target.persons.get(rules.END, 0) - rules.end_from(target.persons)
        column = rules.OTHER_INCREASE if remainder > 0 else rules.OTHER_DECREASE
        target.persons[column] = target.persons.get(column, 0) + abs(remainder)
    return result


def _movements(level, unit_name, period, units, counts) -> list[MovementsTable]:
    tables = []
    for status in MOVEMENT_CLASSES:
        rows = [counts.get((status, unit_id), MovementRows()) for unit_id, _number, _name in units]
        total = MovementRows()
        for row in rows:
            row.add_to(total)
        tables.append(
            MovementsTable(level, unit_name, period, status, [(n, name) for _i, n, name in units], rows, total)
        )
    return tables


def ward_movements(ward: Ward, period: Period) -> list[MovementsTable]:
    """The poor and the near-poor tables of a ward, a row pair per khối."""
    khois = list(Khoi.objects.filter(ward=ward).order_by("position", "name"))
    counts = movement_counts(Household.objects.filter(ward=ward), period, "khoi_id")
    units = [(k.pk, str(i), k.name) for i, k in enumerate(khois, start=1)]
    return _movements("ward", ward.name, period, units, counts)


def upper_movements(upper_unit, period: Period) -> list[MovementsTable]:
    wards = list(Ward.objects.filter(upper_unit=upper_unit).order_by("name"))
    counts = movement_counts(Household.objects.filter(ward__in=[w.pk for w in wards]), period, "ward_id")
    units = [(w.pk, str(i), w.name) for i, w in enumerate(wards, start=1)]
    return _movements("upper", upper_unit.name, period, units, counts)


MOVEMENT_COLUMN_FORMULAS = ["1", "2", "3", "4", "5", "6", "7", "8", "9 = 1−2−3−4+5+6+7+8"]


def movements_report_table(table: MovementsTable, unit_label: str) -> ReportTable:
    poor = table.status == Status.POOR
    title = _("Movements of poor households") if poor else _("Movements of near-poor households")
    if poor:
        decreases = (_("Escaped poverty, now near-poor"), _("Escaped above the near-poor line"), _("Other"))
        increases = (_("Near-poor who became poor"), _("Fallen back into poverty"), _("Newly arising"), _("Other"))
    else:
        decreases = (_("Became poor"), _("Escaped near-poverty"), _("Other"))
        increases = (_("Poor who became near-poor"), _("Fallen back into near-poverty"), _("Newly arising"), _("Other"))
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(unit_label, rowspan=2),
            HeaderCell(_("At the start of the period"), rowspan=2),
            HeaderCell(_("Decreases"), colspan=3),
            HeaderCell(_("Increases"), colspan=4),
            HeaderCell(_("At the end of the period"), rowspan=2),
        ],
        [HeaderCell(text) for text in (*decreases, *increases)],
    ]
    report_rows = []
    for (number, name), rows in [
        *zip(table.units, table.rows, strict=True),
        (("", pgettext("table row", "Total")), table.total),
    ]:
        is_total = number == ""
        report_rows.append(
            TableRow(
                number,
                _("%(unit)s: households") % {"unit": name},
                [rows.households.get(c, 0) for c in range(1, 10)],
                is_total,
            )
        )
        report_rows.append(
            TableRow(
                "",
                _("%(unit)s: persons") % {"unit": name},
                [rows.persons.get(c, 0) for c in range(1, 10)],
                is_total,
                True,
            )
        )
    return ReportTable(
        key="dien-bien-ho-ngheo" if poor else "dien-bien-ho-can-ngheo",
        title=title,
        subtitle=_("%(unit)s, from %(start)s to %(end)s")
        % {
            "unit": table.unit_name,
            "start": table.period.start.strftime("%d/%m/%Y"),
            "end": table.period.end.strftime("%d/%m/%Y"),
        },
        header_rows=header,
        column_numbers=["A", "B", *MOVEMENT_COLUMN_FORMULAS],
        rows=report_rows,
        notes=[
            _(
                "Persons: those of each household on the last day of the period; persons who joined or left "
                "households that kept their class (births, deaths, members who moved) are counted under “Other”."
            )
        ],
    )


def population_totals(khoi_ids: list[int], years) -> dict[int, int | None]:
    """{year: total households of these khối}, None for a year where a khối lacks its figure. One query."""
    years = list(years)
    sums = {year: [0, 0] for year in years}
    for row in (
        KhoiPopulation.objects.filter(khoi_id__in=khoi_ids, year__in=years)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"), households=Sum("households"))
    ):
        sums[row["year"]] = [row["n"], row["households"]]
    return {year: (total if n == len(khoi_ids) and khoi_ids else None) for year, (n, total) in sums.items()}
