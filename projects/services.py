"""Writes of the program: plans and their states, budgets, indicators, support given
(docs/program.md). Each function is one transaction and checks role, scope and input.

Errors a user can fix are Django ValidationErrors with Vietnamese messages keyed
by field (NON_FIELD_ERRORS for the whole record); a role that may not act is
PermissionDenied (403); an object outside the user's scope is Http404.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from households.models import Household, Member
from households.text import nfc
from hungbinh.accounts.roles import (
    can_issue_plan,
    can_manage_program,
    can_override_eligibility,
    can_record_support,
    is_unit_member,
)

from . import rules, selectors
from .models import (
    PLAN_BODY_FIELDS,
    PLAN_HEADER_FIELDS,
    Budget,
    FundingSource,
    Indicator,
    Intervention,
    Plan,
    PlanItem,
    PlanReference,
    Program,
    SubProject,
    SupportBatch,
)
from .rules import PERSONAL_RULES, PlanOrigin, PlanState


def _today() -> date:
    return timezone.localdate()


def _require(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


def _require_plan_in_scope(user, plan: Plan) -> Plan:
    """The plan again, locked, if the user may see it; a 404 otherwise."""
    if not selectors.plan_list(user=user).filter(pk=plan.pk).exists():
        raise Http404(_("No such plan."))
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _require_draft(plan: Plan):
    if plan.is_frozen:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Plan %(plan)s is %(state)s and cannot be changed. To change an issued plan, make a correction: "
                    "a new version that replaces it once issued."
                )
                % {"plan": _plan_label(plan), "state": str(PlanState(plan.state).label).lower()}
            }
        )


def _plan_label(plan: Plan) -> str:
    return f"{plan.year} (v{plan.version})"


# --- Plans -------------------------------------------------------------------------

PLAN_TEXT_FIELDS = ("number", *PLAN_HEADER_FIELDS, *PLAN_BODY_FIELDS)
PLAN_EDITABLE_FIELDS = (*PLAN_TEXT_FIELDS, "dated_on")
PLAN_COPIED_FIELDS = tuple(f for f in PLAN_EDITABLE_FIELDS if f not in ("number", "dated_on"))


def _check_year_free(*, ward_id: int, year: int, program: Program, correction: bool = False):
    problem = rules.plan_year_problem(year=year, start_year=program.start_year, end_year=program.end_year)
    if problem:
        raise ValidationError({"year": problem})
    existing = Plan.objects.filter(ward_id=ward_id, year=year)
    if not correction and existing.filter(state=PlanState.ISSUED).exists():
        raise ValidationError(
            {
                "year": _(
                    "The ward already has an issued plan for %(year)s. A second plan for the same year is not "
                    "allowed: make a correction of the issued plan instead."
                )
                % {"year": year}
            }
        )
    if existing.filter(state=PlanState.DRAFT).exists():
        raise ValidationError(
            {"year": _("The ward already has a draft plan for %(year)s: finish or change that draft.") % {"year": year}}
        )


def _next_version(ward_id: int, year: int) -> int:
    latest = Plan.objects.filter(ward_id=ward_id, year=year).order_by("-version").values_list("version", flat=True)
    return (latest.first() or 0) + 1


@transaction.atomic
def plan_create(*, by, ward, program: Program, year: int, **fields) -> Plan:
    """A new draft plan for the ward and year (refused when the year has an issued or a draft plan)."""
    _require(can_manage_program(by), _("Your role may not make plans."))
    from households.selectors import ward_list

    if not ward_list(user=by).filter(pk=ward.pk).exists():
        raise Http404(_("No such ward."))
    _check_year_free(ward_id=ward.pk, year=year, program=program)
    unknown = set(fields) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    cleaned = {k: nfc(v) if isinstance(v, str) else v for k, v in fields.items()}
    cleaned.setdefault("issuing_body", f"PHƯỜNG {ward.name.upper()}")
    cleaned.setdefault("place", ward.name)
    if not cleaned.get("subject", "").strip() or not cleaned.get("basis", "").strip():
        raise ValidationError(
            {
                **({"subject": _("Enter the plan's subject.")} if not cleaned.get("subject", "").strip() else {}),
                **({"basis": _("Enter the plan's basis.")} if not cleaned.get("basis", "").strip() else {}),
            }
        )
    plan = Plan(ward=ward, program=program, year=year, version=_next_version(ward.pk, year), created_by=by, **cleaned)
    plan._history_user = by
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, by, plan: Plan, **changes) -> Plan:
    """Change a draft plan's text; an issued or superseded plan is refused (frozen)."""
    _require(can_manage_program(by), _("Your role may not change plans."))
    plan = _require_plan_in_scope(by, plan)
    _require_draft(plan)
    unknown = set(changes) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    errors = {}
    for name in ("subject", "basis", "issuing_body", "place"):
        if name in changes and not str(changes[name]).strip():
            errors[name] = _("This part of the plan may not be empty.")
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(plan, name, nfc(value) if isinstance(value, str) else value)
    plan._history_user = by
    plan.save()
    return plan


