"""Writes of tasks: create and change (ward staff), progress notes and state changes
(the people of the units concerned), one attached file (docs/program.md).

Errors a user can fix are ValidationErrors with Vietnamese messages keyed by
field; a role that may not act is PermissionDenied; a task outside the user's
scope is Http404.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from households.text import nfc
from hungbinh.accounts.roles import can_manage_program, can_work_on_tasks
from projects.models import Plan
from projects.selectors import plan_list

from . import rules, selectors
from .models import Task, TaskNote, Unit

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_SUFFIXES = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png", "txt"})


class StaleTask(Exception):
    """The task changed after the user opened it; nothing was written."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version
        self.message = _("Someone changed this task after you opened it. Reload it, then make your change again.")


def _today() -> date:
    return timezone.localdate()


def _check_units(*, plan: Plan, lead_unit: Unit | None, coordinating_units, errors: dict):
    for unit in [lead_unit, *coordinating_units]:
        if unit is not None and unit.ward_id != plan.ward_id:
            field = "lead_unit" if unit is lead_unit else "coordinating_units"
            errors.setdefault(field, _("Choose units of the plan's ward."))


def _lock(by, task: Task, version: int | None) -> Task:
    if not selectors.task_list(user=by).filter(pk=task.pk).exists():
        raise Http404(_("No such task."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    if version is not None and version != task.version:
        raise StaleTask(task.version)
    return task


@transaction.atomic
def task_create(
    *,
    by,
    plan: Plan,
    title: str,
    lead_unit: Unit | None,
    due_on: date | None,
    coordinating_units=(),
    item=None,
    description: str = "",
) -> Task:
    """A task of a plan with its lead unit (required), coordinating units and due date (ward staff)."""
    if not can_manage_program(by):
        raise PermissionDenied(_("Your role may not create tasks."))
    if not plan_list(user=by).filter(pk=plan.pk).exists():
        raise Http404(_("No such plan."))
    title, description = nfc(title or "").strip(), nfc(description or "")
    coordinating_units = list(coordinating_units)
    errors = rules.task_problems(
        title=title,
        lead_unit_id=lead_unit.pk if lead_unit else None,
        coordinating_ids=[u.pk for u in coordinating_units],
        due_on=due_on,
    )
    _check_units(plan=plan, lead_unit=lead_unit, coordinating_units=coordinating_units, errors=errors)
    if item is not None and item.plan_id != plan.pk:
        errors["item"] = _("Choose an item of the same plan.")
    if errors:
        raise ValidationError(errors)
    task = Task.objects.create(
        ward_id=plan.ward_id,
        plan=plan,
        item=item,
        title=title,
        description=description,
        lead_unit=lead_unit,
        due_on=due_on,
        created_by=by,
    )
    task.coordinating_units.set(coordinating_units)
    return task


TASK_EDITABLE = ("title", "description", "lead_unit", "due_on", "item")


@transaction.atomic
def task_update(*, by, task: Task, version: int | None = None, coordinating_units=None, **changes) -> Task:
    """Change what a task is, who leads it and when it is due (ward staff)."""
    if not can_manage_program(by):
        raise PermissionDenied(_("Your role may not change tasks."))
    task = _lock(by, task, version)
    unknown = set(changes) - set(TASK_EDITABLE)
    if unknown:
        raise ValueError(f"not task fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(task, name, nfc(value).strip() if isinstance(value, str) and name == "title" else value)
    coordinating = list(coordinating_units) if coordinating_units is not None else list(task.coordinating_units.all())
    errors = rules.task_problems(
        title=task.title,
        lead_unit_id=task.lead_unit_id,
        coordinating_ids=[u.pk for u in coordinating],
        due_on=task.due_on,
    )
    lead = Unit.objects.filter(pk=task.lead_unit_id).first() if task.lead_unit_id else None
    _check_units(plan=task.plan, lead_unit=lead, coordinating_units=coordinating, errors=errors)
    if task.item_id and task.item.plan_id != task.plan_id:
        errors["item"] = _("Choose an item of the same plan.")
    if errors:
        raise ValidationError(errors)
    task.version += 1
    task.save()
    if coordinating_units is not None:
        task.coordinating_units.set(coordinating)
    return task


@transaction.atomic
def task_add_note(
    *, by, task: Task, text: str = "", to_state: str = "", on: date | None = None, version: int | None = None
) -> TaskNote:
    """A dated progress note, with or without a change of state, by someone of the units concerned."""
    if not can_work_on_tasks(by):
        raise PermissionDenied(_("Your role may not work on tasks."))
    task = _lock(by, task, version)
    today = _today()
    on = on or today
    text = nfc(text or "").strip()
    errors = {}
    if on > today:
        errors["on"] = _("A progress note cannot be dated in the future.")
    if to_state:
        problem = rules.state_change_problem(
            current=task.state, new=to_state, may_close=selectors.may_close_task(by, task)
        )
        if problem:
            errors["to_state"] = problem
    if not text and not to_state:
        errors["text"] = _("Write what was done, or choose the task's new state.")
    if errors:
        raise ValidationError(errors)
    note = TaskNote.objects.create(
        task=task, on=on, text=text, from_state=task.state if to_state else "", to_state=to_state, author=by
    )
    if to_state:
        task.state = to_state
    task.version += 1
    task.save(update_fields=["state", "version", "updated_at"])
    return note


@transaction.atomic
def task_attach(*, by, task: Task, file, version: int | None = None) -> Task:
    """Attach one file to a task (it replaces the previous one), stored through Django's storage."""
    if not can_work_on_tasks(by):
        raise PermissionDenied(_("Your role may not work on tasks."))
    task = _lock(by, task, version)
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_SUFFIXES:
        raise ValidationError(
            {
                "attachment": _("Attach a PDF, Word, Excel, OpenDocument, image or text file (%(kinds)s).")
                % {"kinds": ", ".join(sorted(ATTACHMENT_SUFFIXES))}
            }
        )
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": _("The file is larger than 10 MB.")})
    if file.size == 0:
        raise ValidationError({"attachment": _("The file is empty.")})
    old = task.attachment.name if task.attachment else ""
    task.version += 1
    task.attachment_name = nfc(name)[:255]
    task.attachment.save(name, file, save=False)
    task.save(update_fields=["attachment", "attachment_name", "version", "updated_at"])
    if old and old != task.attachment.name:
        storage = task.attachment.storage
        transaction.on_commit(lambda: storage.delete(old))
    return task
