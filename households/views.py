"""Registry pages. Reads through selectors (scope: 404 outside it), writes through services (role: 403)."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hungbinh.accounts import roles

from . import history, personal_data, rules, selectors, services
from .filters import HouseholdFilter
from .forms import (
    HouseholdCreateForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    MemberEditForm,
    MemberForm,
    StatusChangeForm,
    add_service_errors,
)
from .models import Household
from .rules import PriorityGroup

PAGE_SIZE = 50


# What the household list is filtered by to show each dashboard count (the API's filters).
COUNT_FILTERS = {
    "total": {},
    "poor": {"status": rules.Status.POOR},
    "near_poor": {"status": rules.Status.NEAR_POOR},
    "average": {"status": rules.Status.AVERAGE},
    "not_poor": {"status": rules.Status.NOT_POOR},
    "newly_escaped": {"newly_escaped": "true"},
    "newly_escaped_near_poor": {"status": rules.Status.NEAR_POOR, "newly_escaped": "true"},
    "target": {"target": "true"},
}


def count_links(scope: dict) -> dict[str, str]:
    """For each dashboard count, the list page that shows exactly those households."""
    base = reverse("household-list")
    links = {}
    for name, filters in COUNT_FILTERS.items():
        query = urlencode({**scope, **filters})
        links[name] = f"{base}?{query}" if query else base
    return links


@login_required
def dashboard(request):
    as_of = timezone.localdate()
    wards = selectors.dashboard_wards(user=request.user, as_of=as_of)
    for ward in wards:
        # Links into the list name the ward only where there is more than one to choose from.
        ward.links = count_links({"ward": ward.pk} if len(wards) > 1 else {})
        ward.rates = {
            "poor": rules.percent(ward.counts["poor"], ward.counts["total"]),
            "near_poor": rules.percent(ward.counts["near_poor"], ward.counts["total"]),
        }
        for khoi in ward.visible_khois:
            khoi.links = count_links({"khoi": khoi.pk})
    context = {"wards": wards, "as_of": as_of, "newly_escaped_label": rules.NEWLY_ESCAPED_LABEL}
    return render(request, "dashboard.html", context)


# --- Helpers --------------------------------------------------------------


def _household_or_404(user, pk) -> Household:
    return get_object_or_404(selectors.household_detail_queryset(user=user), pk=pk)


def _require_editor(user):
    if not roles.can_edit_registry(user):
        raise PermissionDenied(_("Your role may not change the registry."))


def _fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- List -------------------------------------------------------------------


@never_cache
@login_required
def household_list(request):
    user = request.user
    data = request.GET or None
    filterset = HouseholdFilter(data, queryset=selectors.household_list(user=user), request=request)
    filter_form = HouseholdFilterForm(data, user=user)
    filter_form.is_valid()  # Only to show what is wrong next to the filter.
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    as_of = filterset.as_of_date
    rows = [(h, h.newly_escaped_until() if h.is_newly_escaped(as_of) else None) for h in page.object_list]

    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    filtered = any(value for key, value in params.items() if key != "as_of")
    export_url = reverse("report-households-xlsx")
    can_reveal = personal_data.may_reveal_id_numbers(user)
    context = {
        "filter_form": filter_form,
        "page": page,
        "rows": rows,
        "query": query,
        "filtered": filtered,
        "as_of": as_of,
        "as_of_is_today": as_of == timezone.localdate(),
        "export_url": f"{export_url}?{query}" if query else export_url,
        "export_ids_url": (f"{export_url}?{query}&show_ids=1" if query else f"{export_url}?show_ids=1")
        if can_reveal
        else "",
        "import_url": reverse("household-import"),
        "show_ward": "ward" in filter_form.fields,
        "can_edit": roles.can_edit_registry(user),
        "can_import": roles.can_manage_ward(user),
    }
    return render(request, "households/household_list.html", context)


# --- Detail -----------------------------------------------------------------


def _group_labels(groups) -> list[str]:
    return [str(PriorityGroup(g).label) for g in groups]


@never_cache
@login_required
def household_detail(request, pk):
    user = request.user
    household = _household_or_404(user, pk)
    today = timezone.localdate()
    is_target = household.is_target(today)
    disclosure, people = personal_data.people(
        user=user,
        members=household.members.order_by("position", "id"),
        path=request.path,
        reveal_ids=request.GET.get("show_ids") == "1",
        as_of=today,
        household_is_target=is_target,
    )
    context = {
        "household": household,
        "today": today,
        "is_target": is_target,
        "is_newly_escaped": household.is_newly_escaped(today),
        "newly_escaped_until": household.newly_escaped_until(),
        "household_groups": _group_labels(
            rules.household_priority_groups(
                status=household.status,
                ethnic_minority=household.ethnic_minority,
                has_merit_person=household.has_merit_person,
            )
        ),
        "member_rows": [{**vars(person), "groups": _group_labels(person.groups)} for person in people],
        "has_id_numbers": any(person.member.id_number for person in people),
        "status_changes": list(selectors.status_history(household=household)),
        "changes": history.household_changes(household, disclosure=disclosure),
        "can_edit": roles.can_edit_registry(user),
        "can_reveal": personal_data.may_reveal_id_numbers(user),
        "show_ids": disclosure.reveal_ids,
        "show_sensitive": disclosure.sensitive,
    }
    return render(request, "households/household_detail.html", context)


# --- Household forms ----------------------------------------------------------


@never_cache
@login_required
def household_create(request):
    _require_editor(request.user)
    form = HouseholdCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        outcome = _through_service(form, lambda: services.household_create(by=request.user, **form.cleaned_data))
        if outcome.saved:
            household = outcome.result
            messages.success(
                request,
                _("Saved the new household %(code)s – %(name)s.")
                % {"code": household.code, "name": household.head_name},
            )
            return redirect("household-detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "title": _("Add a household")})


EDIT_FIELDS = services.HOUSEHOLD_EDITABLE_FIELDS


@never_cache
@login_required
def household_edit(request, pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    status = 200
    current_values = []
    if request.method == "POST":
        form = HouseholdEditForm(request.POST, user=request.user)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in EDIT_FIELDS}
            outcome = _through_service(
                form,
                lambda: services.household_update(
                    by=request.user, household=household, version=form.cleaned_data["version"], **changes
                ),
            )
            status = outcome.status
            if outcome.stale:
                current_values = _differences(form, household, changes)
            if outcome.saved:
                messages.success(request, _("Saved the changes to household %(code)s.") % {"code": changes["code"]})
                return redirect("household-detail", pk=household.pk)
    else:
        form = HouseholdEditForm(
            initial={**{name: getattr(household, name) for name in EDIT_FIELDS}, "version": household.version},
            user=request.user,
        )
    context = {
        "form": form,
        "household": household,
        "title": _("Edit household %(code)s") % {"code": household.code},
        "current_values": current_values,
    }
    return render(request, "households/household_form.html", context, status=status)


@dataclass
class Outcome:
    saved: bool
    result: object = None
    stale: bool = False

    @property
    def status(self) -> int:
        return 409 if self.stale else 200


def _through_service(form, call) -> Outcome:
    """Run a service for a valid form; what it refuses lands on the form and nothing is saved."""
    try:
        return Outcome(saved=True, result=call())
    except services.StaleVersion as stale:
        form.add_error(None, stale.message)
        return Outcome(saved=False, stale=True)
    except ValidationError as error:
        add_service_errors(form, error)
        return Outcome(saved=False)


def _differences(form, household, submitted: dict) -> list[tuple[str, str]]:
    """Fields where the saved household now differs from what the user typed: what the other person changed."""
    out = []
    for name, value in submitted.items():
        current = getattr(household, name)
        if current != value:
            shown = current if not isinstance(current, bool) else (_("Yes") if current else _("No"))
            out.append((str(form.fields[name].label), str(shown or "—")))
    return out


@never_cache
@login_required
def household_change_status(request, pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    status = 200
    form = StatusChangeForm(request.POST or None, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        outcome = _through_service(
            form,
            lambda: services.household_change_status(by=request.user, household=household, version=version, **data),
        )
        status, change = outcome.status, outcome.result
        if outcome.saved:
            messages.success(
                request,
                _("Saved: household %(code)s is “%(status)s” from %(date)s.")
                % {
                    "code": household.code,
                    "status": change.get_to_status_display(),
                    "date": _fmt_date(change.effective_on),
                },
            )
            return redirect("household-detail", pk=household.pk)
    context = {
        "form": form,
        "household": household,
        "title": _("Change the status of household %(code)s") % {"code": household.code},
    }
    return render(request, "households/status_form.html", context, status=status)


# --- Member forms ---------------------------------------------------------------


@never_cache
@login_required
def member_create(request, pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    status = 200
    form = MemberForm(request.POST or None, initial={"version": household.version, "ethnicity": "Kinh"})
    if request.method == "POST" and form.is_valid():
        outcome = _through_service(
            form,
            lambda: services.member_create(
                by=request.user, household=household, version=form.cleaned_data["version"], **form.service_fields()
            ),
        )
        status = outcome.status
        if outcome.saved:
            messages.success(request, _("Saved the new member %(name)s.") % {"name": outcome.result.full_name})
            return redirect("household-detail", pk=household.pk)
    context = {"form": form, "household": household, "title": _("Add a member")}
    return render(request, "households/member_form.html", context, status=status)


MEMBER_INITIAL_FIELDS = ("full_name", "birth_date", "gender", "relation", "ethnicity", "is_disabled", "has_merit")


@never_cache
@login_required
def member_edit(request, pk, member_pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    member = get_object_or_404(household.members, pk=member_pk)
    masked = personal_data.mask_id_number(member.id_number)
    status = 200
    if request.method == "POST":
        form = MemberEditForm(request.POST, masked_id_number=masked)
        if form.is_valid():
            outcome = _through_service(
                form,
                lambda: services.member_update(
                    by=request.user, member=member, version=form.cleaned_data["version"], **form.service_fields()
                ),
            )
            status = outcome.status
            if outcome.saved:
                messages.success(request, _("Saved the changes to member %(name)s.") % {"name": member.full_name})
                return redirect("household-detail", pk=household.pk)
    else:
        initial = {name: getattr(member, name) for name in MEMBER_INITIAL_FIELDS}
        form = MemberEditForm(initial={**initial, "version": household.version}, masked_id_number=masked)
    context = {
        "form": form,
        "household": household,
        "member": member,
        "title": _("Edit member %(name)s") % {"name": member.full_name},
    }
    return render(request, "households/member_form.html", context, status=status)


@never_cache
@login_required
@require_POST
def member_delete(request, pk, member_pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    member = get_object_or_404(household.members, pk=member_pk)
    try:
        version = int(request.POST["version"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest(_("The form is missing the household's version; reload the page."))
    try:
        services.member_delete(by=request.user, member=member, version=version)
    except services.StaleVersion as stale:
        messages.error(request, stale.message)
        return redirect("member-edit", pk=household.pk, member_pk=member.pk)
    messages.success(request, _("Removed member %(name)s from the household.") % {"name": member.full_name})
    return redirect("household-detail", pk=household.pk)