def _copy_plan(source: Plan, *, into: Plan, subproject_map: dict[int, SubProject], year_from: int, year_to: int):
    """Copy the source's references, items with their units, duties, budgets and indicators into `into`."""
    from assignments.models import Duty, ItemAssignment

    def moved(text: str) -> str:
        return rules.retitle_year(text, year_from, year_to)

    PlanReference.objects.bulk_create(
        PlanReference(
            plan=into, position=r.position, document=r.document, issued_on=r.issued_on, issuer=r.issuer, title=r.title
        )
        for r in source.references.all()
    )
    items = list(source.items.prefetch_related("assignments"))
    new_items = PlanItem.objects.bulk_create(
        PlanItem(
            plan=into,
            position=i.position,
            number=i.number,
            group_number=i.group_number,
            group_heading=i.group_heading,
            heading=i.heading,
            subproject=subproject_map[i.subproject_id],
            objective=moved(i.objective),
            targets_content=moved(i.targets_content),
            lead_text=i.lead_text,
            coordinating_text=i.coordinating_text,
        )
        for i in items
    )
    ItemAssignment.objects.bulk_create(
        ItemAssignment(item=new, unit_id=a.unit_id, role=a.role)
        for old, new in zip(items, new_items, strict=True)
        for a in old.assignments.all()
    )
    for duty in source.duties.prefetch_related("units"):
        copy = Duty.objects.create(plan=into, position=duty.position, heading=duty.heading, text=moved(duty.text))
        copy.units.set(duty.units.all())
    Budget.objects.bulk_create(
        Budget(
            plan=into,
            subproject=subproject_map[b.subproject_id] if b.subproject_id else None,
            funding_source_id=b.funding_source_id,
            allocated=b.allocated,
            note=b.note,
        )
        for b in source.budgets.all()
    )
    Indicator.objects.bulk_create(
        Indicator(
            plan=into,
            position=i.position,
            name=moved(i.name),
            unit=i.unit,
            source=i.source,
            subproject=subproject_map[i.subproject_id] if i.subproject_id else None,
            funding_source_id=i.funding_source_id,
            households_total=i.households_total,
            baseline=i.baseline,
            target=i.target,
            note=i.note,
        )
        for i in source.indicators.all()
    )


def _subproject_map(source: Plan, program: Program) -> dict[int, SubProject]:
    """The source plan's sub-projects in `program`, matched by code (the same ones when the program is the same)."""
    used = set(source.items.values_list("subproject_id", flat=True))
    used |= set(source.budgets.exclude(subproject=None).values_list("subproject_id", flat=True))
    used |= set(source.indicators.exclude(subproject=None).values_list("subproject_id", flat=True))
    old = {s.pk: s for s in SubProject.objects.filter(pk__in=used)}
    if program.pk == source.program_id:
        return old
    by_code = {s.code: s for s in SubProject.objects.filter(program=program)}
    missing = sorted({s.code for s in old.values() if s.code not in by_code})
    if missing:
        raise ValidationError(
            {
                "program": _(
                    "Program “%(program)s” has no sub-project %(codes)s used by the plan being copied. Add them to "
                    "the program (administration) first, or copy the plan within its own program."
                )
                % {"program": program, "codes": ", ".join(missing)}
            }
        )
    return {pk: by_code[s.code] for pk, s in old.items()}


