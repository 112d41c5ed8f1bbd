"""Scoped reads of the program: plans, sub-projects, budgets, indicators and support
(docs/program.md, "Who sees what").

Ward and khối scoping comes from households.scoping.scope_q. A unit member (the
Women's Union, the Fatherland Front…) is not in scope_q's roles: they see their
ward's plans (their duties are written in them) and the support their own unit
recorded, nothing else.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce

from django.db.models import BigIntegerField, Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from households.models import Household, Khoi, Member, StatusChange
from households.rules import Status
from households.scoping import NOTHING, scope_q
from households.selectors import household_detail_queryset, khoi_list, status_on, target_q
from hungbinh.accounts.roles import Role, is_unit_member, role_of

from . import rules
from .models import Budget, FundingSource, Indicator, Intervention, Plan, PlanItem, Program, SubProject
from .rules import IndicatorSource, PlanState


def unit_ward_q(user, *, ward: str) -> Q:
    """A unit member's ward, as a filter on `ward` (the lookup to the Ward, ``"ward__"``)."""
    from assignments.models import Unit

    return Q(**{f"{ward}id": Subquery(Unit.objects.filter(pk=user.unit_id).values("ward_id")[:1])})


def ward_scope_q(user, *, ward: str) -> Q:
    """Ward-level program data (plans, units): the ward roles' scope, and a unit member's ward."""
    if is_unit_member(user):
        return unit_ward_q(user, ward=ward)
    return scope_q(user, ward=ward, khoi=None)


# --- Programs and plans ----------------------------------------------------------


def program_list() -> QuerySet[Program]:
    """The national catalogue is public to every signed-in user."""
    return Program.objects.all()


def subproject_list() -> QuerySet[SubProject]:
    return SubProject.objects.select_related("project", "program").order_by("program__start_year", "code")


def funding_source_list() -> QuerySet[FundingSource]:
    return FundingSource.objects.all()


def plan_list(*, user) -> QuerySet[Plan]:
    return Plan.objects.filter(ward_scope_q(user, ward="ward__")).select_related("ward", "program")


def plan_list_by_ward(*, user) -> QuerySet[Plan]:
    """The plans in scope for the plans page: by ward name, the newest year and version first."""
    return plan_list(user=user).order_by("ward__name", "-year", "-version")


def plan_versions(*, user, plan: Plan) -> QuerySet[Plan]:
    """The plan's other versions the user may see: its ward's plans of the same year (a correction, the one it
    replaced)."""
    return plan_list(user=user).filter(ward_id=plan.ward_id, year=plan.year).exclude(pk=plan.pk)


def plan_list_with_items(*, user) -> QuerySet[Plan]:
    """The plans in scope with their items, each item's sub-project and units (the API's answer), by ward, newest
    year and version first: a fixed number of queries whatever the number of plans."""
    from assignments.models import ItemAssignment

    items = PlanItem.objects.select_related("subproject").prefetch_related(
        Prefetch("assignments", queryset=ItemAssignment.objects.order_by("role", "id"))
    )
    return (
        plan_list(user=user)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("ward_id", "-year", "-version")
    )


def plan_get(*, user, pk) -> Plan:
    """One plan in scope (Plan.DoesNotExist otherwise: a 404)."""
    return plan_list(user=user).get(pk=pk)


def plan_detail(*, user, pk) -> Plan:
    """A plan with everything its page shows, in a fixed number of queries."""
    from assignments.models import Duty, ItemAssignment

    return (
        plan_list(user=user)
        .prefetch_related(
            "references",
            Prefetch(
                "items",
                queryset=Plan.items.rel.related_model.objects.select_related("subproject__project").prefetch_related(
                    Prefetch("assignments", queryset=ItemAssignment.objects.select_related("unit"))
                ),
            ),
            Prefetch("duties", queryset=Duty.objects.prefetch_related("units")),
        )
        .get(pk=pk)
    )


def subproject_plan_items(*, user, subproject: SubProject) -> QuerySet[PlanItem]:
    """The sub-project's lines in the plans the user may see, the newest plan first, with their units."""
    return (
        subproject.plan_items.filter(plan__in=plan_list(user=user))
        .select_related("plan__ward")
        .prefetch_related("assignments__unit")
        .order_by("-plan__year", "-plan__version")
    )


