"""Scoped reads: every query of the registry a view or export makes starts here."""

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from hungbinh.accounts.roles import Role, role_of

from . import rules
from .models import Household, Khoi, Member, MemberRemoval, StatusChange, Ward
from .rules import Status
from .scoping import scope_q
from .text import fold
from .vocab import MemberRemovalReason


def ward_list(*, user) -> QuerySet[Ward]:
    return Ward.objects.filter(scope_q(user, ward="", khoi=None)).select_related("upper_unit")


def khoi_list(*, user, ward_id: int | None = None) -> QuerySet[Khoi]:
    qs = Khoi.objects.filter(scope_q(user, ward="ward__", khoi="id")).select_related("ward")
    if ward_id is not None:
        qs = qs.filter(ward_id=ward_id)
    return qs


def khoi_names(*, user) -> list[str]:
    """The names of the khối the user may see, ward by ward in their order (the import template's drop-down)."""
    return list(khoi_list(user=user).order_by("ward_id", "position", "name").values_list("name", flat=True))


def ward_khois(*, user, ward_id: int) -> list[Khoi]:
    """The khối of one ward that the user may see, in their order (a khối member: their own)."""
    return list(khoi_list(user=user, ward_id=ward_id).order_by("position", "name"))


def khoi_choices(*, user, ward_id: int) -> list[Khoi]:
    """The khối of one ward that the user may see, in their order (`ward_khois`), to choose among; none, without
    a query, for a khối member, who sees their own khối only and has nothing to choose."""
    if role_of(user) == Role.KHOI_MEMBER:
        return []
    return ward_khois(user=user, ward_id=ward_id)


DASHBOARD_COUNTS = (
    "total",
    "poor",
    "near_poor",
    "average",
    "not_poor",
    "newly_escaped",
    # Near-poor and newly escaped at once (escaped into near-poverty): why the target cards do not add up.
    "newly_escaped_near_poor",
    "target",
)


def _household_counts(as_of: date) -> dict[str, Count]:
    """Counts of households by status and target group, as aggregate expressions over Household."""
    counts = {
        "total": Count("id"),
        "newly_escaped": Count("id", filter=newly_escaped_q(as_of)),
        "newly_escaped_near_poor": Count("id", filter=newly_escaped_q(as_of) & Q(status=Status.NEAR_POOR)),
        "target": Count("id", filter=target_q(as_of)),
    }
    for status in Status:
        counts[status.value] = Count("id", filter=Q(status=status))
    return counts


def dashboard_wards(*, user, as_of: date | None = None) -> list[Ward]:
    """The user's wards, each with the khối the user may see attached as `.visible_khois`.

    Every khối and ward carries `.counts` (DASHBOARD_COUNTS: households by status,
    newly escaped and target households as of `as_of`). The households a user
    may see are exactly those of the khối the user may see, so the counts are
    one aggregate of the households alone, grouped by khối: joined to the khối
    and grouped by them, PostgreSQL sorted every household of a province by
    khối before counting (docs/scaling.md, "The whole-province dashboard").
    """
    as_of = as_of or timezone.localdate()
    wards = list(ward_list(user=user))
    counted = (
        Household.objects.filter(scope_q(user, ward="ward__", khoi="khoi_id"))
        .order_by()
        .values("khoi_id")
        .annotate(**_household_counts(as_of))
    )
    counts = {row.pop("khoi_id"): row for row in counted}
    zero = dict.fromkeys(DASHBOARD_COUNTS, 0)
    by_ward: dict[int, list[Khoi]] = {w.pk: [] for w in wards}
    for khoi in Khoi.objects.filter(scope_q(user, ward="ward__", khoi="id")):
        khoi.counts = {name: counts.get(khoi.pk, zero)[name] for name in DASHBOARD_COUNTS}
        by_ward.setdefault(khoi.ward_id, []).append(khoi)
    for ward in wards:
        ward.visible_khois = by_ward.get(ward.pk, [])
        ward.counts = {name: sum(k.counts[name] for k in ward.visible_khois) for name in DASHBOARD_COUNTS}
    return wards


# --- Households ---------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdQuery:
    """What a list of households is narrowed to: the API's filter parameters, read and checked
    (households.filters); None or "" leaves a filter out."""

    ward: int | None = None
    khoi: int | None = None
    status: str | None = None
    target: bool | None = None
    newly_escaped: bool | None = None
    ethnic_minority: bool | None = None
    has_merit_person: bool | None = None
    q: str = ""
    as_of: date | None = None

    @property
    def as_of_date(self) -> date:
        """The day the newly-escaped window is tested on (default: today in Vietnam)."""
        return self.as_of or timezone.localdate()


