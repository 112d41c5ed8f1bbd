"""The detailed lists of poor and near-poor households with their members (docs/reports.md, "Detailed lists").

A table per class, the households grouped by khối (for the upper level by ward,
then khối), each household a line (its code, one household, its persons) with
its members under it (relation to the head, year of birth, gender). The same
`ReportTable` goes to the page, the landscape PDF and the workbook.

A household's persons are those it had on the period's last day as far as the
registry knows (`_people`): its members now, and those who left it after that
day (a `MemberRemoval` keeps their name, birth date, gender and relation), each
marked with the day they left; one removed as entered by mistake is nobody's
person on any day and is not listed. The registry records no day a member joined, so a
member added after that day is listed too; `households.selectors.persons_on`,
which the review-result tables count, reads the same (docs/reports.md).

Three queries whatever the number of households: the households of either class
on the period's last day (with their khối and ward), their members, and those
who left them after that day.

The page shows one class at a time, 50 households a page (`lists_page`): one
aggregate query for the households and persons of every group and class (the
group lines and the class totals), one for the page's households, one for their
members and one for those who left them, whatever the number of households or
pages.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from households.models import Member, MemberRemoval
from households.rules import Gender, Status
from households.selectors import left_after, persons_on, status_on

from . import layout
from .analysis import CLASSES, Units, upper_units, ward_units
from .pdf import render_pdf
from .periods import Period
from .tables import HeaderCell, ReportTable, TableRow, write_workbook

GENDERS = dict(Gender.choices)
WIDTH = 6  # code, relation, year of birth, gender, households, persons


@dataclass
class DetailedLists:
    level: str  # "ward" or "upper"
    unit: object  # the Ward or UpperUnit
    period: Period
    document: layout.OfficialDocument
    tables: list[ReportTable]
    heading: list[str]
    household_ids: list[int]
    member_count: int

    @property
    def unit_name(self) -> str:
        return self.unit.name

    def filename(self, extension: str) -> str:
        return f"danh-sach-ho-{slugify(self.unit.name)}-{self.period.key}.{extension}".lower()


def _people(day) -> tuple[Prefetch, Prefetch]:
    """A household's persons on `day`: its members now (in their order), then those who left it after that day
    (in the order they left; not one entered by mistake, `left_after`), as `persons_on` counts them; `_persons`
    reads them back."""
    return (
        Prefetch("members", queryset=Member.objects.order_by("position", "pk")),
        Prefetch(
            "member_removals",
            queryset=left_after(day).order_by("left_on", "pk"),
            to_attr="left_later",
        ),
    )


def _persons(household) -> list:
    return [*household.members.all(), *household.left_later]


def _households(units: Units, period: Period) -> list:
    return list(
        units.households.annotate(status_then=status_on(period.end))
        .filter(status_then__in=CLASSES)
        .select_related("ward", "khoi")
        .prefetch_related(*_people(period.end))
        .order_by("ward__name", "khoi__position", "khoi__name", "name_key", "code")
    )


def _group_label(units: Units, household) -> str:
    if units.level == "ward":
        return household.khoi.name
    return f"{household.ward.name} – {household.khoi.name}"


def _household_rows(household, number: int) -> list[TableRow]:
    """The household's line (number, head, code, 1, its persons) and a line per person under it; one who has
    left the household since says when."""
    persons = _persons(household)
    rows = [TableRow(str(number), household.head_name, [household.code, None, None, None, 1, len(persons)])]
    for person in persons:
        year = str(person.birth_date.year) if person.birth_date else ""
        values = ["", person.relation, year, str(GENDERS.get(person.gender, "")), None, None]
        rows.append(TableRow("", _person_name(person), values, is_sub=True))
    return rows


def _person_name(person) -> str:
    if isinstance(person, MemberRemoval):
        # The translation joins its "ngày" to the date with a no-break space (docs/documents.md).
        return _("%(name)s (left on %(date)s)") % {"name": person.full_name, "date": f"{person.left_on:%d/%m/%Y}"}
    return person.full_name


def _list_table(units: Units, period: Period, households: list, status: str) -> ReportTable:
    rows: list[TableRow] = []
    group, group_row = None, None
    total = [None, None, None, None, 0, 0]
    for number, household in enumerate(households, start=1):
        label = _group_label(units, household)
        if label != group:
            group, group_row = label, TableRow("", label, [None, None, None, None, 0, 0], is_total=True)
            rows.append(group_row)
        rows += _household_rows(household, number)
        persons = len(_persons(household))
        for target in (group_row.values, total):
            target[4] += 1
            target[5] += persons
    rows.append(TableRow("", pgettext("table row", "Total"), total, is_total=True))
    return _table(units, period, status, rows)


def _table(units: Units, period: Period, status: str, rows: list[TableRow]) -> ReportTable:
    poor = status == Status.POOR
    header = [
        [
            HeaderCell(_("No.")),
            HeaderCell(_("Full name (the household's head, then its members)")),
            HeaderCell(_("Household code")),
            HeaderCell(_("Relation to the head")),
            HeaderCell(_("Year of birth")),
            HeaderCell(_("Gender")),
            HeaderCell(_("Households")),
            HeaderCell(_("Persons")),
        ]
    ]
    return ReportTable(
        key="danh-sach-ho-ngheo" if poor else "danh-sach-ho-can-ngheo",
        title=_("List of poor households and their members")
        if poor
        else _("List of near-poor households and their members"),
        subtitle=_("%(unit)s, households of that class on %(date)s")
        % {"unit": units.name, "date": period.end.strftime("%d/%m/%Y")},
        header_rows=header,
        column_numbers=["A", "B", *(str(n) for n in range(1, WIDTH + 1))],
        rows=rows,
        notes=[
            _(
                "Class: the household's official class on that day. Members: those on the registry now and "
                "those who left the household after that day (with the day they left); the registry keeps no "
                "day a member joined, so one added after that day is listed too. "
                "No ID numbers, ethnicity or disability of a person are listed."
            )
        ],
    )


def _build(level: str, unit, units: Units, period: Period, issuer: tuple, place: str, title: str) -> DetailedLists:
    households = _households(units, period)
    tables = [
        _list_table(units, period, [h for h in households if h.status_then == status], status) for status in CLASSES
    ]
    document = layout.OfficialDocument(
        issuer=issuer, place=place, on=timezone.localdate(), doc_type="", landscape=True, title=title
    )
    return DetailedLists(
        level,
        unit,
        period,
        document,
        tables,
        list(issuer),
        household_ids=[h.pk for h in households],
        member_count=sum(len(_persons(h)) for h in households),
    )


def ward_detailed_lists(ward, period: Period) -> DetailedLists:
    issuer = layout.ward_issuer(ward)
    title = f"Danh sách hộ nghèo, hộ cận nghèo {layout.ward_full_name(ward)} {period.key}"
    return _build("ward", ward, ward_units(ward), period, issuer, ward.name, title)


def upper_detailed_lists(unit, period: Period) -> DetailedLists:
    title = f"Danh sách hộ nghèo, hộ cận nghèo {unit.name} {period.key}"
    issuer, place = layout.unit_issuer(unit.name), layout.unit_place(unit.name)
    return _build("upper", unit, upper_units(unit), period, issuer, place, title)


# --- The page: one class at a time, 50 households a page ------------------------------------

PAGE_SIZE = 50


class CountedPaginator(Paginator):
    """A paginator told its count (the group query has it), so it does not count the households again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@dataclass
