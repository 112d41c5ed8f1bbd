"""The registry's row locks, in one place (docs/concurrent-edits.md).

A write that changes a household's `version` holds that household's row lock
until its transaction ends, and reads the version *after* taking the lock: an
increment made by a concurrent writer is then never overwritten with a stale
one. Several rows are always locked in primary-key order, so two writers
locking overlapping sets wait for each other instead of deadlocking. A khối is
locked before its households, a household before its members.

Every function must run inside `transaction.atomic` (the lock ends with it).
On SQLite, which locks the whole database on the first write, these are plain
reads.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Household, Khoi, Member


def lock_khoi(pk: int) -> Khoi:
    return Khoi.objects.select_for_update().get(pk=pk)


def lock_household(pk: int) -> Household:
    return Household.objects.select_for_update().get(pk=pk)


def lock_households(households: QuerySet[Household] | Iterable[int]) -> list[Household]:
    """Lock many households (a queryset, or primary keys) in primary-key order; the rows as they are now."""
    queryset = households if isinstance(households, QuerySet) else Household.objects.filter(pk__in=list(households))
    return list(queryset.select_for_update().order_by("pk"))


def lock_member(pk: int) -> Member:
    return Member.objects.select_for_update().get(pk=pk)