@transaction.atomic
def plan_copy(*, by, plan: Plan, year: int, program: Program | None = None) -> Plan:
    """Next year's plan from this one in one step: a draft with the whole text, items and their units,
    duties, budget lines and indicators; “năm 2025” in the text becomes “năm 2026”. The achieved values,
    number and dates are not copied."""
    _require(can_manage_program(by), _("Your role may not make plans."))
    source = _require_plan_in_scope(by, plan)
    program = program or source.program
    if year == source.year:
        raise ValidationError(
            {"year": _("Choose another year: a change to this year's plan is a correction, not a copy.")}
        )
    _check_year_free(ward_id=source.ward_id, year=year, program=program)
    subproject_map = _subproject_map(source, program)
    fields = {name: getattr(source, name) for name in PLAN_COPIED_FIELDS}
    for name in PLAN_TEXT_FIELDS:
        if name in fields:
            fields[name] = rules.retitle_year(fields[name], source.year, year)
    new = Plan(
        ward_id=source.ward_id,
        program=program,
        year=year,
        version=_next_version(source.ward_id, year),
        state=PlanState.DRAFT,
        origin=PlanOrigin.COPY,
        previous=source,
        created_by=by,
        **fields,
    )
    new._history_user = by
    new.save()
    _copy_plan(source, into=new, subproject_map=subproject_map, year_from=source.year, year_to=year)
    return new


@transaction.atomic
def plan_correct(*, by, plan: Plan) -> Plan:
    """A correction of an issued plan: a new draft version of the same year with the same content.
    Issuing it supersedes the plan it corrects."""
    _require(can_manage_program(by), _("Your role may not make plans."))
    source = _require_plan_in_scope(by, plan)
    if source.state != PlanState.ISSUED:
        raise ValidationError({NON_FIELD_ERRORS: _("Only an issued plan is corrected; a draft is simply edited.")})
    _check_year_free(ward_id=source.ward_id, year=source.year, program=source.program, correction=True)
    fields = {name: getattr(source, name) for name in PLAN_COPIED_FIELDS}
    new = Plan(
        ward_id=source.ward_id,
        program=source.program,
        year=source.year,
        version=_next_version(source.ward_id, source.year),
        state=PlanState.DRAFT,
        origin=PlanOrigin.CORRECTION,
        previous=source,
        created_by=by,
        **fields,
    )
    new._history_user = by
    new.save()
    _copy_plan(
        source,
        into=new,
        subproject_map=_subproject_map(source, source.program),
        year_from=source.year,
        year_to=source.year,
    )
    return new


