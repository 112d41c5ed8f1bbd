"""Scoped reads: every query of the registry a view or export makes starts here."""

from datetime import date

from django.db.models import Count, Q, QuerySet

from . import rules
from .models import Household, Khoi, Member, StatusChange, Ward
from .rules import Status
from .scoping import scope_q
from .text import fold


def ward_list(*, user) -> QuerySet[Ward]:
    return Ward.objects.filter(scope_q(user, ward="", khoi=None)).select_related("upper_unit")


def khoi_list(*, user, ward_id: int | None = None) -> QuerySet[Khoi]:
    qs = Khoi.objects.filter(scope_q(user, ward="ward__", khoi="id")).select_related("ward")
    if ward_id is not None:
        qs = qs.filter(ward_id=ward_id)
    return qs


def dashboard_wards(*, user) -> list[Ward]:
    """The user's wards, each with the khối the user may see attached as `.visible_khois`."""
    wards = list(ward_list(user=user))
    by_ward: dict[int, list[Khoi]] = {w.pk: [] for w in wards}
    for khoi in khoi_list(user=user):
        by_ward.setdefault(khoi.ward_id, []).append(khoi)
    for ward in wards:
        ward.visible_khois = by_ward.get(ward.pk, [])
    return wards


# --- Households ---------------------------------------------------------------


def household_list(*, user) -> QuerySet[Household]:
    """Households the user may see, with what a list row shows, in Vietnamese order."""
    return (
        Household.objects.filter(scope_q(user, ward="ward__", khoi="khoi_id"))
        .select_related("ward", "khoi")
        .annotate(members_count=Count("members"))
        .order_by("name_key", "id")
    )


def household_detail_queryset(*, user) -> QuerySet[Household]:
    """For fetching one household: a household outside the scope is simply not there (404)."""
    return Household.objects.filter(scope_q(user, ward="ward__", khoi="khoi_id")).select_related("ward", "khoi")


def household_get(*, user, pk) -> Household:
    return household_detail_queryset(user=user).get(pk=pk)


def member_list(*, user) -> QuerySet[Member]:
    return Member.objects.filter(scope_q(user, ward="household__ward__", khoi="household__khoi_id")).select_related(
        "household"
    )


def status_history(*, household: Household) -> QuerySet[StatusChange]:
    return household.status_changes.select_related("recorded_by").order_by("effective_on", "id")


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