def plan_in_force(*, ward_id: int, year: int) -> Plan | None:
    """The ward's issued plan of the year: the one whose budgets the support of that year spends."""
    return Plan.objects.filter(ward_id=ward_id, year=year, state=PlanState.ISSUED).first()


# --- Support given ---------------------------------------------------------------


def intervention_scope_q(user) -> Q:
    """Ward staff: their ward; a khối member: their khối's households; the upper level: its wards
    (read-only); a unit member: what their unit recorded."""
    if is_unit_member(user):
        return Q(unit_id=user.unit_id) if user.unit_id else NOTHING
    return scope_q(user, ward="ward__", khoi="household__khoi_id")


def intervention_list(*, user, subproject_id: int | None = None, year: int | None = None) -> QuerySet[Intervention]:
    """The support the user may see, newest first; of one sub-project, of one year, when given."""
    support = (
        Intervention.objects.filter(intervention_scope_q(user))
        .select_related("household__khoi", "subproject", "funding_source", "unit", "member")
        .order_by("-date", "-id")
    )
    if subproject_id is not None:
        support = support.filter(subproject_id=subproject_id)
    if year is not None:
        support = support.filter(date__year=year)
    return support


def unit_latest_support(*, user, limit: int = 20) -> list[Intervention]:
    """The latest support a unit member's unit recorded, for their page; none, without a query, for any other
    role (ward staff read the support through its own pages)."""
    if not is_unit_member(user):
        return []
    return list(intervention_list(user=user)[:limit])


def intervention_get(*, user, pk) -> Intervention:
    return intervention_list(user=user).select_related("recorded_by", "overridden_by", "batch").get(pk=pk)


def household_support(*, user, household: Household) -> QuerySet[Intervention]:
    """All the support a household and its members received, for the household's page."""
    return intervention_list(user=user).filter(household=household)


def subproject_support(*, user, subproject: SubProject) -> QuerySet[Intervention]:
    """The support of one sub-project that the user may see, newest first."""
    return intervention_list(user=user).filter(subproject=subproject)


def support_total(support: QuerySet[Intervention]) -> int:
    """The amount of a list of support read through intervention_list (so in scope): 0 for none, one query."""
    return support.aggregate(total=Sum("amount"))["total"] or 0


def support_households(*, user) -> QuerySet[Household]:
    """Households the user may record support for: their scope; a unit member's: their unit's ward."""
    if is_unit_member(user):
        return Household.objects.filter(unit_ward_q(user, ward="ward__")).select_related("ward", "khoi")
    return household_detail_queryset(user=user)


SUPPORT_CANDIDATES_MAX = 2000


def support_candidates(*, user, khoi_id: int | None, statuses: list[str] | None, on: date) -> list[Household]:
    """The households offered for the same support: in the user's scope (support_households), of one khối or all,
    of these classes, or with `statuses` None the program's targets on `on`; by khối then code, at most
    SUPPORT_CANDIDATES_MAX."""
    candidates = support_households(user=user).order_by("khoi__position", "code")
    if khoi_id:
        candidates = candidates.filter(khoi_id=khoi_id)
    group = Q(status__in=statuses) if statuses is not None else target_q(on)
    return list(candidates.filter(group)[:SUPPORT_CANDIDATES_MAX])


def support_household_id_by_code(*, user, code: str) -> int | None:
    """The household the user may record support for whose code is `code` (any case); None unless exactly one is."""
    found = list(support_households(user=user).filter(code__iexact=code).values_list("pk", flat=True)[:2])
    return found[0] if len(found) == 1 else None


def support_household_get(*, user, pk) -> Household:
    """One household the user may record support for (Household.DoesNotExist otherwise: a 404)."""
    return support_households(user=user).get(pk=pk)


def household_member(*, household: Household, pk) -> Member | None:
    """A person on the household's registry (`household` in the user's scope); None for anyone else's."""
    return household.members.filter(pk=pk).first()


def support_khoi_list(*, user) -> QuerySet[Khoi]:
    """The khối to choose households from for the same support: the user's scope's; a unit member's, those of the
    wards of the households they may record support for (their unit's ward)."""
    if is_unit_member(user):
        return Khoi.objects.filter(ward_id__in=support_households(user=user).values("ward_id")).select_related("ward")
    return khoi_list(user=user)


