"""Program pages: plans, sub-projects, budgets, indicators, support given.

Reads through the selectors (outside the scope: 404), writes through the services
(a role that may not act: 403); a refusal lands on the form and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from households.filters import MAX_ID
from households.models import Household
from households.selectors import may_see_household
from hungbinh.accounts import roles

from . import rules, selectors, services
from .forms import (
    GROUP_STATUSES,
    BudgetForm,
    BulkChooseForm,
    BulkSupportForm,
    IndicatorAchievedForm,
    PlanCopyForm,
    PlanEditForm,
    PlanIssueForm,
    PlanItemForm,
    SupportForm,
    add_service_errors,
)
from .models import Plan

PAGE_SIZE = 50


def small_int(value, *, high=MAX_ID) -> int | None:
    """A whole number from a query parameter, or None when it is not one the database can compare."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or int(value) > high:
        return None
    return int(value)


def _plan_or_404(user, pk) -> Plan:
    try:
        return selectors.plan_get(user=user, pk=pk)
    except Plan.DoesNotExist:
        raise Http404(_("No such plan.")) from None


def _require(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


def _saved(form, call):
    """Run a service for a valid form: its result, or None with the refusal on the form."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# --- Plans -------------------------------------------------------------------------


@never_cache
@login_required
def plan_list(request):
    plans = selectors.plan_list_by_ward(user=request.user)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_manage": roles.can_manage_program(request.user)}
    return render(request, "projects/plan_list.html", context)


@never_cache
@login_required
def plan_detail(request, pk):
    user = request.user
    try:
        plan = selectors.plan_detail(user=user, pk=pk)
    except Plan.DoesNotExist:
        raise Http404(_("No such plan.")) from None
    from assignments.selectors import plan_tasks

    context = {
        "plan": plan,
        "versions": selectors.plan_versions(user=user, plan=plan),
        "tasks": plan_tasks(user=user, plan=plan),
        "can_manage": roles.can_manage_program(user),
        "can_issue": roles.can_issue_plan(user) and plan.state == rules.PlanState.DRAFT,
        "may_see_money": selectors.may_see_money(user),
    }
    return render(request, "projects/plan_detail.html", context)


@never_cache
@login_required
def plan_edit(request, pk):
    _require(roles.can_manage_program(request.user), _("Your role may not change plans."))
    plan = _plan_or_404(request.user, pk)
    if plan.is_frozen:
        messages.error(
            request,
            _("An issued plan is frozen. To change it, make a correction: a new version that replaces it once issued."),
        )
        return redirect("plan-detail", pk=plan.pk)
    form = PlanEditForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        if _saved(form, lambda: services.plan_update(by=request.user, plan=plan, **changes)):
            messages.success(request, _("Saved the plan."))
            return redirect("plan-detail", pk=plan.pk)
    return render(
        request,
        "projects/plan_form.html",
        {"form": form, "plan": plan, "title": _("Edit the plan %(year)s") % {"year": plan.year}},
    )


@never_cache
@login_required
def plan_copy(request, pk):
    _require(roles.can_manage_program(request.user), _("Your role may not make plans."))
    plan = _plan_or_404(request.user, pk)
    form = PlanCopyForm(request.POST or None, initial={"year": plan.year + 1, "program": plan.program_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy = _saved(
            form, lambda: services.plan_copy(by=request.user, plan=plan, year=data["year"], program=data["program"])
        )
        if copy:
            messages.success(
                request,
                _("Made the draft plan %(year)s from the plan %(from)s: change the year's basis and what differs.")
                % {"year": copy.year, "from": plan.year},
            )
            return redirect("plan-detail", pk=copy.pk)
    title = _("Make next year's plan from the plan %(year)s") % {"year": plan.year}
    return render(request, "projects/plan_form.html", {"form": form, "plan": plan, "title": title})


@require_POST
@login_required
def plan_correct(request, pk):
    _require(roles.can_manage_program(request.user), _("Your role may not make plans."))
    plan = _plan_or_404(request.user, pk)
    try:
        correction = services.plan_correct(by=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plan-detail", pk=plan.pk)
    messages.success(request, _("Made a correction (version %(v)s) as a draft.") % {"v": correction.version})
    return redirect("plan-detail", pk=correction.pk)


@never_cache
@login_required
def plan_issue(request, pk):
    _require(roles.can_issue_plan(request.user), _("Only the ward leader issues (signs) a plan."))
    plan = _plan_or_404(request.user, pk)
    form = PlanIssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        issued = _saved(
            form,
            lambda: services.plan_issue(by=request.user, plan=plan, number=data["number"], issued_on=data["issued_on"]),
        )
        if issued:
            messages.success(request, _("Issued the plan as %(number)s.") % {"number": issued.number})
            return redirect("plan-detail", pk=plan.pk)
    title = _("Issue the plan %(year)s") % {"year": plan.year}
    return render(request, "projects/plan_form.html", {"form": form, "plan": plan, "title": title})


@never_cache
@login_required
def plan_item_edit(request, pk, item_pk=None):
    """Add or change an item of a draft plan (section III), with its lead and coordinating units."""
    _require(roles.can_manage_program(request.user), _("Your role may not change plans."))
    plan = _plan_or_404(request.user, pk)
    item = get_object_or_404(plan.items, pk=item_pk) if item_pk else None
    if plan.is_frozen:
        messages.error(
            request,
            _("An issued plan is frozen. To change it, make a correction: a new version that replaces it once issued."),
        )
        return redirect("plan-detail", pk=plan.pk)
    initial = {}
    if item is not None:
        names = (
            "number",
            "group_number",
            "group_heading",
            "heading",
            "subproject",
            "objective",
            "targets_content",
            "lead_text",
            "coordinating_text",
        )
        initial = {name: getattr(item, name) for name in names}
        assignments = list(item.assignments.all())
        initial["lead_unit"] = next((a.unit_id for a in assignments if a.role == "lead"), None)
        initial["coordinating_units"] = [a.unit_id for a in assignments if a.role == "coordinating"]
    form = PlanItemForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lead, coordinating = data.pop("lead_unit"), list(data.pop("coordinating_units"))
        saved = _saved(
            form,
            lambda: services.plan_item_save(
                by=request.user, plan=plan, item=item, lead_unit=lead, coordinating_units=coordinating, **data
            ),
        )
        if saved:
            messages.success(request, _("Saved item %(number)s of the plan.") % {"number": saved.number})
            return redirect("plan-detail", pk=plan.pk)
    title = (
        _("Item %(number)s of the plan %(year)s") % {"number": item.number, "year": plan.year}
        if item
        else _("Add an item to the plan %(year)s") % {"year": plan.year}
    )
    return render(request, "projects/plan_form.html", {"form": form, "plan": plan, "title": title})


# --- Budgets and indicators --------------------------------------------------------------


@never_cache
@login_required
def plan_budgets(request, pk):
    user = request.user
    _require(selectors.may_see_money(user), _("Your role does not see budgets."))
    plan = _plan_or_404(user, pk)
    can_edit = roles.can_manage_program(user) and plan.state != rules.PlanState.SUPERSEDED
    form = BudgetForm(request.POST or None, plan=plan) if can_edit else None
    if request.method == "POST":
        _require(can_edit, _("Your role may not change budgets or indicators."))
        if form.is_valid():
            data = form.cleaned_data
            if _saved(
                form,
                lambda: services.budget_set(
                    by=user,
                    plan=plan,
                    subproject=data["subproject"],
                    funding_source=data["funding_source"],
                    allocated=data["allocated"],
                    note=data["note"],
                ),
            ):
                messages.success(request, _("Saved the allocation."))
                return redirect("plan-budgets", pk=plan.pk)
    rows, unbudgeted = selectors.budget_summary(plan)
    context = {
        "plan": plan,
        "rows": rows,
        "totals": rules.budget_totals(rows),
        "unbudgeted": unbudgeted,
        "form": form,
    }
    return render(request, "projects/plan_budgets.html", context)


@never_cache
@login_required
def plan_indicators(request, pk):
    user = request.user
    _require(selectors.may_see_money(user), _("Your role does not see the plan's indicators."))
    plan = _plan_or_404(user, pk)
    can_edit = roles.can_manage_program(user) and plan.state != rules.PlanState.SUPERSEDED
    if request.method == "POST":
        _require(can_edit, _("Your role may not change budgets or indicators."))
        form = IndicatorAchievedForm(request.POST)
        if form.is_valid():
            indicator = get_object_or_404(plan.indicators, pk=form.cleaned_data["indicator"])
            try:
                services.indicator_save(
                    by=user, plan=plan, indicator=indicator, achieved_entered=form.cleaned_data["achieved_entered"]
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Saved the achieved value of “%(name)s”.") % {"name": indicator.name})
        else:
            messages.error(request, _("Enter the achieved value as a number."))
        return redirect("plan-indicators", pk=plan.pk)
    context = {"plan": plan, "rows": selectors.indicator_rows(plan), "can_edit": can_edit}
    return render(request, "projects/plan_indicators.html", context)


# --- Sub-projects ---------------------------------------------------------------------------


@never_cache
@login_required
def subproject_detail(request, pk):
    user = request.user
    subproject = get_object_or_404(selectors.subproject_list(), pk=pk)
    support = selectors.subproject_support(user=user, subproject=subproject)
    context = {
        "subproject": subproject,
        "rule": rules.TargetRule(subproject.target_rule).label,
        "items": selectors.subproject_plan_items(user=user, subproject=subproject),
        "page": Paginator(support, PAGE_SIZE).get_page(request.GET.get("page")),
        "total": selectors.support_total(support),
        "link_households": not roles.is_unit_member(user),
    }
    return render(request, "projects/subproject_detail.html", context)


# --- Support given ----------------------------------------------------------------------------


@never_cache
@login_required
def support_list(request):
    user = request.user
    subproject = request.GET.get("subproject")
    year = request.GET.get("year")
    support = selectors.intervention_list(
        user=user, subproject_id=small_int(subproject) or None, year=small_int(year, high=9999) or None
    )
    page = Paginator(support, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "query": params.urlencode(),
        "subprojects": selectors.subproject_list(),
        "chosen_subproject": subproject or "",
        "year": year or "",
        "can_record": roles.can_record_support(user),
        "link_households": not roles.is_unit_member(user),
    }
    return render(request, "projects/support_list.html", context)


@never_cache
@login_required
def support_detail(request, pk):
    try:
        support = selectors.intervention_get(user=request.user, pk=pk)
    except selectors.Intervention.DoesNotExist:
        raise Http404(_("No such support record.")) from None
    context = {
        "support": support,
        "may_see_household": may_see_household(user=request.user, household_id=support.household_id),
    }
    return render(request, "projects/support_detail.html", context)


def _over_budget(form) -> str | None:
    """The over-allocation warning a service gave, to be confirmed by saving again."""
    for error in form.errors.as_data().get("amount", []):
        if error.code == "over_budget":
            return error.messages[0]
    return None


@never_cache
@login_required
def support_create(request):
    """Support for one household (?household=<id>), or for one of its members."""
    user = request.user
    _require(roles.can_record_support(user), _("Your role may not record support."))
    household_id = request.GET.get("household") or request.POST.get("household")
    code = (request.GET.get("code") or "").strip()
    if code and not household_id:
        found = selectors.support_household_id_by_code(user=user, code=code)
        household_id = str(found) if found else ""
    household_id = small_int(household_id)
    if not household_id:
        context = {"title": _("Record support"), "code": code, "not_found": bool(code)}
        return render(request, "projects/support_pick.html", context)
    household = get_object_or_404(selectors.support_households(user=user), pk=household_id)
    data = request.POST.copy() if request.method == "POST" else None
    form = SupportForm(data, household=household, initial={"date": timezone.localdate(), "quantity": 1})
    warning = None
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        support = _saved(form, lambda: services.intervention_record(by=user, household=household, **fields))
        if support:
            messages.success(
                request,
                _("Recorded the support to %(code)s – %(name)s.")
                % {"code": household.code, "name": household.head_name},
            )
            return redirect("support-detail", pk=support.pk)
        warning = _over_budget(form)
        if warning:
            data["over_budget_ok"] = "on"
            form = SupportForm(data, household=household)
            form.is_valid()
    context = {
        "form": form,
        "household": household,
        "warning": warning,
        "may_override": roles.can_override_eligibility(user),
        "title": _("Record support to %(code)s – %(name)s") % {"code": household.code, "name": household.head_name},
    }
    return render(request, "projects/support_form.html", context)


@never_cache
@login_required
def support_bulk(request):
    """The same support for a list of households: choose a khối and a group, untick, record in one action."""
    user = request.user
    _require(roles.can_record_support(user), _("Your role may not record support."))
    khois = selectors.support_khoi_list(user=user)
    source = request.POST if request.method == "POST" else request.GET
    choose = BulkChooseForm(source or None, khois=khois, initial={"group": "poor"})
    group, khoi = "poor", ""
    if choose.is_valid():
        group, khoi = choose.cleaned_data["group"], choose.cleaned_data["khoi"]
    candidates = selectors.support_candidates(
        user=user, khoi_id=int(khoi) if khoi else None, statuses=GROUP_STATUSES.get(group), on=timezone.localdate()
    )
    data = request.POST.copy() if request.method == "POST" else None
    form = BulkSupportForm(data, initial={"date": timezone.localdate(), "quantity": 1, "kind": "in_kind"})
    warning = None
    checked = {h.pk for h in candidates}
    if request.method == "POST" and request.POST.get("record"):
        ids = [small_int(v) for v in request.POST.getlist("households") if small_int(v)]
        checked = set(ids)
        if form.is_valid():
            fields = form.service_fields()
            batch = _saved(form, lambda: services.intervention_record_bulk(by=user, household_ids=ids, **fields))
            if batch:
                messages.success(
                    request,
                    ngettext(
                        "Recorded the support for %(n)s household in one action.",
                        "Recorded the support for %(n)s households in one action.",
                        batch.households,
                    )
                    % {"n": batch.households},
                )
                return redirect("support-list")
            warning = _over_budget(form)
            if warning:
                data["over_budget_ok"] = "on"
                form = BulkSupportForm(data)
                form.is_valid()
    elif request.method == "POST":
        form = BulkSupportForm(initial={**request.POST.dict(), "date": timezone.localdate(), "quantity": 1})
    context = {
        "choose": choose,
        "form": form,
        "candidates": candidates,
        "checked": checked,
        "warning": warning,
        "may_override": roles.can_override_eligibility(user),
        "title": _("Record the same support for a list of households"),
    }
    return render(request, "projects/support_bulk.html", context)


def household_support(*, user, household: Household):
    """For the household's page: its support, and whether the user may record more."""
    return list(selectors.household_support(user=user, household=household)), roles.can_record_support(user)
