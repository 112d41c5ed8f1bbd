"""Scoped reads of units, duties and tasks (docs/program.md, "Who sees what").

Ward staff see their ward's units and tasks, the upper level its wards' (read
only). A unit member sees the tasks their unit leads or coordinates; a khối
member the tasks given to the khối committees of their ward.
"""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from households.scoping import NOTHING, scope_q
from hungbinh.accounts.roles import Role, role_of
from projects.rules import PlanState
from projects.selectors import plan_list, ward_scope_q

from .models import Duty, Task, TaskNote, Unit
from .rules import OPEN_STATES, UnitKind


def unit_list(*, user) -> QuerySet[Unit]:
    return Unit.objects.filter(ward_scope_q(user, ward="ward__")).select_related("ward", "parent")


def task_scope_q(user) -> Q:
    role = role_of(user)
    if role == Role.UNIT_MEMBER:
        if not user.unit_id:
            return NOTHING
        return Q(lead_unit_id=user.unit_id) | _coordinates_q(Q(unit_id=user.unit_id))
    if role == Role.KHOI_MEMBER:
        return scope_q(user, ward="ward__", khoi=None) & (
            Q(lead_unit__kind=UnitKind.KHOI_COMMITTEE) | _coordinates_q(Q(unit__kind=UnitKind.KHOI_COMMITTEE))
        )
    return scope_q(user, ward="ward__", khoi=None)


def _coordinates_q(unit_q: Q) -> Q:
    through = Task.coordinating_units.through
    return Q(pk__in=through.objects.filter(unit_q).values("task_id"))


def task_list(*, user) -> QuerySet[Task]:
    return (
        Task.objects.filter(task_scope_q(user))
        .select_related("lead_unit", "plan", "item")
        .prefetch_related("coordinating_units")
        .order_by("due_on", "id")
    )


def task_get(*, user, pk) -> Task:
    """One task in scope with its notes (Task.DoesNotExist otherwise: a 404)."""
    return (
        task_list(user=user)
        .select_related("ward", "created_by")
        .prefetch_related(Prefetch("notes", queryset=TaskNote.objects.select_related("author")))
        .get(pk=pk)
    )


def plan_tasks(*, user, plan) -> QuerySet[Task]:
    """The tasks of one plan that the user may see (`plan` read through projects.selectors, so in scope)."""
    return task_list(user=user).filter(plan=plan)


def open_tasks(*, user) -> QuerySet[Task]:
    """The tasks the user may see that are not done or cancelled, the earliest due first."""
    return task_list(user=user).filter(state__in=OPEN_STATES)


def open_tasks_due_first(*, user, limit: int = 200) -> list[Task]:
    """The first `limit` open tasks the user may see, the earliest due first (a unit's page splits off the overdue
    ones), with their coordinating units: two queries."""
    return list(open_tasks(user=user)[:limit])


def task_notes(*, user, task: Task) -> QuerySet[TaskNote]:
    """The task's progress notes in their order, each with its author, if the user may see the task (none
    otherwise: the scope is checked here, not left to how the caller found `task`)."""
    in_scope = Task.objects.filter(task_scope_q(user)).values("pk")
    return TaskNote.objects.filter(task=task, task__in=in_scope).select_related("author")


def overdue_tasks(*, user, today: date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return open_tasks(user=user).filter(due_on__lt=today)


def user_units(user) -> list[Unit]:
    """The units a user works for, in the units' order: a unit member's unit and the unit it is a member
    organisation of (the Women's Union's people also see the Fatherland Front's duties). One query; none for
    the other roles."""
    if role_of(user) != Role.UNIT_MEMBER or not user.unit_id:
        return []
    parent = Unit.objects.filter(pk=user.unit_id).values("parent_id")
    return list(Unit.objects.filter(Q(pk=user.unit_id) | Q(pk__in=parent)))


def unit_duties(*, unit_ids, plan_ids=None) -> QuerySet[Duty]:
    """Section IV duties naming these units (a member organisation also sees the Front's duties)."""
    qs = (
        Duty.objects.filter(units__in=list(unit_ids))
        .distinct()
        .select_related("plan")
        .order_by("-plan__year", "-plan__version", "position")
    )
    if plan_ids is not None:
        qs = qs.filter(plan_id__in=plan_ids)
    return qs


def user_duties(*, user, units: list[Unit]) -> QuerySet[Duty]:
    """The section IV duties of the user's units (user_units) in the issued plans the user may see; none, without
    a query, for a user of no unit."""
    if not units:
        return Duty.objects.none()
    issued = plan_list(user=user).filter(state=PlanState.ISSUED).values("pk")
    return unit_duties(unit_ids=[unit.pk for unit in units], plan_ids=issued)


def may_close_task(user, task: Task) -> bool:
    """The lead unit's people and the ward's staff may close a task."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER):
        return True
    return role == Role.UNIT_MEMBER and task.lead_unit_id == user.unit_id


def dashboard_overdue(*, user, today: date) -> QuerySet[Task]:
    """Overdue tasks for the dashboard: one query, the most overdue first."""
    return (
        Task.objects.filter(task_scope_q(user), state__in=OPEN_STATES, due_on__lt=today)
        .select_related("lead_unit")
        .order_by("due_on", "id")
    )