class ListsPage:
    level: str
    unit: object
    period: Period
    status: str  # the class shown
    counts: dict  # status -> (households, persons) of the whole list
    page: Page  # of the class's households
    table: ReportTable  # the page's households with their members, under their group's line
    household_ids: list[int]  # those shown (the personal-data log)
    member_count: int

    @property
    def unit_name(self) -> str:
        return self.unit.name


def lists_page(level: str, unit, period: Period, status: str, page_number) -> ListsPage:
    """One page of the list of `status` (poor or near-poor): its households with their members, each group's line
    with the group's households and persons, the list's total on the last page. Five queries whatever the number
    of households (the khối or wards, the groups, the page's households, their members, those who left them)."""
    units = ward_units(unit) if level == "ward" else upper_units(unit)
    day = period.end
    groups = (
        units.households.order_by()
        .annotate(status_then=status_on(day))
        .values("ward_id", "ward__name", "khoi_id", "khoi__name", "status_then")
        .annotate(households_n=Count("pk"), persons_n=Sum(persons_on(day)))
    )
    group_totals, counts = {}, dict.fromkeys(CLASSES, (0, 0))
    for row in groups:
        if row["status_then"] not in CLASSES:
            continue
        n, persons = row["households_n"], row["persons_n"] or 0
        group_totals[(row["status_then"], row["khoi_id"])] = (n, persons)
        households, people = counts[row["status_then"]]
        counts[row["status_then"]] = (households + n, people + persons)
    households = (
        units.households.annotate(status_then=status_on(day))
        .filter(status_then=status)
        .select_related("ward", "khoi")
        .prefetch_related(*_people(day))
        .order_by("ward__name", "khoi__position", "khoi__name", "name_key", "code", "pk")
    )
    page = CountedPaginator(households, PAGE_SIZE, count=counts[status][0]).get_page(page_number)
    shown = list(page.object_list)
    rows, group = [], None
    for number, household in enumerate(shown, start=page.start_index()):
        if household.khoi_id != group:
            group = household.khoi_id
            n, persons = group_totals.get((status, group), (0, 0))
            rows.append(TableRow("", _group_label(units, household), [None, None, None, None, n, persons], True))
        rows += _household_rows(household, number)
    if not page.has_next() and shown:
        total = [None, None, None, None, *counts[status]]
        rows.append(TableRow("", pgettext("table row", "Total"), total, is_total=True))
    return ListsPage(
        level,
        unit,
        period,
        status,
        counts,
        page,
        _table(units, period, status, rows),
        household_ids=[h.pk for h in shown],
        member_count=sum(len(_persons(h)) for h in shown),
    )


def render_detailed_lists_pdf(lists: DetailedLists, target=None):
    return render_pdf("reports/lists_pdf.html", {"doc": lists.document, "report": lists}, target)


def write_detailed_lists_xlsx(lists: DetailedLists, output) -> None:
    write_workbook(lists.tables, lists.heading, output)