def household_on(household: Household, on: date, steps=None) -> rules.HouseholdOn:
    """The household's status as it stood on `on`, from its status history (one query unless `steps` given)."""
    if steps is None:
        steps = status_steps([household.pk]).get(household.pk, [])
    return rules.household_on(
        steps,
        on,
        current_status=household.status,
        current_since=household.status_since,
        current_escaped_on=household.escaped_poverty_on,
    )


def status_steps(household_ids) -> dict[int, list[rules.StatusStep]]:
    """The status histories of many households in one query."""
    steps: dict[int, list[rules.StatusStep]] = {}
    rows = (
        StatusChange.objects.filter(household_id__in=list(household_ids))
        .order_by("household_id", "effective_on", "id")
        .values_list("household_id", "effective_on", "to_status")
    )
    for household_id, effective_on, to_status in rows:
        steps.setdefault(household_id, []).append(rules.StatusStep(effective_on=effective_on, to_status=to_status))
    return steps


def member_on(member: Member | None) -> rules.MemberOn | None:
    if member is None:
        return None
    return rules.MemberOn(name=member.full_name, birth_date=member.birth_date, gender=member.gender)


# --- Budgets -----------------------------------------------------------------------


@dataclass
class BudgetRow:
    budget: Budget
    spent: int

    @property
    def allocated(self) -> int:
        return self.budget.allocated

    @property
    def remaining(self) -> int:
        return self.budget.allocated - self.spent

    @property
    def share(self) -> float | None:
        return rules.share(self.spent, self.budget.allocated)

    @property
    def over(self) -> bool:
        return self.spent > self.budget.allocated

    @property
    def near(self) -> bool:
        """90 % spent or more: the page warns before spending passes the allocation."""
        return not self.over and self.budget.allocated > 0 and self.spent * 10 >= self.budget.allocated * 9


def plan_year_q(plan: Plan) -> Q:
    """The support a plan's budgets and indicators count, as a condition: its ward, its year."""
    return Q(ward_id=plan.ward_id, date__gte=date(plan.year, 1, 1), date__lte=date(plan.year, 12, 31))


def plan_year_support(plan: Plan) -> QuerySet[Intervention]:
    """The support a plan's budgets and indicators count: its ward, its year (`plan_year_q`)."""
    return Intervention.objects.filter(plan_year_q(plan))


def spent_by_line(plan: Plan) -> dict[tuple[int | None, int], int]:
    """Spending of the plan's ward and year per (sub-project, funding source), in one aggregate query."""
    rows = (
        plan_year_support(plan)
        .order_by()
        .values_list("subproject_id", "funding_source_id")
        .annotate(total=Sum("amount"))
    )
    return {(sub, source): total for sub, source, total in rows}


def budget_rows(plan: Plan) -> list[BudgetRow]:
    """Each budget line of the plan with what was spent: two queries whatever the support's size."""
    return budget_summary(plan)[0]


def budget_summary(plan: Plan) -> tuple[list[BudgetRow], int]:
    """The budget lines with what was spent, and the support of the year on lines without an allocation."""
    spent = spent_by_line(plan)
    budgets = plan.budgets.select_related("subproject", "funding_source").order_by(
        "subproject__code", "funding_source__position", "id"
    )
    rows = [BudgetRow(budget=b, spent=spent.get((b.subproject_id, b.funding_source_id), 0)) for b in budgets]
    return rows, sum(spent.values()) - sum(r.spent for r in rows)