def household_filter(queryset: QuerySet[Household], query: HouseholdQuery) -> QuerySet[Household]:
    """`queryset` narrowed to `query`; the one place the registry's filters become SQL."""
    for name, field in (("ward", "ward_id"), ("khoi", "khoi_id"), ("status", "status")):
        value = getattr(query, name)
        if value not in (None, ""):
            queryset = queryset.filter(**{field: value})
    for name in ("ethnic_minority", "has_merit_person"):
        value = getattr(query, name)
        if value is not None:
            queryset = queryset.filter(**{name: value})
    for value, condition in (
        (query.target, target_q),
        (query.newly_escaped, newly_escaped_q),
    ):
        if value is not None:
            within = condition(query.as_of_date)
            queryset = queryset.filter(within) if value else queryset.exclude(within)
    if query.q:
        queryset = queryset.filter(search_q(query.q))
    return queryset


def household_list(*, user, query: HouseholdQuery | None = None) -> QuerySet[Household]:
    """Households the user may see (narrowed to `query`), with what a list row shows, in Vietnamese order."""
    queryset = (
        Household.objects.filter(scope_q(user, ward="ward__", khoi="khoi_id"))
        .select_related("ward", "khoi")
        # A correlated subquery rather than a join: it runs only for the rows of
        # the page, and a paginator's count() drops it instead of grouping
        # every household with its members.
        .annotate(members_count=_members_count())
        .order_by("name_key", "id")
    )
    return household_filter(queryset, query) if query is not None else queryset


def _members_count():
    per_household = (
        Member.objects.filter(household=OuterRef("pk")).order_by().values("household").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(per_household.values("n")[:1]), 0)


def household_detail_queryset(*, user) -> QuerySet[Household]:
    """For fetching one household: a household outside the scope is simply not there (404)."""
    return Household.objects.filter(scope_q(user, ward="ward__", khoi="khoi_id")).select_related("ward", "khoi")


def may_see_household(*, user, household_id: int) -> bool:
    """Whether the household is in the user's scope (a page links to it only then): one query."""
    return household_detail_queryset(user=user).filter(pk=household_id).exists()


def next_household_code(*, ward_id: int) -> str:
    """A free code that follows the ward's numbering (HB-0366 → HB-0367), or "" when there is none to follow.

    Codes are unique per ward, so the whole ward counts, whatever the user may
    see; only a free code comes out of it.
    """
    latest = Household.objects.filter(ward_id=ward_id).order_by("-id").values_list("code", flat=True).first()
    match = rules.CODE_NUMBER.match(latest or "")
    if not match:
        return ""
    prefix = match[1]
    same_prefix = Household.objects.filter(ward_id=ward_id, code__startswith=prefix)
    # Longest first, then highest: HB-10000 after HB-9999 without reading every code.
    candidates = same_prefix.annotate(length=Length("code")).order_by("-length", "-code").values_list("code", flat=True)
    highest = next((c for c in candidates[:50] if c[len(prefix) :].isdigit()), latest)
    suggestions = [rules.next_code(highest)]
    for _step in range(19):
        suggestions.append(rules.next_code(suggestions[-1]))
    taken = set(same_prefix.filter(code__in=suggestions).values_list("code", flat=True))
    return next((code for code in suggestions if code not in taken), "")


def member_removals(*, user, since: date | None = None, until: date | None = None) -> QuerySet[MemberRemoval]:
    """People taken off the lists of the households the user may see, by the day they left (docs/member-removal.md)."""
    qs = MemberRemoval.objects.filter(scope_q(user, ward="household__ward__", khoi="household__khoi_id"))
    if since is not None:
        qs = qs.filter(left_on__gte=since)
    if until is not None:
        qs = qs.filter(left_on__lte=until)
    return qs.select_related("household", "recorded_by")


def household_removals(*, user, household: Household) -> list[MemberRemoval]:
    """The people taken off one household's list, the latest first, each with who recorded it; none if the
    household is outside the user's scope."""
    return list(member_removals(user=user).filter(household=household))


def member_list(*, user) -> QuerySet[Member]:
    return Member.objects.filter(scope_q(user, ward="household__ward__", khoi="household__khoi_id")).select_related(
        "household"
    )


def household_members(*, user, household: Household) -> QuerySet[Member]:
    """One household's members in their order on its list; none if the household is outside the user's scope."""
    return member_list(user=user).filter(household=household).order_by("position", "id")