@transaction.atomic
def plan_issue(*, by, plan: Plan, number: str, issued_on: date, dated_on: date | None = None) -> Plan:
    """Issue a draft with its number and date: it is frozen from then on. A correction supersedes the
    issued plan of its year; any other draft is refused when the year already has an issued plan."""
    _require(can_issue_plan(by), _("Only the ward leader issues (signs) a plan."))
    plan = _require_plan_in_scope(by, plan)
    _require_draft(plan)
    errors = {}
    number = nfc(number or "").strip()
    problem = rules.plan_number_problem(number)
    if problem:
        errors["number"] = problem
    if issued_on is None:
        errors["issued_on"] = _("Enter the date of issue as dd/mm/yyyy.")
    elif issued_on > _today():
        errors["issued_on"] = _("A plan cannot be issued with a date in the future.")
    if errors:
        raise ValidationError(errors)
    from assignments.models import ItemAssignment
    from assignments.rules import AssignmentRole

    without_lead = list(
        plan.items.exclude(
            pk__in=ItemAssignment.objects.filter(item__plan=plan, role=AssignmentRole.LEAD).values("item_id")
        ).values_list("number", flat=True)
    )
    if without_lead:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Every plan item needs a lead unit before issuing; missing in item(s) %(items)s.")
                % {"items": ", ".join(without_lead)}
            }
        )
    issued = Plan.objects.select_for_update().filter(ward_id=plan.ward_id, year=plan.year, state=PlanState.ISSUED)
    current = issued.first()
    if current is not None:
        if plan.origin != PlanOrigin.CORRECTION:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "The ward already has an issued plan for %(year)s (%(number)s). A second plan for the "
                        "same year is refused; make a correction of that plan instead."
                    )
                    % {"year": plan.year, "number": current.number or _("without number")}
                }
            )
        current.state = PlanState.SUPERSEDED
        current._history_user = by
        current.save(update_fields=["state", "updated_at"])
    plan.state = PlanState.ISSUED
    plan.number = number
    plan.issued_on = issued_on
    plan.dated_on = dated_on or plan.dated_on or issued_on
    plan.issued_by = by
    plan._history_user = by
    plan.save()
    return plan


# --- Plan items ----------------------------------------------------------------------


@transaction.atomic
def plan_item_save(
    *,
    by,
    plan: Plan,
    item: PlanItem | None = None,
    lead_unit=None,
    coordinating_units=(),
    **fields,
) -> PlanItem:
    """Add or change an item of a draft plan, with its lead unit (required) and coordinating units."""
    from assignments.models import ItemAssignment
    from assignments.rules import AssignmentRole

    _require(can_manage_program(by), _("Your role may not change plans."))
    plan = _require_plan_in_scope(by, plan)
    _require_draft(plan)
    errors = {}
    if lead_unit is None:
        errors["lead_unit"] = _("Choose the lead unit: every plan item has one unit answering for it.")
    units = [u for u in [lead_unit, *coordinating_units] if u is not None]
    if any(u.ward_id != plan.ward_id for u in units):
        errors["coordinating_units"] = _("Choose units of the plan's ward.")
    if lead_unit is not None and lead_unit in coordinating_units:
        errors["coordinating_units"] = _("The lead unit cannot also be a coordinating unit of the same item.")
    sub = fields.get("subproject") or (item.subproject if item else None)
    if sub is None:
        errors["subproject"] = _("Choose the sub-project.")
    elif sub.program_id != plan.program_id:
        errors["subproject"] = _("Choose a sub-project of the plan's program.")
    for name in ("number", "heading", "objective", "targets_content"):
        value = fields.get(name, getattr(item, name, "") if item else "")
        if not str(value).strip():
            errors[name] = _("This field may not be empty.")
    if errors:
        raise ValidationError(errors)
    if item is None:
        item = PlanItem(plan=plan)
        last = plan.items.order_by("-position").values_list("position", flat=True).first()
        item.position = fields.pop("position", None) or (last or 0) + 1
    elif item.plan_id != plan.pk:
        raise Http404(_("No such plan item."))
    for name, value in fields.items():
        setattr(item, name, nfc(value) if isinstance(value, str) else value)
    if not item.lead_text:
        item.lead_text = lead_unit.name
    if not item.coordinating_text:
        item.coordinating_text = ", ".join(u.name for u in coordinating_units) or "các bộ phận có liên quan"
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError({"number": _("The plan already has an item with this number.")}) from exc
    ItemAssignment.objects.filter(item=item).delete()
    ItemAssignment.objects.create(item=item, unit=lead_unit, role=AssignmentRole.LEAD)
    ItemAssignment.objects.bulk_create(
        ItemAssignment(item=item, unit=u, role=AssignmentRole.COORDINATING) for u in coordinating_units
    )
    return item


# --- Budgets and indicators -------------------------------------------------------------


