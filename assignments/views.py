"""Task pages and a unit's "my work" page. Reads through the selectors (404 outside the scope),
writes through the services (403 for a role that may not act)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from households.forms import add_service_errors
from hungbinh.accounts import roles
from projects import selectors as program
from projects.models import Plan

from . import selectors, services
from .forms import TaskFileForm, TaskForm, TaskNoteForm
from .models import Task

PAGE_SIZE = 50


def _task_or_404(user, pk) -> Task:
    try:
        return selectors.task_get(user=user, pk=pk)
    except Task.DoesNotExist:
        raise Http404(_("No such task.")) from None


@never_cache
@login_required
def task_list(request):
    user = request.user
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    if show == "open":
        tasks = selectors.open_tasks(user=user)
    elif show == "overdue":
        tasks = selectors.overdue_tasks(user=user, today=today)
    else:
        tasks = selectors.task_list(user=user)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "query": f"show={show}",
        "today": today,
        "can_manage": roles.can_manage_program(user),
    }
    return render(request, "assignments/task_list.html", context)


@never_cache
@login_required
def task_create(request):
    user = request.user
    if not roles.can_manage_program(user):
        raise PermissionDenied(_("Your role may not create tasks."))
    from projects.views import small_int

    plan_id = small_int(request.GET.get("plan") or request.POST.get("plan"))
    try:
        plan = program.plan_get(user=user, pk=plan_id)
    except (TypeError, ValueError, Plan.DoesNotExist):
        raise Http404(_("No such plan.")) from None
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                by=user,
                plan=plan,
                title=data["title"],
                description=data["description"],
                item=data["item"],
                lead_unit=data["lead_unit"],
                coordinating_units=data["coordinating_units"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the task."))
            return redirect("task-detail", pk=task.pk)
    context = {"form": form, "plan": plan, "title": _("Add a task to the plan %(year)s") % {"year": plan.year}}
    return render(request, "assignments/task_form.html", context)


@never_cache
@login_required
def task_edit(request, pk):
    """What the task is, who leads and coordinates it, when it is due (ward staff)."""
    user = request.user
    if not roles.can_manage_program(user):
        raise PermissionDenied(_("Your role may not change tasks."))
    task = _task_or_404(user, pk)
    initial = {
        "title": task.title,
        "description": task.description,
        "item": task.item_id,
        "lead_unit": task.lead_unit_id,
        "coordinating_units": [u.pk for u in task.coordinating_units.all()],
        "due_on": task.due_on,
        "version": task.version,
    }
    form = TaskForm(request.POST or None, plan=task.plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, coordinating = data.pop("version"), list(data.pop("coordinating_units"))
        try:
            services.task_update(by=user, task=task, version=version, coordinating_units=coordinating, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        except services.StaleTask as stale:
            form.add_error(None, stale.message)
        else:
            messages.success(request, _("Saved the task."))
            return redirect("task-detail", pk=task.pk)
    context = {"form": form, "plan": task.plan, "title": _("Edit the task")}
    return render(request, "assignments/task_form.html", context)


@never_cache
@login_required
def task_detail(request, pk):
    user = request.user
    task = _task_or_404(user, pk)
    today = timezone.localdate()
    can_work = roles.can_work_on_tasks(user)
    note_form = TaskNoteForm(initial={"on": today, "version": task.version}) if can_work else None
    file_form = TaskFileForm(initial={"version": task.version}) if can_work else None
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied(_("Your role may not work on tasks."))
        if "attachment" in request.FILES or request.POST.get("action") == "file":
            file_form = TaskFileForm(request.POST, request.FILES)
            if file_form.is_valid():
                try:
                    services.task_attach(
                        by=user,
                        task=task,
                        file=file_form.cleaned_data["attachment"],
                        version=file_form.cleaned_data["version"],
                    )
                except ValidationError as error:
                    add_service_errors(file_form, error)
                except services.StaleTask as stale:
                    file_form.add_error(None, stale.message)
                else:
                    messages.success(request, _("Attached the file."))
                    return redirect("task-detail", pk=task.pk)
        else:
            note_form = TaskNoteForm(request.POST)
            if note_form.is_valid():
                data = note_form.cleaned_data
                try:
                    services.task_add_note(
                        by=user,
                        task=task,
                        text=data["text"],
                        to_state=data["to_state"],
                        on=data["on"],
                        version=data["version"],
                    )
                except ValidationError as error:
                    add_service_errors(note_form, error)
                except services.StaleTask as stale:
                    note_form.add_error(None, stale.message)
                else:
                    messages.success(request, _("Saved the progress note."))
                    return redirect("task-detail", pk=task.pk)
    context = {
        "task": task,
        "can_manage": roles.can_manage_program(user),
        "today": today,
        "overdue": task.is_overdue(today),
        "note_form": note_form,
        "file_form": file_form,
    }
    return render(request, "assignments/task_detail.html", context)


@never_cache
@login_required
def task_file(request, pk):
    task = _task_or_404(request.user, pk)
    if not task.attachment:
        raise Http404(_("The task has no file."))
    return FileResponse(task.attachment.open("rb"), as_attachment=True, filename=task.attachment_name or "file")


@never_cache
@login_required
def my_work(request):
    """A unit's page: its duties in the plans, its tasks (overdue first) and the support it recorded."""
    user = request.user
    today = timezone.localdate()
    units = selectors.user_units(user)
    tasks = selectors.open_tasks_due_first(user=user)
    context = {
        "units": units,
        "duties": selectors.user_duties(user=user, units=units),
        "overdue": [t for t in tasks if t.is_overdue(today)],
        "tasks": [t for t in tasks if not t.is_overdue(today)],
        "supports": program.unit_latest_support(user=user),
        "today": today,
    }
    return render(request, "assignments/my_work.html", context)
