"""Household lists as documents: any filter of the registry, printed (docs/documents.md).

`household_list_build` turns a user and the registry's filters (the API's query
parameters) into a `HouseholdList`: title, filter description, file name, rows
and totals. The PDF (`render_household_list_pdf`) and the job runner both start
from it, so a list looks the same whether it was rendered in the request or by
a worker.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from households import rules, selectors
from households.filters import HouseholdFilter
from households.models import Khoi, Member, Ward
from households.rules import Status
from households.text import fold
from hungbinh.accounts.roles import can_see_id_numbers

from . import layout
from .pdf import render_pdf

TRUE_WORDS = frozenset({"1", "true", "yes", "có"})


class ListRequestError(Exception):
    """The request cannot give a list; `status` is the HTTP status a view answers with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ListRow:
    number: int
    ward: str
    khoi: str
    code: str
    head_name: str
    head_id_number: str
    address: str
    status: str
    status_label: str
    status_since: date | None
    newly_escaped_until: date | None
    ethnic_minority: bool
    has_merit_person: bool
    members: int


@dataclass
class ListTotals:
    households: int = 0
    members: int = 0
    by_status: Counter = field(default_factory=Counter)
    newly_escaped: int = 0
    ethnic_minority: int = 0
    has_merit_person: int = 0
    id_numbers: int = 0

    def add(self, row: ListRow) -> None:
        self.households += 1
        self.members += row.members
        self.by_status[row.status] += 1
        self.newly_escaped += row.newly_escaped_until is not None
        self.ethnic_minority += row.ethnic_minority
        self.has_merit_person += row.has_merit_person
        self.id_numbers += bool(row.head_id_number)

    def status_lines(self) -> list[tuple[str, int]]:
        lines = [(str(label), self.by_status.get(value, 0)) for value, label in Status.choices]
        lines.append((_("Newly escaped"), self.newly_escaped))
        lines.append((_("Ethnic minority household"), self.ethnic_minority))
        lines.append((_("Has a person with merit"), self.has_merit_person))
        return lines


@dataclass
class HouseholdList:
    """Everything a list document shows, in Vietnamese."""

    title: str
    area: str
    filters: list[str]
    as_of: date
    dates: list[str]  # what the list's dates mean, after the filters (`_as_of_texts`)
    issuer: tuple[str, ...]
    place: str
    filename_stem: str
    show_ward: bool
    with_ids: bool
    rows: list[ListRow]
    totals: ListTotals
    household_ids: list[int]  # every household in the list, for the personal-data access log

    def filename(self, extension: str) -> str:
        return f"{self.filename_stem}.{extension}"


def wants_id_numbers(params) -> bool:
    """ID numbers are left out unless the request asks for them with `show_ids=1`."""
    return str(params.get("show_ids", "")).strip().lower() in TRUE_WORDS


def household_list_filterset(*, user, params) -> HouseholdFilter:
    """The registry's filters over the user's households; invalid or out-of-scope filters raise ListRequestError."""
    filterset = HouseholdFilter(params, queryset=selectors.household_list(user=user))
    if not filterset.is_valid():
        raise ListRequestError(_("The filters are not valid: %(errors)s") % {"errors": filterset.errors.as_text()})
    data = filterset.form.cleaned_data
    if data.get("ward") is not None and not selectors.ward_list(user=user).filter(pk=data["ward"]).exists():
        raise ListRequestError(_("No such ward."), status=404)
    if data.get("khoi") is not None and not selectors.khoi_list(user=user).filter(pk=data["khoi"]).exists():
        raise ListRequestError(_("No such khối."), status=404)
    return filterset


def household_list_count(*, user, params) -> int:
    """How many households the list would hold (the view decides from it whether to run a job)."""
    return household_list_filterset(user=user, params=params).qs.order_by().count()


def _head_id_number():
    """The head's ID number: the member whose name is the head's, first in the household's order."""
    return Subquery(
        Member.objects.filter(household=OuterRef("pk"), full_name=OuterRef("head_name"))
        .exclude(id_number="")
        .order_by("position", "id")
        .values("id_number")[:1]
    )


ROW_VALUES = (
    "pk",
    "ward__name",
    "khoi__name",
    "code",
    "head_name",
    "address",
    "status",
    "status_since",
    "escaped_poverty_on",
    "ethnic_minority",
    "has_merit_person",
    "members_count",
)


