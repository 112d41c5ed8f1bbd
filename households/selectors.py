"""Scoped reads of wards and khối."""

from django.db.models import QuerySet

from .models import Khoi, Ward
from .scoping import scope_q


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
