"""The other review-result tables (docs/reports.md): target groups and ethnicity from the registry,
deprivations and causes from the recognised reviews.

Target groups: two aggregate queries (households, persons) grouped by unit and
by the class on the period's last day. Deprivations and causes: one aggregate
query over each household's latest recognised review among those that set the
classes of the period's year (a count per indicator and per cause, the lists
asked in the database), one for the children of those households, and two for
the standard and its indicators.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import NotSupportedError, connection
from django.db.models import BooleanField, Case, Count, F, Func, IntegerField, Q, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from households.models import Household, Khoi, Ward
from households.rules import CHILD_AGE_LIMIT, Gender, Status, add_months, percent
from households.selectors import persons_on_rows, status_on
from households.vocab import MAJORITY_ETHNICITY, Ethnicity

from .periods import Period
from .results import target_counts
from .tables import HeaderCell, ReportTable, TableRow

CLASSES = (Status.POOR, Status.NEAR_POOR)
MINORITIES = [value for value in Ethnicity.values if value != MAJORITY_ETHNICITY]


@dataclass
class Units:
    """The rows of a table: (unit id, number, name), and how households, members and reviews name their unit."""

    level: str
    name: str
    rows: list[tuple[int, str, str]]
    households: object  # QuerySet of the households counted
    household_unit: str  # "khoi_id" or "ward_id"

    @property
    def unit_label(self) -> str:
        return _("Khối") if self.level == "ward" else _("Ward")


def ward_units(ward: Ward) -> Units:
    khois = Khoi.objects.filter(ward=ward).order_by("position", "name")
    rows = [(k.pk, str(i), k.name) for i, k in enumerate(khois, start=1)]
    return Units("ward", ward.name, rows, Household.objects.filter(ward=ward), "khoi_id")


def upper_units(upper_unit) -> Units:
    wards = Ward.objects.filter(upper_unit=upper_unit).order_by("name")
    rows = [(w.pk, str(i), w.name) for i, w in enumerate(wards, start=1)]
    households = Household.objects.filter(ward__in=[pk for pk, _n, _name in rows])
    return Units("upper", upper_unit.name, rows, households, "ward_id")


def _with_total(units: Units, values: dict, width: int) -> list[TableRow]:
    rows, total = [], [0] * width
    for unit_id, number, name in units.rows:
        row = values.get(unit_id, [0] * width)
        total = [a + b for a, b in zip(total, row, strict=True)]
        rows.append(TableRow(number, name, row))
    rows.append(TableRow("", pgettext("table row", "Total"), total, is_total=True))
    return rows


# --- Target groups and ethnicity ------------------------------------------------------


def target_groups_table(units: Units, period: Period) -> ReportTable:
    """Poor and near-poor households by priority group, and their persons by group and ethnicity."""
    day = period.end
    values: dict[int, list[int]] = {}
    for (unit, status), counts in target_counts(units.households, day, units.household_unit).items():
        if status not in CLASSES:
            continue
        offset = 0 if status == Status.POOR else 3
        values.setdefault(unit, [0] * 11)[offset : offset + 3] = list(counts)
    for unit, persons in _target_persons(units, day):
        values.setdefault(unit, [0] * 11)[6:11] = persons
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(units.unit_label, rowspan=2),
            HeaderCell(_("Poor households"), colspan=3),
            HeaderCell(_("Near-poor households"), colspan=3),
            HeaderCell(_("Persons of poor and near-poor households"), colspan=5),
        ],
        [
            *[
                HeaderCell(t)
                for _i in range(2)
                for t in (_("Total"), _("Ethnic minority"), _("With a person with merit"))
            ],
            HeaderCell(_("Total")),
            HeaderCell(_("Children under 16")),
            HeaderCell(_("Persons with a disability")),
            HeaderCell(_("Women")),
            HeaderCell(_("Ethnic minority persons")),
        ],
    ]
    return ReportTable(
        key="doi-tuong",
        title=_("Poor and near-poor households by target group and ethnicity"),
        subtitle=_("%(unit)s, as of %(date)s") % {"unit": units.name, "date": day.strftime("%d/%m/%Y")},
        header_rows=header,
        column_numbers=["A", "B", *(str(n) for n in range(1, 12))],
        rows=_with_total(units, values, 11),
        notes=[
            _(
                "Persons: those of the households of that class on that day, their members now and those who "
                "left after that day (not those entered by mistake)."
            )
        ],
    )


def _target_persons(units: Units, day) -> list[tuple[int, list[int]]]:
    """(unit, [persons, children under 16, with a disability, women, of an ethnic minority]) of the poor and
    near-poor households on `day`: their persons on that day as `persons_on` counts them (`persons_on_rows`).
    One statement: the class is worked out once per household, then joined to its persons."""
    counted = (
        units.households.order_by()
        .annotate(status_then=status_on(day))
        .filter(status_then__in=CLASSES)
        .values(row_household=F("pk"), row_unit=F(units.household_unit))
    )
    persons = persons_on_rows(
        day,
        child=Q(birth_date__gt=add_months(day, -12 * CHILD_AGE_LIMIT), birth_date__lte=day),
        disabled=Q(is_disabled=True),
        woman=Q(gender=Gender.FEMALE),
        minority=Q(ethnicity__in=MINORITIES),
    )
    flags = ["child", "disabled", "woman", "minority"]
    return [
        (unit, [int(value or 0) for value in counts])
        for unit, *counts in _join_persons(counted, persons, ["o.row_unit"], [f"p.{flag}" for flag in flags])
    ]


def _join_persons(outer, persons: tuple, keys: list[str], summed: list[str]) -> list[tuple]:
    """(*keys, persons, *sums of `summed`) over the rows of `outer` (a values queryset with `row_household`)
    joined to their persons (the two parts of `persons_on_rows`), grouped by `keys`: one statement. The outer
    rows are worked out once (a WITH query both parts join), each part joined as a table so that PostgreSQL
    reaches the members through their household index."""
    outer_sql, params = outer.query.sql_with_params()
    params = list(params)
    columns = ", ".join([*keys, *(f"{column} AS s{i}" for i, column in enumerate(summed))])
    arms = []
    for part in persons:
        part_sql, part_params = part.query.sql_with_params()
        arms.append(f"SELECT {columns} FROM o JOIN ({part_sql}) p ON p.household_id = o.row_household")  # noqa: S608
        params += part_params
    names = [key.split(".")[-1] for key in keys]
    sums = "".join(f", SUM(x.s{i})" for i in range(len(summed)))
    sql = (
        f"WITH o AS ({outer_sql}) SELECT {', '.join(f'x.{name}' for name in names)}, COUNT(*){sums} "  # noqa: S608
        f"FROM ({' UNION ALL '.join(arms)}) x GROUP BY {', '.join(f'x.{name}' for name in names)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Deprivations and causes (recognised reviews) --------------------------------------------


@dataclass
class ReviewFigures:
    indicators: list[tuple[str, str]]  # (code, name) in the standard's order
    standard_name: str
    # (status, unit id) -> households, deprivation Counter, cause Counter
    households: Counter = field(default_factory=Counter)
    deprivations: dict = field(default_factory=dict)
    causes: dict = field(default_factory=dict)
    reviews: int = 0
    # (status, unit id) -> children under 16 in those households, and per indicator those in a deprived one
    children: Counter = field(default_factory=Counter)
    children_deprived: dict = field(default_factory=dict)


class JSONListHas(Func):
    """True when the JSON list in `field` holds the string `value`: one portable condition for an aggregate's filter.

    PostgreSQL asks the jsonb column `@> '["value"]'`; SQLite looks through the
    list with json_each. A value the list holds twice is one match, as a set.
    """

    output_field = BooleanField()

    def __init__(self, field: str, value: str):
        super().__init__(F(field))
        self.value = value

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"({sql} @> %s::jsonb)", (*params, json.dumps([self.value]))
        if connection.vendor == "sqlite":
            sql = f"EXISTS (SELECT 1 FROM json_each({sql}) WHERE json_each.value = %s)"  # noqa: S608 - a column
            return sql, (*params, self.value)
        raise NotSupportedError(f"JSONListHas is not written for {connection.vendor}")


def _count_with(column: str, value: str, counted: str = "pk"):
    return Count(counted, filter=Q(JSONListHas(column, value)))


def review_figures(units: Units, period: Period) -> ReviewFigures | None:
    """Each household's latest recognised review in the period's window, counted in the database.

    None without a standard for the period's year. The window is the periodic
    review of the year before (it sets this year's classes) and the regular
    reviews of this year up to the period's last month. A household reviewed
    more than once there counts once, by its latest recognised review: the one
    whose decision was signed last (then the later decision, then the later
    review). Only if that review recognised it poor or near-poor is it
    counted, with that review's deprivations and causes (docs/reports.md,
    "Deprivations and causes").

    Two aggregate queries whatever the number of reviews (and two for the
    standard and its indicators): the reviews grouped by unit and class with a
    count per indicator and per cause, and their households' children grouped
    the same way with a count per indicator. The latest review is the first of
    its household's reviews ranked by a window function (ROW_NUMBER), the list
    items are asked with `JSONListHas`.
    """
    from reviews.models import CampaignKind, Cause, Review, ReviewState, Standard

    standard = (
        Standard.objects.filter(year_from__lte=period.year, year_to__gte=period.year)
        .prefetch_related("indicators")
        .first()
    )
    if standard is None:
        return None
    figures = ReviewFigures([(i.code, i.name) for i in standard.indicators.all()], standard.name)
    codes = [code for code, _name in figures.indicators]
    review_unit = "khoi_id" if units.level == "ward" else "campaign__ward_id"
    unit_ids = [pk for pk, _n, _name in units.rows]
    in_window = Review.objects.filter(state=ReviewState.RECOGNISED).filter(
        Q(campaign__kind=CampaignKind.PERIODIC, campaign__year=period.year - 1)
        | Q(campaign__kind=CampaignKind.REGULAR, campaign__year=period.year, campaign__month__lte=period.last_month)
    )
    # Each household's reviews in the window ranked in one sort (a window function), not a subquery per review:
    # that subquery joined the campaigns and decisions again for each of 50,000 reviews, most of the figures'
    # time. Ranked among all its reviews in the window, whichever unit they name, as the subquery did.
    reviewed_here = in_window.filter(**{f"{review_unit}__in": unit_ids}).values("household_id")
    latest = (
        in_window.filter(household_id__in=reviewed_here)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("household_id")],
                order_by=[F("decision__signed_on").desc(), F("decision_id").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values("id")
    )
    reviews = in_window.filter(id__in=latest, **{f"{review_unit}__in": unit_ids}).order_by()
    # Every class grouped (the reviews that took a household out of both are counted in `reviews` too).
    rows = reviews.values(review_unit, "proposed_status").annotate(
        n=Count("pk"),
        **{f"d{i}": _count_with("deprivations", code) for i, code in enumerate(codes)},
        **{f"c{i}": _count_with("causes", value) for i, value in enumerate(Cause.values)},
    )
    for row in rows:
        figures.reviews += row["n"]
        if row["proposed_status"] not in CLASSES:
            continue  # their latest review took them out of both classes
        key = (row["proposed_status"], row[review_unit])
        figures.households[key] = row["n"]
        figures.deprivations[key] = Counter({code: row[f"d{i}"] for i, code in enumerate(codes)})
        figures.causes[key] = Counter({value: row[f"c{i}"] for i, value in enumerate(Cause.values)})
    children = _review_children(reviews, review_unit, codes, period.end)
    for unit, status, n, *deprived in children:
        figures.children[(status, unit)] = int(n)
        figures.children_deprived[(status, unit)] = Counter(
            {code: int(d or 0) for code, d in zip(codes, deprived, strict=True)}
        )
    return figures


def _review_children(reviews, review_unit: str, codes: list[str], day) -> list[tuple]:
    """(unit, class, children, children in a household deprived of each indicator) of the poor and near-poor
    households' latest reviews: the children under 16 on `day` among the household's persons on that day, as
    `persons_on` counts them (`persons_on_rows`). One statement, the reviews joined to those persons."""
    counted = (
        reviews.filter(proposed_status__in=CLASSES)
        .annotate(
            **{
                f"row_d{i}": Case(
                    When(JSONListHas("deprivations", code), then=1), default=0, output_field=IntegerField()
                )
                for i, code in enumerate(codes)
            }
        )
        .values(
            *(f"row_d{i}" for i in range(len(codes))),
            row_unit=F(review_unit),
            row_status=F("proposed_status"),
            row_household=F("household_id"),
        )
    )
    children = persons_on_rows(day, where=Q(birth_date__gt=add_months(day, -12 * CHILD_AGE_LIMIT), birth_date__lte=day))
    return _join_persons(counted, children, ["o.row_unit", "o.row_status"], [f"o.row_d{i}" for i in range(len(codes))])


def deprivations_table(units: Units, period: Period, figures: ReviewFigures, status: str) -> ReportTable:
    """Per unit: households, the total of their deprivations, the count per indicator, and a row of shares."""
    codes = [code for code, _name in figures.indicators]
    width = 2 + len(codes)
    rows, total_counts, total_households = [], Counter(), 0
    for unit_id, number, name in [*units.rows, (None, "", pgettext("table row", "Total"))]:
        if unit_id is None:
            households, counts, is_total = total_households, total_counts, True
        else:
            households = figures.households.get((status, unit_id), 0)
            counts = figures.deprivations.get((status, unit_id), Counter())
            total_households += households
            total_counts.update(counts)
            is_total = False
        values = [households, sum(counts[c] for c in codes), *(counts[c] for c in codes)]
        rows.append(TableRow(number, name, values, is_total))
        shares = [None, None, *(percent(counts[c], households) for c in codes)]
        rows.append(TableRow("", _("%(unit)s: share (%%)") % {"unit": name}, shares, is_total, True))
    poor = status == Status.POOR
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(units.unit_label, rowspan=2),
            HeaderCell(_("Poor households") if poor else _("Near-poor households"), rowspan=2),
            HeaderCell(_("Total deprivations"), rowspan=2),
            HeaderCell(_("Deprived households per indicator"), colspan=len(codes)),
        ],
        [HeaderCell(f"{i}. {name}") for i, (_code, name) in enumerate(figures.indicators, start=1)],
    ]
    numbers = ["A", "B", "1", f"2 = {'+'.join(str(n) for n in range(3, width + 1))}" if codes else "2"]
    numbers += [str(n) for n in range(3, width + 1)]
    return ReportTable(
        key="thieu-hut-ho-ngheo" if poor else "thieu-hut-ho-can-ngheo",
        title=_("Deprivations of poor households") if poor else _("Deprivations of near-poor households"),
        subtitle=_("%(unit)s, households recognised for %(year)s (%(standard)s)")
        % {"unit": units.name, "year": period.year, "standard": figures.standard_name},
        header_rows=header,
        column_numbers=numbers,
        rows=rows,
        notes=[_("Shares: deprived households over the households of the row, in %.")],
    )


def children_table(units: Units, period: Period, figures: ReviewFigures) -> ReportTable:
    """Children under 16 of poor and near-poor households, and per indicator those living in a deprived household.

    The reviews record deprivations per household, not per person: which child
    is stunted or out of school is not known (docs/reports.md, "Deprivations of
    children"), so a child counts under an indicator when its household is
    deprived on it.
    """
    codes = [code for code, _name in figures.indicators]
    width = 2 + len(codes)
    values: dict[int, list[int]] = {}
    for (status, unit_id), n in figures.children.items():
        row = values.setdefault(unit_id, [0] * width)
        counts = figures.children_deprived.get((status, unit_id), Counter())
        row[0] += n
        row[1] += n if status == Status.POOR else 0
        for i, code in enumerate(codes):
            row[2 + i] += counts[code]
    rows = []
    for row in _with_total(units, values, width):
        rows.append(row)
        children = row.values[0]
        shares = [None, None, *(percent(v, children) for v in row.values[2:])]
        rows.append(TableRow("", _("%(unit)s: share (%%)") % {"unit": row.label}, shares, row.is_total, True))
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(units.unit_label, rowspan=2),
            HeaderCell(_("Children under 16 of poor and near-poor households"), rowspan=2),
            HeaderCell(_("Of them in poor households"), rowspan=2),
            HeaderCell(_("Children living in a household deprived of the indicator"), colspan=len(codes)),
        ],
        [HeaderCell(f"{i}. {name}") for i, (_code, name) in enumerate(figures.indicators, start=1)],
    ]
    return ReportTable(
        key="thieu-hut-tre-em",
        title=_("Deprivations of children"),
        subtitle=_("%(unit)s, children under 16 on %(date)s of the households recognised for %(year)s")
        % {"unit": units.name, "date": period.end.strftime("%d/%m/%Y"), "year": period.year},
        header_rows=header,
        column_numbers=["A", "B", *(str(n) for n in range(1, width + 1))],
        rows=rows,
        notes=[
            _(
                "The reviews record deprivations per household, not per child: a child counts under an indicator "
                "when its household is deprived of it. Children: under 16 on that day, among the household's "
                "members now and those who left after that day (not those entered by mistake)."
            ),
            _("Shares: over the children of the row, in %."),
        ],
    )


def causes_table(units: Units, period: Period, figures: ReviewFigures) -> ReportTable:
    from reviews.models import Cause

    causes = list(Cause.choices)
    rows = []
    totals = {status: [0] * (1 + len(causes)) for status in CLASSES}
    for unit_id, number, name in units.rows:
        for status in CLASSES:
            counts = figures.causes.get((status, unit_id), Counter())
            values = [figures.households.get((status, unit_id), 0), *(counts[value] for value, _label in causes)]
            totals[status] = [a + b for a, b in zip(totals[status], values, strict=True)]
            label = _("%(unit)s: poor") if status == Status.POOR else _("%(unit)s: near-poor")
            rows.append(
                TableRow(
                    number if status == Status.POOR else "",
                    label % {"unit": name},
                    values,
                    False,
                    status != Status.POOR,
                )
            )
    for status in CLASSES:
        label = _("%(unit)s: poor") if status == Status.POOR else _("%(unit)s: near-poor")
        rows.append(
            TableRow("", label % {"unit": pgettext("table row", "Total")}, totals[status], True, status != Status.POOR)
        )
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(units.unit_label, rowspan=2),
            HeaderCell(_("Households"), rowspan=2),
            HeaderCell(_("Causes of poverty (a household may have several)"), colspan=len(causes)),
        ],
        [HeaderCell(str(label)) for _value, label in causes],
    ]
    return ReportTable(
        key="nguyen-nhan",
        title=_("Poor and near-poor households by cause of poverty"),
        subtitle=_("%(unit)s, households recognised for %(year)s") % {"unit": units.name, "year": period.year},
        header_rows=header,
        column_numbers=["A", "B", *(str(n) for n in range(1, len(causes) + 2))],
        rows=rows,
    )


def analysis_tables(units: Units, period: Period) -> list[ReportTable]:
    tables = [target_groups_table(units, period)]
    figures = review_figures(units, period)
    if figures is not None:
        review_tables = [
            deprivations_table(units, period, figures, Status.POOR),
            deprivations_table(units, period, figures, Status.NEAR_POOR),
            children_table(units, period, figures),
            causes_table(units, period, figures),
        ]
        if not figures.reviews:
            for table in review_tables:
                table.notes.insert(
                    0,
                    _("No recognised review sets the classes of %(year)s yet: the table is empty.")
                    % {"year": period.year},
                )
        tables += review_tables
    return tables
