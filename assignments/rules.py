"""Rules of units and tasks as plain functions over plain values (docs/program.md)."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    OFFICER = "officer", _("Ward civil servant")
    HEALTH_STATION = "health_station", _("Health station")
    MASS_ORGANISATION = "mass_organisation", _("Fatherland Front or mass organisation")
    KHOI_COMMITTEE = "khoi_committee", _("Khối committees")
    OTHER = "other", _("Other")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    COORDINATING = "coordinating", _("Coordinating")


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATES = frozenset({TaskState.DONE, TaskState.CANCELLED})
OPEN_STATES = tuple(s for s in TaskState.values if s not in CLOSED_STATES)


def is_overdue(*, state: str, due_on: date, today: date) -> bool:
    """Past its due date and neither done nor cancelled; due today is not overdue yet."""
    return state not in CLOSED_STATES and due_on < today


def days_overdue(*, due_on: date, today: date) -> int:
    return max((today - due_on).days, 0)


def task_problems(*, title: str, lead_unit_id: int | None, coordinating_ids, due_on: date | None) -> dict[str, str]:
    """What is missing or contradictory in a task, by field."""
    errors = {}
    if not title.strip():
        errors["title"] = str(_("Enter what the task is."))
    if lead_unit_id is None:
        errors["lead_unit"] = str(_("Choose the lead unit: every task has one unit answering for it."))
    elif lead_unit_id in set(coordinating_ids):
        errors["coordinating_units"] = str(_("The lead unit cannot also be a coordinating unit of the same task."))
    if due_on is None:
        errors["due_on"] = str(_("Enter the due date as dd/mm/yyyy."))
    return errors


def state_change_problem(*, current: str, new: str, may_close: bool) -> str | None:
    """Why a task may not move from `current` to `new`, or None."""
    if new not in TaskState.values:
        return str(_("Unknown task state."))
    if new == current:
        return str(_("The task is already in this state."))
    if new in CLOSED_STATES and not may_close:
        return str(_("Only the lead unit or the ward's officers may close a task."))
    return None