def _require_plan_for_tracking(by, plan: Plan) -> Plan:
    _require(can_manage_program(by), _("Your role may not change budgets or indicators."))
    plan = _require_plan_in_scope(by, plan)
    if plan.state == PlanState.SUPERSEDED:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This plan was superseded by a correction; change the plan in force instead.")}
        )
    return plan


@transaction.atomic
def budget_set(
    *, by, plan: Plan, subproject: SubProject | None, funding_source: FundingSource, allocated, note: str = ""
) -> Budget:
    """The amount allocated to a sub-project from a source. Allocations arrive during the year, so an
    issued plan's budget lines may be set too (not a superseded plan's)."""
    plan = _require_plan_for_tracking(by, plan)
    if allocated is None or isinstance(allocated, bool) or not isinstance(allocated, int):
        raise ValidationError({"allocated": _("The amount is a whole number of đồng, without decimals.")})
    if allocated < 0:
        raise ValidationError({"allocated": _("The amount may not be negative.")})
    if subproject is not None and subproject.program_id != plan.program_id:
        raise ValidationError({"subproject": _("Choose a sub-project of the plan's program.")})
    budget, _created = Budget.objects.update_or_create(
        plan=plan,
        subproject=subproject,
        funding_source=funding_source,
        defaults={"allocated": allocated, "note": nfc(note)},
    )
    return budget


@transaction.atomic
def budget_delete(*, by, budget: Budget) -> None:
    _require_plan_for_tracking(by, budget.plan)
    budget.delete()


INDICATOR_DEFINITION_FIELDS = (
    "name",
    "unit",
    "source",
    "subproject",
    "funding_source",
    "households_total",
    "baseline",
    "target",
    "position",
    "note",
)


@transaction.atomic
def indicator_save(*, by, plan: Plan, indicator: Indicator | None = None, **fields) -> Indicator:
    """Define an indicator (draft plans only) or enter its achieved value (issued plans too)."""
    plan = _require_plan_for_tracking(by, plan)
    definition = {k: v for k, v in fields.items() if k in INDICATOR_DEFINITION_FIELDS}
    unknown = set(fields) - set(INDICATOR_DEFINITION_FIELDS) - {"achieved_entered"}
    if unknown:
        raise ValueError(f"not indicator fields: {sorted(unknown)}")
    if indicator is not None and indicator.plan_id != plan.pk:
        raise Http404(_("No such indicator."))
    changed = {k for k, v in definition.items() if indicator is None or getattr(indicator, k) != v}
    if changed and plan.is_frozen:
        _require_draft(plan)
    indicator = indicator or Indicator(plan=plan)
    for name, value in fields.items():
        setattr(indicator, name, nfc(value) if isinstance(value, str) else value)
    errors = {}
    if not indicator.name.strip():
        errors["name"] = _("Enter the indicator's name.")
    if not indicator.unit.strip():
        errors["unit"] = _("Enter the unit, e.g. %, hộ, người.")
    if indicator.source in rules.RATE_SOURCES and not indicator.households_total and indicator.source != "manual":
        errors["households_total"] = _("A rate needs the ward's total number of households.")
    if errors:
        raise ValidationError(errors)
    indicator.save()
    return indicator


# --- Support given ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Support:
    """What one support and a list's support share: the input without the household (and the member)."""

    subproject: SubProject | None
    funding_source: FundingSource
    on: date
    kind: str
    amount: object
    quantity: object
    description: str
    unit: object

    def record(self, *, by, household: Household, **fields) -> Intervention:
        """The unsaved record of this support for `household`; `fields`: its member or batch, its exception."""
        return Intervention(
            ward_id=household.ward_id,
            household=household,
            subproject=self.subproject,
            funding_source=self.funding_source,
            unit=self.unit,
            date=self.on,
            kind=self.kind,
            description=self.description,
            quantity=self.quantity,
            amount=self.amount,
            recorded_by=by,
            **fields,
        )

    def budget_check(self, *, ward_id, adding, over_budget_ok) -> None:
        _budget_check(
            ward_id=ward_id,
            on=self.on,
            subproject=self.subproject,
            funding_source=self.funding_source,
            adding=adding,
            over_budget_ok=over_budget_ok,
        )