def _spent_subquery(**extra):
    return (
        Intervention.objects.filter(
            ward_id=OuterRef("plan__ward_id"),
            date__year=OuterRef("plan__year"),
            funding_source_id=OuterRef("funding_source_id"),
            **extra,
        )
        .order_by()
        .values("ward_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )


def budget_list(*, user) -> QuerySet[Budget]:
    """Budget lines of the plans in scope (not for unit members), with `spent_total` annotated
    by a correlated subquery: the support of the plan's ward and year on the same line."""
    if is_unit_member(user):
        return Budget.objects.none()
    spent = Case(
        When(subproject__isnull=True, then=Subquery(_spent_subquery(subproject__isnull=True))),
        default=Subquery(_spent_subquery(subproject_id=OuterRef("subproject_id"))),
    )
    return (
        Budget.objects.filter(scope_q(user, ward="plan__ward__", khoi=None))
        .select_related("plan", "subproject", "funding_source")
        .annotate(spent_total=Coalesce(spent, 0, output_field=BigIntegerField()))
        .order_by("plan_id", "subproject__code", "funding_source__position", "id")
    )


def budget_warning(*, ward_id: int, on: date, subproject_id: int | None, funding_source_id: int, adding: int):
    """The over-allocation warning for recording `adding` đồng, or None (no issued plan or no budget line: none)."""
    plan = plan_in_force(ward_id=ward_id, year=on.year)
    if plan is None:
        return None
    budget = Budget.objects.filter(plan=plan, subproject_id=subproject_id, funding_source_id=funding_source_id).first()
    if budget is None:
        return None
    spent = (
        plan_year_support(plan)
        .filter(subproject_id=subproject_id, funding_source_id=funding_source_id)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return rules.over_budget_warning(allocated=budget.allocated, spent=spent, adding=adding)


# --- Indicators ----------------------------------------------------------------------


LOWER_IS_BETTER = frozenset(
    {
        IndicatorSource.POOR_RATE,
        IndicatorSource.NEAR_POOR_RATE,
        IndicatorSource.POOR_HOUSEHOLDS,
        IndicatorSource.NEAR_POOR_HOUSEHOLDS,
    }
)

# Sources whose achieved value counts the registry's poor or near-poor households.
REGISTRY_SOURCES = rules.RATE_SOURCES | {IndicatorSource.POOR_HOUSEHOLDS, IndicatorSource.NEAR_POOR_HOUSEHOLDS}


@dataclass
class IndicatorRow:
    indicator: Indicator
    achieved: Decimal | None
    computed: bool

    @property
    def baseline(self) -> Decimal | None:
        """The baseline in the indicator's own unit. A fall of the poverty rate stores in `baseline` the rate it
        falls from (a rate in %, the poverty rate's own baseline), not a fall: its baseline, the fall at the
        start, is 0 points, and `start_rate` gives the rate it is counted from. Shown as it was, a report read
        a 1.65 % rate as 1.65 points already fallen, beside a target of 1 point."""
        ind = self.indicator
        if ind.source == IndicatorSource.POOR_RATE_REDUCTION:
            return None if ind.baseline is None else Decimal(0)
        return ind.baseline

    @property
    def start_rate(self) -> Decimal | None:
        """The poverty rate a fall of the poverty rate is counted from (None for any other indicator)."""
        ind = self.indicator
        return ind.baseline if ind.source == IndicatorSource.POOR_RATE_REDUCTION else None

    @property
    def reached(self) -> bool | None:
        ind = self.indicator
        if self.achieved is None or ind.target is None:
            return None
        if ind.source in LOWER_IS_BETTER:
            return self.achieved <= ind.target
        return self.achieved >= ind.target


def _support_filter(ind: Indicator) -> Q:
    q = Q()
    if ind.subproject_id:
        q &= Q(subproject_id=ind.subproject_id)
    if ind.funding_source_id:
        q &= Q(funding_source_id=ind.funding_source_id)
    return q


def indicator_rows(plan: Plan, *, as_of: date | None = None) -> list[IndicatorRow]:
    """The plan's indicators with their achieved values, in three queries whatever the data's size:
    the indicators, one aggregate over the registry, one over the year's support."""
    return indicator_rows_of(plan.indicators.select_related("subproject", "funding_source"), as_of=as_of)


def indicator_rows_of(indicators: Iterable[Indicator], *, as_of: date | None = None) -> list[IndicatorRow]:
    """Indicators of any number of plans (a page of the API) with their achieved values, as indicator_rows
    counts them plan by plan, in at most two queries whatever the number of plans and the data's size: one
    grouped count over the registry of their wards, one aggregate over their plans' years of support.
    Each indicator's `plan` is read: select it with the indicators."""
    today = timezone.localdate()
    as_of = min(as_of or today, today)
    indicators = list(indicators)
    registry = {}
    if any(ind.source in REGISTRY_SOURCES for ind in indicators):
        registry = _registry_by_ward({ind.plan.ward_id for ind in indicators}, as_of=as_of, today=today)
    support = _support_by_indicator(indicators, as_of=as_of, today=today)
    rows = []
    for ind in indicators:
        counts = registry.get(ind.plan.ward_id, {"poor": 0, "near_poor": 0})
        achieved, computed = _achieved(ind, counts, support)
        rows.append(IndicatorRow(indicator=ind, achieved=achieved, computed=computed))
    return rows


def _registry_by_ward(ward_ids: set[int], *, as_of: date, today: date) -> dict[int, dict]:
    """Per ward, its poor and near-poor households: today's classes, or on `as_of` for a past period."""
    households = Household.objects.filter(ward_id__in=ward_ids)
    if as_of < today:
        # A past period (a progress report's): the classes on its last day, from the status history, as the
        # report's own tables count them (docs/reports.md), not today's.
        households = households.annotate(status_then=status_on(as_of))
        status_field = "status_then"
    else:
        status_field = "status"
    rows = (
        households.order_by()
        .values("ward_id")
        .annotate(
            poor=Count("pk", filter=Q(**{status_field: Status.POOR})),
            near_poor=Count("pk", filter=Q(**{status_field: Status.NEAR_POOR})),
        )
    )
    return {row["ward_id"]: row for row in rows}


def _plan_support_q(plan: Plan, *, as_of: date, today: date) -> Q:
    """The support a plan's indicators count (`plan_year_q`); of a past period, given up to its last day
    (today's page: the whole year's)."""
    q = plan_year_q(plan)
    if as_of < today:
        q &= Q(date__lte=as_of)
    return q


def _support_by_indicator(indicators: list[Indicator], *, as_of: date, today: date) -> dict:
    """The support-based indicators' values under keys `i<pk>`: one aggregate, each value filtered by its own
    plan's ward and year and its sub-project and source; none without a support-based indicator."""
    exprs, plans = {}, {}
    for ind in indicators:
        if ind.source not in rules.SUPPORT_SOURCES:
            continue
        within = _plan_support_q(ind.plan, as_of=as_of, today=today) & _support_filter(ind)
        key = f"i{ind.pk}"
        if ind.source == IndicatorSource.HOUSEHOLDS_SUPPORTED:
            exprs[key] = Count("household_id", distinct=True, filter=within)
        elif ind.source == IndicatorSource.PEOPLE_SUPPORTED:
            exprs[key] = Count("member_id", distinct=True, filter=within & Q(member_id__isnull=False))
        else:  # IndicatorSource.SUPPORT_AMOUNT
            exprs[key] = Sum("amount", filter=within)
        plans[ind.plan_id] = ind.plan
    if not exprs:
        return {}
    any_plan = reduce(operator.or_, (_plan_support_q(plan, as_of=as_of, today=today) for plan in plans.values()))
    return Intervention.objects.filter(any_plan).aggregate(**exprs)


def _achieved(ind: Indicator, registry: dict, support: dict) -> tuple[Decimal | None, bool]:
    source = ind.source
    if source == IndicatorSource.MANUAL:
        return ind.achieved_entered, False
    if source == IndicatorSource.POOR_HOUSEHOLDS:
        return Decimal(registry["poor"]), True
    if source == IndicatorSource.NEAR_POOR_HOUSEHOLDS:
        return Decimal(registry["near_poor"]), True
    if source in rules.RATE_SOURCES:
        if not ind.households_total:
            return ind.achieved_entered, False
        poor_rate = rules_percent(registry["poor"], ind.households_total)
        if source == IndicatorSource.POOR_RATE:
            return poor_rate, True
        if source == IndicatorSource.NEAR_POOR_RATE:
            return rules_percent(registry["near_poor"], ind.households_total), True
        if ind.baseline is None:
            return ind.achieved_entered, False
        return (ind.baseline - poor_rate).quantize(Decimal("0.01")), True
    if source in rules.SUPPORT_SOURCES:
        return Decimal(support.get(f"i{ind.pk}") or 0), True
    return ind.achieved_entered, False


def rules_percent(part: int, whole: int) -> Decimal:
    from households.rules import percent

    return percent(part, whole) or Decimal(0)


def indicator_list(*, user) -> QuerySet[Indicator]:
    """The indicators of the plans in scope (none for a unit member), plan by plan in their order, each with its
    plan (indicator_rows_of reads it)."""
    if is_unit_member(user):
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(scope_q(user, ward="plan__ward__", khoi=None))
        .select_related("plan", "subproject", "funding_source")
        .order_by("plan_id", "position", "id")
    )


def may_see_money(user) -> bool:
    """Budgets and indicators: everyone in a ward's scope but a unit member."""
    return role_of(user) is not None and role_of(user) != Role.UNIT_MEMBER