def household_list_build(*, user, params, progress=None) -> HouseholdList:
    """The list for `params`; see `_build`. Built in Vietnamese: titles and file names are the document's."""
    with translation.override("vi"):
        return _build(user=user, params=params, progress=progress)


def _build(*, user, params, progress=None) -> HouseholdList:
    """The list for `params` (the API's household filters, plus `show_ids=1` to ask for ID numbers).

    Raises ListRequestError for invalid filters (400), a ward or khối outside the
    user's scope (404) and ID numbers the user may not see (403). `progress`,
    when given, is called with the number of rows read so far.
    """
    with_ids = wants_id_numbers(params)
    if with_ids and not can_see_id_numbers(user):
        raise ListRequestError(_("Your role may not see citizen ID numbers; ask for the list without them."), 403)
    filterset = household_list_filterset(user=user, params=params)
    as_of = filterset.as_of_date
    queryset = filterset.qs
    if with_ids:
        queryset = queryset.annotate(head_id=_head_id_number())
    values = (*ROW_VALUES, "head_id") if with_ids else ROW_VALUES
    rows, totals, ids, wards = [], ListTotals(), [], set()
    for number, values_row in enumerate(queryset.values_list(*values).iterator(chunk_size=2000), start=1):
        pk, ward, khoi, code, head, address, status, since, escaped_on, ethnic, merit, members, *head_id = values_row
        newly_escaped = rules.is_newly_escaped(status, escaped_on, as_of)
        row = ListRow(
            number=number,
            ward=ward,
            khoi=khoi,
            code=code,
            head_name=head,
            head_id_number=(head_id[0] or "") if with_ids else "",
            address=address,
            status=status,
            status_label=str(Status(status).label),
            status_since=since,
            newly_escaped_until=rules.newly_escaped_until(escaped_on) if newly_escaped else None,
            ethnic_minority=ethnic,
            has_merit_person=merit,
            members=members,
        )
        rows.append(row)
        totals.add(row)
        wards.add(ward)
        ids.append(pk)
        if progress is not None and number % 500 == 0:
            progress(number)
    data = filterset.form.cleaned_data
    area_wards, khoi = _area(user, data, wards)
    issuer, place = _issuer_and_place(user, area_wards)
    area = _area_text(area_wards, khoi)
    filters = _filter_texts(data)
    return HouseholdList(
        title=_("List of households"),
        area=area,
        filters=filters,
        as_of=as_of,
        dates=_as_of_texts(as_of, timezone.localdate()),
        issuer=issuer,
        place=place,
        filename_stem=_filename_stem(area_wards, khoi, data, as_of),
        show_ward=len(wards) > 1 or (not wards and len(area_wards) > 1),
        with_ids=with_ids,
        rows=rows,
        totals=totals,
        household_ids=ids,
    )


@dataclass(frozen=True)
class ListHeading:
    """The title, file name and ward column of a list, without its rows (the workbook writes those itself)."""

    title: str
    filename_stem: str
    show_ward: bool

    def filename(self, extension: str) -> str:
        return f"{self.filename_stem}.{extension}"


def household_list_heading(*, user, filterset: HouseholdFilter) -> ListHeading:
    """“DANH SÁCH HỘ GIA ĐÌNH – Phường Hưng Bình – Khối 2; Hộ cận nghèo; tính đến ngày 05/06/2025”, one line.

    The workbook's rows are the registry's today, its newly-escaped column included (the import format,
    households/exporting.py): its date is today's; an earlier or later `as_of` only chose the households of a
    newly-escaped or target filter, and the title says so."""
    with translation.override("vi"):
        data = filterset.form.cleaned_data
        ward_ids = list(filterset.qs.order_by().values_list("ward_id", flat=True).distinct()[:2])
        wards = [w for w in selectors.ward_list(user=user) if w.pk in ward_ids] if len(ward_ids) == 1 else []
        area_wards, khoi = _area(user, data, {w.name for w in wards})
        as_of = filterset.as_of_date
        parts = [_("List of households").upper(), _area_text(area_wards, khoi)]
        today = timezone.localdate()
        details = [*_filter_texts(data), _("as of %(date)s") % {"date": _day(today)}]
        if as_of != today and (data.get("newly_escaped") is not None or data.get("target") is not None):
            details.append(_("newly escaped filtered as of %(date)s") % {"date": _day(as_of)})
        title = " – ".join(p for p in parts if p) + "; " + "; ".join(details)
        return ListHeading(title, _filename_stem(area_wards, khoi, data, as_of), show_ward=len(ward_ids) > 1)