def status_history(*, household: Household) -> QuerySet[StatusChange]:
    return household.status_changes.select_related("recorded_by").order_by("effective_on", "id")


# --- The registry as it stood on a day (docs/reports.md: the reports, the plan's indicators) ---


def status_on(day: date, household_ref: str = "pk"):
    """A household's official status on `day`: its latest status change on or before it.

    A household with no recorded change at all (saved before the history was
    kept) has its current status from `status_since` on. NULL when the
    household was not on the registry yet.

    The latest change is the first entry of the index on (household,
    effective_on, id), read backwards; whether the household has any change
    is asked only when it has none up to `day` (COALESCE stops at the first
    value), so most households cost one index probe.
    """
    changes = StatusChange.objects.filter(household_id=OuterRef(household_ref))
    latest = changes.filter(effective_on__lte=day).order_by("-effective_on", "-id").values("to_status")[:1]
    prefix = "" if household_ref == "pk" else household_ref.removesuffix("_id") + "__"
    unrecorded = Case(
        When(
            Q(**{f"{prefix}status_since__lte": day}) & ~Exists(changes),
            then=F(f"{prefix}status"),
        ),
        default=Value(None),
        output_field=CharField(),
    )
    return Coalesce(Subquery(latest), unrecorded, output_field=CharField())


def left_after(day: date) -> QuerySet[MemberRemoval]:
    """The removals of persons who still count on `day` (docs/member-removal.md): they left after it, and not
    because they were entered by mistake (such a person never belonged to the household, on any day). A removal
    without a reason (the API's) counts."""
    return MemberRemoval.objects.filter(left_on__gt=day).exclude(reason=MemberRemovalReason.ENTERED_BY_MISTAKE)


def persons_on(day: date, household_ref: str = "pk"):
    """The household's persons on `day`: its members now, and those who left it after that day (`left_after`:
    a mistaken entry is nobody's person on any day)."""
    members = (
        Member.objects.filter(household_id=OuterRef(household_ref))
        .order_by()
        .values("household_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    left_later = (
        left_after(day)
        .filter(household_id=OuterRef(household_ref))
        .order_by()
        .values("household_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0) + Coalesce(
        Subquery(left_later, output_field=IntegerField()), 0
    )


def persons_on_rows(day: date, where: Q | None = None, **flags: Q) -> tuple[QuerySet, QuerySet]:
    """The persons of the registry on `day` as `persons_on` counts them, a row each, in two querysets of the
    same columns: the members now, and those who left after the day (`left_after`); those matching `where` if
    given. Each row has `household_id` and, per keyword, 1 or 0 as the person matches its condition.

    The conditions name the member's fields (`birth_date`, `gender`, `is_disabled`, `ethnicity`). A removal
    keeps the birth date and the gender; the disability and the ethnicity of a person who left are read from
    the member's deletion record in the history (docs/member-removal.md), and count as no disability and no
    ethnicity when there is none. Two parts, not their union, for a caller to join each to the households it
    counts (reports.analysis): PostgreSQL reaches the members through their household index only when they
    are joined as a table, and read every member of the registry when they were a union's part.
    """

    def rows(queryset):
        if where is not None:
            queryset = queryset.filter(where)
        as_flags = {
            name: Case(When(condition, then=1), default=0, output_field=IntegerField())
            for name, condition in flags.items()
        }
        return queryset.order_by().values("household_id", **as_flags)

    deleted = Member.history.filter(id=OuterRef("member_id"), history_type="-").order_by("-history_date", "-history_id")
    removals = left_after(day).annotate(
        is_disabled=Subquery(deleted.values("is_disabled")[:1]), ethnicity=Subquery(deleted.values("ethnicity")[:1])
    )
    return rows(Member.objects.all()), rows(removals)


def newly_escaped_q(as_of: date) -> Q:
    return (
        Q(escaped_poverty_on__isnull=False)
        & ~Q(status=Status.POOR)
        & Q(escaped_poverty_on__lte=as_of, escaped_poverty_on__gte=rules.newly_escaped_since(as_of))
    )


def target_q(as_of: date) -> Q:
    return Q(status__in=[Status.POOR, Status.NEAR_POOR]) | newly_escaped_q(as_of)


def search_q(query: str) -> Q:
    """Every word of the query, accents and case ignored, in the code, head name or address."""
    condition = Q()
    for word in fold(query).split():
        condition &= Q(search_text__contains=word)
    return condition