def _support_checked(*, by, support: _Support, today: date | None) -> tuple[_Support, dict]:
    """Checks shared by one support and a list, before their own: the role (403), then the input without the
    household. Returns the support (its description in NFC, a unit member's own unit) and the errors found."""
    _require(can_record_support(by), _("Your role may not record support."))
    errors = rules.support_problems(
        on=support.on,
        today=today or _today(),
        amount=support.amount,
        quantity=support.quantity,
        member_household_id=None,
        household_id=None,
    )
    if support.funding_source is None:
        errors["funding_source"] = _("Choose the funding source.")
    if support.kind not in rules.SupportKind.values:
        errors["kind"] = _("Choose the kind of support.")
    unit = support.unit
    if is_unit_member(by):
        # A unit's account records the support its unit delivers or mobilises.
        if unit is not None and unit.pk != by.unit_id:
            errors["unit"] = _("You record the support of your own unit only.")
        unit = by.unit
    return replace(support, description=nfc(support.description or ""), unit=unit), errors


def _eligibility(subproject, *, on, household, member, steps=None) -> str | None:
    if subproject is None:
        return None
    return rules.eligibility_problem(
        subproject.target_rule,
        on=on,
        household=selectors.household_on(household, on, steps),
        member=selectors.member_on(member),
    )


def _override(*, by, problem: str | None, override_reason: str) -> dict:
    """The exception fields of a support breaking its rule; a ValidationError without a written reason."""
    override_reason = nfc(override_reason or "").strip()
    if not problem:
        return {"eligibility_problem": "", "override_reason": "", "overridden_by": None}
    if not override_reason:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: problem
                + " "
                + _("The support was not recorded. A ward officer may record it as an exception with a written reason.")
            }
        )
    if not can_override_eligibility(by):
        raise PermissionDenied(_("Only a ward officer or leader may record support as an exception to the rule."))
    return {"eligibility_problem": problem, "override_reason": override_reason, "overridden_by": by}


def _budget_check(*, ward_id, on, subproject, funding_source, adding, over_budget_ok):
    if over_budget_ok:
        return
    warning = selectors.budget_warning(
        ward_id=ward_id,
        on=on,
        subproject_id=subproject.pk if subproject else None,
        funding_source_id=funding_source.pk,
        adding=adding,
    )
    if warning:
        raise ValidationError(
            {"amount": ValidationError(warning + " " + _("Confirm to record it anyway."), code="over_budget")}
        )


@transaction.atomic
def intervention_record(
    *,
    by,
    household: Household,
    subproject: SubProject | None,
    funding_source: FundingSource,
    date: date,
    kind: str,
    amount,
    quantity=1,
    member: Member | None = None,
    description: str = "",
    unit=None,
    override_reason: str = "",
    over_budget_ok: bool = False,
    today: date | None = None,
) -> Intervention:
    """Record one support given to a household or one of its members.

    The sub-project's target rule is checked as of the support's date; a support
    breaking it is refused with the reason unless a ward officer writes why it
    is made anyway (kept with the record). Passing the plan's allocation asks
    for confirmation (`over_budget_ok`).
    """
    support, errors = _support_checked(
        by=by,
        support=_Support(subproject, funding_source, date, kind, amount, quantity, description, unit),
        today=today,
    )
    if not selectors.support_households(user=by).filter(pk=household.pk).exists():
        raise Http404(_("No such household."))
    if member is not None and member.household_id != household.pk:
        errors["member"] = _("This person is not a member of the chosen household.")
    if support.unit is not None and support.unit.ward_id != household.ward_id:
        errors["unit"] = _("Choose a unit of the household's ward.")
    if errors:
        raise ValidationError(errors)
    fields = _override(
        by=by,
        problem=_eligibility(subproject, on=date, household=household, member=member),
        override_reason=override_reason,
    )
    support.budget_check(ward_id=household.ward_id, adding=amount, over_budget_ok=over_budget_ok)
    intervention = support.record(
        by=by, household=household, member=member, member_name=member.full_name if member else "", **fields
    )
    intervention._history_user = by
    intervention.save()
    return intervention