def _day(on: date) -> str:
    return on.strftime("%d/%m/%Y")


def _as_of_texts(as_of: date, today: date) -> list[str]:
    """What the PDF's dates mean. Its classes and member counts are the registry's today; `as_of` dates only the
    newly-escaped test (36 months after recognition): the column “Mới thoát nghèo đến”, its total and the
    newly-escaped and target filters. On today one date says both: “tính đến ngày 05/06/2025”."""
    if as_of == today:
        return [_("as of %(date)s") % {"date": _day(as_of)}]
    return [
        _("status and members as of %(date)s") % {"date": _day(today)},
        _("newly escaped as of %(day)s") % {"day": _day(as_of)},
    ]


def _area(user, data, ward_names: set[str]) -> tuple[list[Ward], Khoi | None]:
    """The wards the list is about (the filter's, else those in it, else the user's) and the khối filter."""
    khoi = None
    if data.get("khoi") is not None:
        khoi = selectors.khoi_list(user=user).get(pk=data["khoi"])
        return [khoi.ward], khoi
    wards = selectors.ward_list(user=user)
    if data.get("ward") is not None:
        return list(wards.filter(pk=data["ward"])), None
    if ward_names:
        in_list = [w for w in wards if w.name in ward_names]
        return in_list or list(wards), None
    return list(wards), None


def _issuer_and_place(user, wards: list[Ward]) -> tuple[tuple[str, ...], str]:
    if len(wards) == 1:
        return layout.ward_issuer(wards[0]), wards[0].name
    units = {w.upper_unit for w in wards}
    if len(units) == 1:
        unit = units.pop()
        return layout.unit_issuer(unit.name), layout.unit_place(unit.name)
    return (), ""


def _area_text(wards: list[Ward], khoi: Khoi | None) -> str:
    if not wards:
        return ""
    names = ", ".join(layout.ward_full_name(w) for w in wards)
    text = names[0].upper() + names[1:]
    return f"{text} – {khoi.name}" if khoi is not None else text


def _yes_no(value: bool, yes: str, no: str) -> str:
    return yes if value else no


def _filter_texts(data) -> list[str]:
    """The filters in words, in the order a reader scans them."""
    texts = []
    if data.get("status"):
        texts.append(str(Status(data["status"]).label))
    if data.get("target") is not None:
        texts.append(_yes_no(data["target"], _("Target households"), _("Not target households")))
    if data.get("newly_escaped") is not None:
        texts.append(_yes_no(data["newly_escaped"], _("Newly escaped"), _("Not newly escaped")))
    if data.get("ethnic_minority") is not None:
        texts.append(
            _yes_no(data["ethnic_minority"], _("Ethnic minority households"), _("Not ethnic minority households"))
        )
    if data.get("has_merit_person") is not None:
        texts.append(_yes_no(data["has_merit_person"], _("With a person with merit"), _("Without a person with merit")))
    if data.get("q"):
        texts.append(_("Search “%(q)s”") % {"q": data["q"]})
    return texts


def _filename_stem(wards: list[Ward], khoi: Khoi | None, data, as_of: date) -> str:
    parts = [_("household list")]
    if len(wards) == 1:
        parts.append(wards[0].name)
    if khoi is not None:
        parts.append(khoi.name)
    parts.extend(_filter_texts(data))
    stem = slugify(fold(" ".join(parts)))[:120].strip("-")
    return f"{stem}-{as_of:%Y-%m-%d}"


# --- PDF -------------------------------------------------------------------------


def household_list_document(household_list: HouseholdList) -> layout.OfficialDocument:
    return layout.OfficialDocument(
        issuer=household_list.issuer,
        place=household_list.place,
        on=timezone.localdate(),
        doc_type=household_list.title,
        landscape=True,
        title=" – ".join(filter(None, (household_list.title, household_list.area))),
    )


def render_household_list_pdf(household_list: HouseholdList, target=None) -> bytes | None:
    columns = 11 + household_list.show_ward + household_list.with_ids
    return render_pdf(
        "reports/household_list.html",
        {
            "doc": household_list_document(household_list),
            "list": household_list,
            "columns": columns,
            # The totals row: one label cell, then the counts under the last four columns.
            "label_columns": columns - 4,
            "now_text": f"{timezone.localtime():%d/%m/%Y %H:%M}",
        },
        target,
    )
