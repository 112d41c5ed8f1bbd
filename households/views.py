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

from assignments import selectors as task_selectors
from hungbinh.accounts import roles
from projects import selectors as program_selectors

from . import conflicts, history, personal_data, rules, selectors, services
from .filters import HouseholdFilter
from .forms import (
    HouseholdCreateForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    MemberEditForm,
    MemberForm,
    MemberRemovalForm,
    StatusChangeForm,
    add_service_errors,
)
from .models import Household, Member
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
    context = {"wards": wards, "as_of": as_of}
    # Overdue tasks of the plans (assignments/, docs/program.md): the count and the most overdue.
    overdue = task_selectors.dashboard_overdue(user=request.user, today=as_of)
    shown = list(overdue[:6])
    context["overdue_tasks"] = shown[:5]
    context["overdue_count"] = overdue.count() if len(shown) > 5 else len(shown)
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
    query = HouseholdFilter(data).query  # the API's parameters, read the API's way
    filter_form = HouseholdFilterForm(data, user=user)
    filter_form.is_valid()  # Only to show what is wrong next to the filter.
    page = Paginator(selectors.household_list(user=user, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    as_of = query.as_of_date
    rows = [(h, h.newly_escaped_until() if h.is_newly_escaped(as_of) else None) for h in page.object_list]

    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    filtered = any(value for key, value in params.items() if key != "as_of")
    export_url = reverse("report-households-xlsx")
    can_reveal = personal_data.may_reveal_id_numbers(user)
    pdf_url = reverse("report-households-pdf")
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
        "pdf_url": f"{pdf_url}?{query}" if query else pdf_url,
        "import_url": reverse("household-import"),
        "show_ward": "ward" in filter_form.fields,
        "can_edit": roles.can_edit_registry(user),
        "can_import": roles.can_manage_ward(user),
    }
    return render(request, "households/household_list.html", context)


# --- Detail -----------------------------------------------------------------


def _group_labels(groups) -> list[str]:
    return [str(PriorityGroup(g).label) for g in groups]


def _shows_id_numbers(changes) -> bool:
    label = str(Member._meta.get_field("id_number").verbose_name)
    return any(name == label and value != "—" for c in changes for name, *values in c.fields for value in values)


@never_cache
@login_required
def household_detail(request, pk):
    user = request.user
    household = _household_or_404(user, pk)
    today = timezone.localdate()
    is_target = household.is_target(today)
    disclosure, people = personal_data.people(
        user=user,
        members=selectors.household_members(user=user, household=household),
        path=request.path,
        reveal_ids=request.GET.get("show_ids") == "1",
        as_of=today,
        household_is_target=is_target,
    )
    changes = history.household_changes(household, disclosure=disclosure)
    if disclosure.reveal_ids and not any(p.member.id_number for p in people) and _shows_id_numbers(changes):
        # No current member has a number (people() logged nothing), but the history shows old ones in full.
        disclosure.log(
            channel=personal_data.Channel.VIEW, path=request.path, household_ids=[household.pk], member_count=1
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
        "removals": selectors.household_removals(user=user, household=household),
        "changes": changes,
        "can_edit": roles.can_edit_registry(user),
        # The support the household and its members received (projects/, docs/program.md).
        "supports": list(program_selectors.household_support(user=user, household=household)),
        "can_record_support": roles.can_record_support(user),
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
    wards = {k.ward_id for k in selectors.khoi_list(user=request.user)}
    suggested = selectors.next_household_code(ward_id=wards.pop()) if len(wards) == 1 else ""
    form = HouseholdCreateForm(request.POST or None, user=request.user, suggested_code=suggested)
    if request.method == "POST" and form.is_valid():
        outcome = _through_service(form, lambda: services.household_create(by=request.user, **form.service_fields()))
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


def _household_values(obj) -> dict:
    """The editable fields of a household, or of one of its history records, as three_way compares them."""
    return {name: getattr(obj, "khoi_id" if name == "khoi" else name) for name in EDIT_FIELDS}


def _editor_disclosure(user) -> personal_data.Disclosure:
    """How a stale form's notice shows people's data to the editor: ID numbers masked."""
    return personal_data.Disclosure(user=user, reveal_ids=False, sensitive=personal_data.may_see_sensitive(user))


@never_cache
@login_required
def household_edit(request, pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    status, notice = 200, None
    if request.method == "POST":
        conflicts = [(name, "") for name in HouseholdEditForm.conflicts_in(request.POST)]
        form = HouseholdEditForm(request.POST, user=request.user, conflicts=conflicts)
        if form.is_valid():
            mine = {name: form.cleaned_data[name] for name in EDIT_FIELDS}
            mine.update({name: getattr(household, name) for name in form.conflict_names if form.keeps_saved(name)})
            outcome = _through_service(
                form,
                lambda: services.household_update(
                    by=request.user, household=household, version=form.cleaned_data["version"], **mine
                ),
            )
            if outcome.stale:
                form, notice = _merge_household(request, household, form.cleaned_data["version"], mine)
                status = 409 if form is not None else 200
            if outcome.saved or (outcome.stale and form is None):
                if notice:
                    messages.info(request, notice.headline)
                messages.success(request, _("Saved the changes to household %(code)s.") % {"code": mine["code"]})
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
        "notice": notice,
    }
    return render(request, "households/household_form.html", context, status=status)


def _merge_household(request, household, read_version: int, mine: dict):
    """A stale household save: write it when nothing collides (form None), else a form to settle the collisions."""
    user = request.user
    current = _household_or_404(user, household.pk)
    record = history.household_state(household.pk, read_version)
    read = _household_values(record) if record else None
    merged = conflicts.merge(read=read, mine=mine, current=_household_values(current))
    changes = history.changes_after(record, disclosure=_editor_disclosure(user)) if record else []
    if merged.clean:
        try:
            services.household_update(
                by=user, household=current, version=current.version, **{n: mine[n] for n in merged.changes}
            )
        except (services.StaleVersion, ValidationError):
            pass  # Changed yet again, or no longer valid: show the form below with every difference asked about.
        else:
            return None, conflicts.StaleNotice(changes, conflicts.headline(user, changes, saved=True), saved=True)
        merged = conflicts.merge(read=None, mine=mine, current=_household_values(current))
    values = {name: getattr(current, name) for name in EDIT_FIELDS}
    values.update({name: mine[name] for name in (*merged.changes, *merged.conflicts)})
    texts = [
        (name, history.value_text(Household, name, _household_values(current)[name], disclosure=None))
        for name in merged.conflicts
    ]
    form = HouseholdEditForm(initial={**values, "version": current.version}, user=user, conflicts=texts)
    return form, conflicts.StaleNotice(changes, conflicts.headline(user, changes, saved=False), conflicts=texts)


@dataclass
class Outcome:
    saved: bool
    result: object = None
    stale: bool = False

    @property
    def status(self) -> int:
        return 409 if self.stale else 200


def _through_service(form, call) -> Outcome:
    """Run a service for a valid form; what it refuses lands on the form and nothing is saved.

    A stale save is left to the caller, who keeps what was typed and shows what changed.
    """
    try:
        return Outcome(saved=True, result=call())
    except services.StaleVersion:
        return Outcome(saved=False, stale=True)
    except ValidationError as error:
        add_service_errors(form, error)
        return Outcome(saved=False)


@never_cache
@login_required
def household_change_status(request, pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    status, notice = 200, None
    form = StatusChangeForm(request.POST or None, initial={"version": household.version}, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        outcome = _through_service(
            form,
            lambda: services.household_change_status(by=request.user, household=household, version=version, **data),
        )
        status, change = outcome.status, outcome.result
        if outcome.stale:
            notice, form = _stale_status_form(request, household, version, form)
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
        "notice": notice,
    }
    return render(request, "households/status_form.html", context, status=status)


def _stale_status_form(request, household, read_version: int, form):
    """The status form again, with what was typed, what changed meanwhile, and the current version."""
    current = _household_or_404(request.user, household.pk)
    record = history.household_state(household.pk, read_version)
    changes = history.changes_after(record, disclosure=None) if record else []
    notice = conflicts.StaleNotice(changes, conflicts.headline(request.user, changes, saved=False))
    data = form.data.copy()
    data["version"] = str(current.version)
    return notice, StatusChangeForm(data, user=request.user)


# --- Member forms ---------------------------------------------------------------


MEMBER_INITIAL_FIELDS = ("full_name", "birth_date", "gender", "relation", "ethnicity", "is_disabled", "has_merit")


@never_cache
@login_required
def member_create(request, pk):
    """A new member conflicts with nothing: no version is checked (the API keeps its own)."""
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    form = MemberForm(request.POST or None, initial={"ethnicity": "Kinh"})
    if request.method == "POST" and form.is_valid():
        outcome = _through_service(
            form,
            lambda: services.member_create(by=request.user, household=household, **form.service_fields()),
        )
        if outcome.saved:
            messages.success(request, _("Saved the new member %(name)s.") % {"name": outcome.result.full_name})
            return redirect("household-detail", pk=household.pk)
    context = {"form": form, "household": household, "title": _("Add a member")}
    return render(request, "households/member_form.html", context)


def _member_values(obj) -> dict:
    return {name: getattr(obj, name) for name in services.MEMBER_FIELDS}


@never_cache
@login_required
def member_edit(request, pk, member_pk):
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    member = get_object_or_404(household.members, pk=member_pk)
    masked = personal_data.mask_id_number(member.id_number)
    status, notice = 200, None
    if request.method == "POST":
        conflicts_asked = [(name, "") for name in MemberEditForm.conflicts_in(request.POST)]
        form = MemberEditForm(request.POST, masked_id_number=masked, conflicts=conflicts_asked, stored=_stored(member))
        if form.is_valid():
            mine = form.service_fields()
            mine.update({name: getattr(member, name) for name in form.conflict_names if form.keeps_saved(name)})
            seen = form.cleaned_data["seen"]
            outcome = _through_service(
                form, lambda: services.member_update(by=request.user, member=member, seen=seen, **mine)
            )
            if outcome.stale:
                form, notice = _merge_member(request, member, seen, mine)
                status = 409 if form is not None else 200
            if outcome.saved or (outcome.stale and form is None):
                if notice:
                    messages.info(request, notice.headline)
                messages.success(request, _("Saved the changes to member %(name)s.") % {"name": member.full_name})
                return redirect("household-detail", pk=household.pk)
    else:
        initial = {name: getattr(member, name) for name in MEMBER_INITIAL_FIELDS}
        form = MemberEditForm(
            initial={**initial, "seen": history.member_mark(member.pk)}, masked_id_number=masked, stored=_stored(member)
        )
    return _member_page(request, household, member, form, notice=notice, status=status)


def _stored(member) -> dict:
    return {"relation": member.relation, "ethnicity": member.ethnicity}


def _member_page(request, household, member, form, *, notice=None, status=200, removal_form=None):
    """A member's form, with the form that removes the member (asking why) below it."""
    mark = history.member_mark(member.pk)
    removal_form = removal_form or MemberRemovalForm(initial={"left_on": timezone.localdate(), "seen": mark})
    context = {
        "form": form,
        "removal_form": removal_form,
        "household": household,
        "member": member,
        "title": _("Edit member %(name)s") % {"name": member.full_name},
        "notice": notice,
    }
    return render(request, "households/member_form.html", context, status=status)


def _merge_member(request, member, seen: int | None, mine: dict):
    """A stale member save: written when nothing collides (form None), else a form to settle the collisions."""
    user = request.user
    current = get_object_or_404(selectors.member_list(user=user), pk=member.pk)
    record = history.member_state(member.pk, seen) if seen else None
    disclosure = _editor_disclosure(user)
    read = _member_values(record) if record else None
    merged = conflicts.merge(read=read, mine=mine, current=_member_values(current))
    changes = history.changes_after(record, disclosure=disclosure) if record else []
    if merged.clean:
        try:
            services.member_update(
                by=user, member=current, seen=history.member_mark(current.pk), **{n: mine[n] for n in merged.changes}
            )
        except (services.StaleVersion, ValidationError):
            pass
        else:
            return None, conflicts.StaleNotice(changes, conflicts.headline(user, changes, saved=True), saved=True)
        merged = conflicts.merge(read=None, mine=mine, current=_member_values(current))
    values = {name: getattr(current, name) for name in MEMBER_INITIAL_FIELDS}
    values.update({name: mine[name] for name in (*merged.changes, *merged.conflicts) if name in MEMBER_INITIAL_FIELDS})
    if "id_number" in (*merged.changes, *merged.conflicts):
        values["id_number"] = mine["id_number"]  # The user's own typing; the stored number stays off the page.
    texts = [
        (name, history.value_text(Member, name, getattr(current, name), disclosure=disclosure))
        for name in merged.conflicts
    ]
    form = MemberEditForm(
        initial={**values, "seen": history.member_mark(current.pk)},
        masked_id_number=personal_data.mask_id_number(current.id_number),
        conflicts=texts,
        stored=_stored(current),
    )
    return form, conflicts.StaleNotice(changes, conflicts.headline(user, changes, saved=False), conflicts=texts)


@never_cache
@login_required
@require_POST
def member_delete(request, pk, member_pk):
    """Remove a member, saying why and when (docs/member-removal.md)."""
    _require_editor(request.user)
    household = _household_or_404(request.user, pk)
    member = get_object_or_404(household.members, pk=member_pk)
    removal_form = MemberRemovalForm(request.POST)
    if removal_form.is_valid() and removal_form.cleaned_data["seen"] is None:
        return HttpResponseBadRequest(_("The form is missing what it showed of the member; reload the page."))
    if removal_form.is_valid():
        data = removal_form.cleaned_data
        try:
            removal = services.member_delete(
                by=request.user,
                member=member,
                seen=data["seen"],
                reason=data["reason"],
                left_on=data["left_on"],
                note=data["note"],
            )
        except services.StaleMember:
            messages.warning(request, _changed_before_removal(request.user, member, data["seen"]))
            return redirect("member-edit", pk=household.pk, member_pk=member.pk)
        except ValidationError as error:
            add_service_errors(removal_form, error)
        else:
            done = _("Removed member %(name)s from the household (%(reason)s, %(date)s); the history keeps the record.")
            reason, day = removal.get_reason_display(), _fmt_date(removal.left_on)
            messages.success(request, done % {"name": member.full_name, "reason": reason, "date": day})
            return redirect("household-detail", pk=household.pk)
    initial = {name: getattr(member, name) for name in MEMBER_INITIAL_FIELDS}
    form = MemberEditForm(
        initial={**initial, "seen": history.member_mark(member.pk)},
        masked_id_number=personal_data.mask_id_number(member.id_number),
        stored=_stored(member),
    )
    return _member_page(request, household, member, form, removal_form=removal_form)


def _changed_before_removal(user, member, seen: int) -> str:
    record = history.member_state(member.pk, seen)
    changes = history.changes_after(record, disclosure=_editor_disclosure(user)) if record else []
    nothing = _("Nothing was removed: check the member's details below, then remove again if it still applies.")
    return f"{conflicts.headline(user, changes, saved=False)} {nothing}"