@transaction.atomic
def intervention_record_bulk(
    *,
    by,
    household_ids,
    subproject: SubProject | None,
    funding_source: FundingSource,
    date: date,
    kind: str,
    amount,
    quantity=1,
    description: str = "",
    unit=None,
    override_reason: str = "",
    over_budget_ok: bool = False,
    today: date | None = None,
) -> SupportBatch:
    """The same support for a list of households in one action (Tết gifts for every poor household of a
    khối): all or nothing, in a fixed number of queries whatever the list's length.

    A household outside the user's scope is a 404 for the whole action. Households breaking the
    sub-project's rule are listed with their reasons and nothing is written, unless a ward officer gives
    a written reason, which is kept on each of those records.
    """
    support, errors = _support_checked(
        by=by,
        support=_Support(subproject, funding_source, date, kind, amount, quantity, description, unit),
        today=today,
    )
    ids = list(dict.fromkeys(int(pk) for pk in household_ids))
    if not ids:
        errors["households"] = _("Choose at least one household.")
    if subproject is not None and subproject.target_rule in PERSONAL_RULES:
        errors["subproject"] = _("This sub-project supports a person, not a household: record it member by member.")
    if errors:
        raise ValidationError(errors)
    households = list(selectors.support_households(user=by).filter(pk__in=ids).order_by("code"))
    if len(households) != len(ids):
        raise Http404(_("Some of the chosen households do not exist or are outside your scope."))
    if support.unit is not None and any(h.ward_id != support.unit.ward_id for h in households):
        raise ValidationError({"unit": _("Choose a unit of the households' ward.")})
    steps = selectors.status_steps(ids)
    problems = {}
    for household in households:
        problem = _eligibility(subproject, on=date, household=household, member=None, steps=steps.get(household.pk, []))
        if problem:
            problems[household.pk] = problem
    override_reason = nfc(override_reason or "").strip()
    if problems and not override_reason:
        listed = [f"{h.code} ({h.head_name}): {problems[h.pk]}" for h in households if h.pk in problems]
        shown = listed[:20]
        if len(listed) > 20:
            shown.append(_("… and %(n)s more.") % {"n": len(listed) - 20})
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "%(n)s of the %(total)s households do not meet the sub-project's rule; nothing was "
                        "recorded. Remove them from the list, or, as a ward officer, give a written reason for "
                        "the exception."
                    )
                    % {"n": len(listed), "total": len(households)},
                    *shown,
                ]
            }
        )
    # Each record with its exception (only a ward officer or leader may make one): before anything is written.
    exceptions = {
        h.pk: _override(by=by, problem=problems.get(h.pk), override_reason=override_reason) for h in households
    }
    for ward_id in {h.ward_id for h in households}:
        support.budget_check(
            ward_id=ward_id,
            adding=amount * sum(1 for h in households if h.ward_id == ward_id),
            over_budget_ok=over_budget_ok,
        )
    batch = SupportBatch.objects.create(
        ward_id=households[0].ward_id,
        description=support.description or str(funding_source),
        households=len(households),
        created_by=by,
    )
    records = [support.record(by=by, household=h, batch=batch, **exceptions[h.pk]) for h in households]
    bulk_create_with_history(records, Intervention, batch_size=500, default_user=by)
    return batch


@transaction.atomic
def intervention_delete(*, by, intervention: Intervention) -> None:
    """Remove a support recorded by mistake (ward staff; a unit member only their unit's). History keeps it."""
    _require(can_record_support(by), _("Your role may not change support records."))
    if not selectors.intervention_list(user=by).filter(pk=intervention.pk).exists():
        raise Http404(_("No such support record."))
    intervention._history_user = by
    intervention.delete()
