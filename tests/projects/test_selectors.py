"""projects.selectors: who sees which support, budgets and indicators computed from the data."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household
from projects import selectors
from projects.models import Budget, FundingSource, Indicator, Intervention, SubProject

from ..factories import (
    HouseholdFactory,
    KhoiMemberFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
    UnitFactory,
    UnitMemberFactory,
    indicators_of_every_source,
)

pytestmark = pytest.mark.django_db


def sub(code):
    return SubProject.objects.get(program__code="gnbv-2021-2025", code=code)


def give(household, *, amount=100, subproject="2", source="central_budget", on=date(2025, 3, 1), unit=None, by):
    return Intervention.objects.create(
        ward=household.ward,
        household=household,
        subproject=sub(subproject) if subproject else None,
        funding_source=FundingSource.objects.get(code=source),
        date=on,
        kind="cash",
        amount=amount,
        unit=unit,
        recorded_by=by,
    )


def test_support_scope_by_role(world, catalogue):
    officer = world.users["ward_officer_hb"]
    women = UnitFactory(ward=world.hb, name="Hội LHPN")
    k1 = give(HouseholdFactory(khoi=world.hb_k1), by=officer)
    k2 = give(HouseholdFactory(khoi=world.hb_k2), by=officer, unit=women)
    qt = give(HouseholdFactory(khoi=world.qt_k1), by=world.users["ward_officer_qt"])
    out = give(HouseholdFactory(khoi=world.other_k1), by=officer)

    def seen(user):
        return set(selectors.intervention_list(user=user))

    assert seen(world.users["admin"]) == {k1, k2, qt, out}
    assert seen(officer) == {k1, k2}
    assert seen(world.users["khoi_member_hb_k1"]) == {k1}
    assert seen(world.users["upper_level"]) == {k1, k2, qt}
    assert seen(world.users["ward_officer_qt"]) == {qt}
    assert seen(UnitMemberFactory(unit=women)) == {k2}
    assert seen(KhoiMemberFactory(khoi=world.qt_k1)) == {qt}


def test_budget_spent_left_and_share(world, catalogue):
    officer = world.users["ward_officer_hb"]
    plan = PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30))
    central = FundingSource.objects.get(code="central_budget")
    tet = FundingSource.objects.get(code="tet_for_the_poor")
    line = Budget.objects.create(plan=plan, subproject=sub("2"), funding_source=central, allocated=1000)
    outside = Budget.objects.create(plan=plan, subproject=None, funding_source=tet, allocated=500)
    h = HouseholdFactory(khoi=world.hb_k1)
    give(h, amount=300, by=officer)
    give(h, amount=650, by=officer)
    give(h, amount=999, on=date(2024, 12, 31), by=officer)  # another year
    give(h, amount=999, subproject="3.1", by=officer)  # another line
    give(h, amount=200, subproject=None, source="tet_for_the_poor", by=officer)
    give(HouseholdFactory(khoi=world.qt_k1), amount=999, by=officer)  # another ward
    rows = {r.budget.pk: r for r in selectors.budget_rows(plan)}
    assert (rows[line.pk].spent, rows[line.pk].remaining, rows[line.pk].share, rows[line.pk].near) == (
        950,
        50,
        95.0,
        True,
    )
    assert (rows[outside.pk].spent, rows[outside.pk].remaining) == (200, 300)
    annotated = {b.pk: b.spent_total for b in selectors.budget_list(user=officer)}
    assert annotated == {line.pk: 950, outside.pk: 200}
    assert not selectors.budget_list(user=world.users["ward_officer_qt"]).exists()


def test_indicators_computed_from_registry_and_support(world, catalogue):
    officer = world.users["ward_officer_hb"]
    plan = PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30))
    poor = HouseholdFactory.create_batch(3, khoi=world.hb_k1, status="poor")
    HouseholdFactory(khoi=world.hb_k1, status="near_poor")
    give(poor[0], amount=100, by=officer)
    give(poor[0], amount=200, by=officer)
    give(poor[1], amount=300, subproject="3.1", by=officer)
    make = Indicator.objects.create
    rate = make(plan=plan, name="Tỷ lệ hộ nghèo", unit="%", source="poor_rate", households_total=200, target=1)
    fall = make(
        plan=plan, name="Giảm tỷ lệ", unit="điểm %", source="poor_rate_reduction", households_total=200, baseline=2
    )
    helped = make(plan=plan, name="Hộ được hỗ trợ", unit="hộ", source="households_supported")
    helped2 = make(plan=plan, name="Hộ được hỗ trợ DA2", unit="hộ", source="households_supported", subproject=sub("2"))
    money = make(plan=plan, name="Kinh phí", unit="đồng", source="support_amount")
    manual = make(plan=plan, name="Trẻ đi học", unit="%", source="manual", achieved_entered=Decimal("90"))
    with CaptureQueriesContext(connection) as ctx:
        rows = {r.indicator.pk: r for r in selectors.indicator_rows(plan)}
    assert len(ctx.captured_queries) <= 4
    assert rows[rate.pk].achieved == Decimal("1.5") and rows[rate.pk].reached is False
    assert rows[fall.pk].achieved == Decimal("0.50")
    # The fall's baseline is 0 points; the rate it falls from (its stored baseline) is its start rate.
    assert (rows[fall.pk].baseline, rows[fall.pk].start_rate) == (0, 2)
    assert (rows[rate.pk].baseline, rows[rate.pk].start_rate) == (None, None)
    assert rows[helped.pk].achieved == 2 and rows[helped2.pk].achieved == 1
    assert rows[money.pk].achieved == 600
    assert rows[manual.pk].achieved == 90 and rows[manual.pk].computed is False


def test_indicators_of_a_past_period_count_the_registry_and_support_of_its_last_day(world, catalogue):
    """A progress report of 2025-H1 read today's classes and the whole year's support: a household that left
    poverty in August counted as not poor in June's report, and support of October as given by June."""
    from households.models import StatusChange

    officer = world.users["ward_officer_hb"]
    plan = PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30))
    left = HouseholdFactory(khoi=world.hb_k1, status="average", status_since=date(2025, 8, 1))
    StatusChange.objects.create(household=left, to_status="poor", effective_on=date(2022, 1, 1), reason="registration")
    StatusChange.objects.create(
        household=left,
        from_status="poor",
        to_status="average",
        effective_on=date(2025, 8, 1),
        reason="decision",
        decision_number="30/QĐ-UBND",
    )
    HouseholdFactory(khoi=world.hb_k1, status="poor", status_since=date(2025, 9, 1))  # recognised after June
    give(left, amount=100, on=date(2025, 3, 1), by=officer)
    give(left, amount=500, on=date(2025, 10, 1), by=officer)
    make = Indicator.objects.create
    poor = make(plan=plan, name="Hộ nghèo", unit="hộ", source="poor_households")
    money = make(plan=plan, name="Kinh phí", unit="đồng", source="support_amount")
    june = {r.indicator.pk: r.achieved for r in selectors.indicator_rows(plan, as_of=date(2025, 6, 30))}
    assert (june[poor.pk], june[money.pk]) == (1, 100)
    now = {r.indicator.pk: r.achieved for r in selectors.indicator_rows(plan)}
    assert (now[poor.pk], now[money.pk]) == (1, 600)  # today: the other household, the whole year's support


def test_indicators_of_several_plans_read_together_are_those_of_each_plan_alone(world, catalogue):
    """The API reads a page of indicators of many plans at once: each plan's numbers stay its own ward's and
    year's, today and on a past period's last day, in two queries for all the plans."""
    officer = world.users["ward_officer_hb"]
    hb_poor = HouseholdFactory.create_batch(3, khoi=world.hb_k1, status="poor")
    HouseholdFactory.create_batch(2, khoi=world.hb_k2, status="near_poor")
    qt_poor = HouseholdFactory(khoi=world.qt_k1, status="poor")
    HouseholdFactory.create_batch(4, khoi=world.qt_k1, status="near_poor")
    HouseholdFactory(khoi=world.other_k1, status="poor")  # a ward with no plan: counted nowhere
    person = MemberFactory(household=hb_poor[0])
    give(hb_poor[0], amount=100, on=date(2025, 3, 1), by=officer)
    give(hb_poor[1], amount=200, subproject="3.1", on=date(2025, 9, 1), by=officer)
    give(hb_poor[2], amount=400, source="local_budget", on=date(2024, 5, 1), by=officer)
    Intervention.objects.filter(household=hb_poor[0]).update(member=person)
    give(qt_poor, amount=800, on=date(2025, 2, 1), by=officer)
    plans = [
        PlanFactory(ward=world.hb, year=2024, state="issued", issued_on=date(2024, 5, 30)),
        PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30)),
        PlanFactory(ward=world.qt, year=2025),
    ]
    made = {
        plan.pk: indicators_of_every_source(plan, total=40 if plan.ward_id == world.qt.pk else 50) for plan in plans
    }
    page = Indicator.objects.filter(plan__in=plans).select_related("plan", "subproject", "funding_source")

    for as_of in (None, date(2025, 6, 30)):
        alone = {
            r.indicator.pk: (r.achieved, r.computed)
            for plan in plans
            for r in selectors.indicator_rows(plan, as_of=as_of)
        }
        indicators = list(page)
        with CaptureQueriesContext(connection) as ctx:
            together = {
                r.indicator.pk: (r.achieved, r.computed) for r in selectors.indicator_rows_of(indicators, as_of=as_of)
            }
        assert len(ctx.captured_queries) == 2  # the registry of the wards, the support of the plans' years
        assert together == alone

    def achieved(plan, as_of=None):
        rows = {r.indicator.pk: r.achieved for r in selectors.indicator_rows_of(page, as_of=as_of)}
        return [rows[ind.pk] for ind in made[plan.pk]]

    hb_2024, hb_2025, qt_2025 = plans
    rates = [Decimal("6.00"), Decimal("4.00"), Decimal("3.50")]
    assert achieved(hb_2025) == [*rates, 3, 2, 2, 1, 1, 0, 300, 90]
    assert achieved(hb_2025, date(2025, 6, 30)) == [*rates, 3, 2, 1, 0, 1, 0, 100, 90]
    assert achieved(hb_2024) == [*rates, 3, 2, 1, 0, 0, 400, 400, 90]
    assert achieved(qt_2025) == [Decimal("2.50"), Decimal("10.00"), Decimal("7.00"), 1, 4, 1, 0, 0, 0, 800, 90]


# --- A sub-project's page; the khối of the same support for a list ---------------------------


def test_a_subprojects_plan_lines_are_those_of_the_plans_in_scope_newest_first(world, catalogue):
    older = PlanItemFactory(plan=PlanFactory(ward=world.hb, year=2024))
    newer = PlanItemFactory(plan=PlanFactory(ward=world.hb, year=2025))
    other = PlanItemFactory(plan=PlanFactory(ward=world.qt, year=2025))
    PlanItemFactory(plan=newer.plan, subproject=sub("3.1"))  # another sub-project

    def lines(user):
        return list(selectors.subproject_plan_items(user=user, subproject=sub("2")))

    assert lines(world.users["ward_officer_hb"]) == [newer, older]
    assert lines(world.users["ward_officer_qt"]) == [other]
    assert set(lines(world.users["upper_level"])) == {newer, older, other}


def test_a_subprojects_support_and_its_total_follow_the_scope(world, catalogue, django_assert_num_queries):
    officer = world.users["ward_officer_hb"]
    k1 = give(HouseholdFactory(khoi=world.hb_k1), amount=300, by=officer)
    k2 = give(HouseholdFactory(khoi=world.hb_k2), amount=200, by=officer)
    give(HouseholdFactory(khoi=world.hb_k1), amount=999, subproject="3.1", by=officer)  # another sub-project
    give(HouseholdFactory(khoi=world.qt_k1), amount=999, by=world.users["ward_officer_qt"])  # another ward

    def seen(user, code="2"):
        support = selectors.subproject_support(user=user, subproject=sub(code))
        with django_assert_num_queries(1):
            total = selectors.support_total(support)
        return set(support), total

    assert seen(officer) == ({k1, k2}, 500)
    assert seen(world.users["khoi_member_hb_k1"]) == ({k1}, 300)
    assert seen(officer, "3.2") == (set(), 0)  # none: 0, not None


def test_the_khoi_of_the_same_support_for_a_list_follow_the_scope(world):
    women = UnitFactory(ward=world.hb, name="Hội LHPN")
    HouseholdFactory(khoi=world.hb_k1)

    def khois(user):
        return set(selectors.support_khoi_list(user=user))

    assert khois(world.users["ward_officer_hb"]) == {world.hb_k1, world.hb_k2}
    assert khois(world.users["khoi_member_hb_k1"]) == {world.hb_k1}
    assert khois(UnitMemberFactory(unit=women)) == {world.hb_k1, world.hb_k2}  # the unit's ward's


def test_the_household_and_person_supported_are_read_within_the_scope(world):
    officer, member = world.users["ward_officer_hb"], world.users["khoi_member_hb_k1"]
    mine, k2, theirs = (HouseholdFactory(khoi=khoi) for khoi in (world.hb_k1, world.hb_k2, world.qt_k1))
    person, stranger = MemberFactory(household=mine), MemberFactory(household=theirs)
    assert selectors.support_household_get(user=officer, pk=mine.pk) == mine
    for user, household in ((officer, theirs), (member, k2)):  # another ward's, another khối's
        with pytest.raises(Household.DoesNotExist):
            selectors.support_household_get(user=user, pk=household.pk)
    assert selectors.household_member(household=mine, pk=person.pk) == person
    assert selectors.household_member(household=mine, pk=stranger.pk) is None  # only the household's own people


def test_the_same_support_is_offered_to_the_households_of_the_group_in_scope(world, monkeypatch):
    officer, on = world.users["ward_officer_hb"], date(2025, 6, 1)
    k2_poor = HouseholdFactory(khoi=world.hb_k2, code="B-1", status="poor")
    k1_poor = HouseholdFactory(khoi=world.hb_k1, code="A-2", status="poor")
    k1_near = HouseholdFactory(khoi=world.hb_k1, code="A-1", status="near_poor")
    escaped = HouseholdFactory(khoi=world.hb_k1, code="A-3", status="not_poor", escaped_poverty_on=date(2024, 1, 1))
    HouseholdFactory(khoi=world.hb_k1, code="A-4", status="not_poor")
    HouseholdFactory(khoi=world.qt_k1, code="Q-1", status="poor")  # another ward

    def offered(user=officer, khoi_id=None, statuses=None):
        return selectors.support_candidates(user=user, khoi_id=khoi_id, statuses=statuses, on=on)

    assert offered(statuses=["poor"]) == [k1_poor, k2_poor]  # by khối, then code
    assert offered(khoi_id=world.hb_k1.pk, statuses=["poor", "near_poor"]) == [k1_near, k1_poor]
    assert offered() == [k1_near, k1_poor, escaped, k2_poor]  # the program's targets, the newly escaped too
    assert offered(user=world.users["khoi_member_hb_k1"], statuses=["poor"]) == [k1_poor]
    monkeypatch.setattr(selectors, "SUPPORT_CANDIDATES_MAX", 2)
    assert offered() == [k1_near, k1_poor]


def test_support_finds_a_household_by_its_code_in_scope_and_only_when_one_has_it(world):
    mine = HouseholdFactory(khoi=world.hb_k1, code="HB-0099")
    HouseholdFactory(khoi=world.qt_k1, code="HB-0099")  # the same code in another ward

    def found(user, code="hb-0099"):
        return selectors.support_household_id_by_code(user=user, code=code)

    assert found(world.users["ward_officer_hb"]) == mine.pk  # any case
    assert found(world.users["ward_officer_hb"], "HB-0100") is None
    assert found(world.users["admin"]) is None  # two households have it: the user picks one


def test_a_plans_other_versions_are_its_ward_and_years_in_scope(world, catalogue):
    issued = PlanFactory(ward=world.hb, year=2025, version=1, state="issued", issued_on=date(2025, 5, 30))
    correction = PlanFactory(ward=world.hb, year=2025, version=2)
    PlanFactory(ward=world.hb, year=2024)  # another year
    PlanFactory(ward=world.qt, year=2025)  # another ward

    def versions(user):
        return set(selectors.plan_versions(user=user, plan=issued))

    assert versions(world.users["ward_officer_hb"]) == {correction}
    assert versions(world.users["upper_level"]) == {correction}
    assert versions(UnitMemberFactory(unit=UnitFactory(ward=world.hb))) == {correction}
    assert versions(world.users["ward_officer_qt"]) == set()  # another ward's plans are not in its scope


def test_support_of_one_subproject_and_year_follows_the_scope(world, catalogue):
    officer = world.users["ward_officer_hb"]
    household = HouseholdFactory(khoi=world.hb_k1)
    first = give(household, by=officer)
    give(household, subproject="3.1", by=officer)
    give(household, on=date(2024, 6, 1), by=officer)
    qt = give(HouseholdFactory(khoi=world.qt_k1), by=world.users["ward_officer_qt"])
    two = sub("2").pk

    assert list(selectors.intervention_list(user=officer, subproject_id=two, year=2025)) == [first]
    assert len(selectors.intervention_list(user=officer, subproject_id=two)) == 2
    assert len(selectors.intervention_list(user=officer, year=2025)) == 2
    assert set(selectors.intervention_list(user=world.users["upper_level"], subproject_id=two, year=2025)) == {
        first,
        qt,
    }
    # Another ward's support of the same line and year is not the officer's, nor another khối's the khối member's.
    assert list(selectors.intervention_list(user=world.users["ward_officer_qt"], subproject_id=two, year=2025)) == [qt]
    assert not selectors.intervention_list(user=KhoiMemberFactory(khoi=world.hb_k2), subproject_id=two).exists()


def test_the_plans_with_their_items_follow_the_scope_in_fixed_queries(world, catalogue, django_assert_num_queries):
    from assignments.models import ItemAssignment

    lead = UnitFactory(ward=world.hb, name="Công chức LĐ-TB&XH")
    for year in (2024, 2025):
        plan = PlanFactory(ward=world.hb, year=year)
        for _number in (1, 2):
            ItemAssignment.objects.create(item=PlanItemFactory(plan=plan), unit=lead, role="lead")
    qt_plan = PlanFactory(ward=world.qt, year=2025)
    PlanItemFactory(plan=qt_plan)

    with django_assert_num_queries(3):  # the plans, their items with sub-projects, the items' units
        plans = list(selectors.plan_list_with_items(user=world.users["ward_officer_hb"]))
        assert [(p.year, len(p.items.all()), len(p.items.all()[0].assignments.all())) for p in plans] == [
            (2025, 2, 1),
            (2024, 2, 1),
        ]
    assert [p.pk for p in selectors.plan_list_with_items(user=world.users["ward_officer_qt"])] == [qt_plan.pk]


# --- Lists as the pages and the API read them ---------------------------------------------------


def test_the_plans_page_lists_the_plans_in_scope_by_ward_then_newest(world, catalogue):
    hb_2024 = PlanFactory(ward=world.hb, year=2024)
    hb_2025 = PlanFactory(ward=world.hb, year=2025, version=1, state="issued", issued_on=date(2025, 5, 30))
    hb_2025_v2 = PlanFactory(ward=world.hb, year=2025, version=2)
    qt = PlanFactory(ward=world.qt, year=2025)
    PlanFactory(ward=world.other, year=2025)  # another upper unit's ward

    def seen(user):
        return list(selectors.plan_list_by_ward(user=user))

    assert seen(world.users["ward_officer_hb"]) == [hb_2025_v2, hb_2025, hb_2024]
    assert seen(world.users["ward_officer_qt"]) == [qt]  # another ward's plans are not there
    assert seen(world.users["upper_level"]) == [hb_2025_v2, hb_2025, hb_2024, qt]  # Hưng Bình, then Quang Trung
    assert seen(UnitMemberFactory(unit=UnitFactory(ward=world.qt))) == [qt]


def test_the_indicators_are_those_of_the_plans_in_scope_in_their_order(world, catalogue):
    plan = PlanFactory(ward=world.hb, year=2025)
    second = Indicator.objects.create(plan=plan, position=2, name="B", unit="hộ", source="manual")
    first = Indicator.objects.create(plan=plan, position=1, name="A", unit="hộ", source="manual")
    older = Indicator.objects.create(plan=PlanFactory(ward=world.hb, year=2024), name="C", unit="hộ")
    qt = Indicator.objects.create(plan=PlanFactory(ward=world.qt, year=2025), name="D", unit="hộ")

    def seen(user):
        return list(selectors.indicator_list(user=user))

    assert seen(world.users["ward_officer_hb"]) == [first, second, older]  # plan by plan, each in its order
    assert seen(world.users["khoi_member_hb_k1"])[:2] == [first, second]
    assert seen(world.users["ward_officer_qt"]) == [qt]  # another ward's indicators are not there
    assert seen(UnitMemberFactory(unit=UnitFactory(ward=world.hb))) == []


def test_a_units_page_lists_the_latest_support_its_unit_recorded(world, catalogue, django_assert_num_queries):
    officer = world.users["ward_officer_hb"]
    women = UnitFactory(ward=world.hb, name="Hội LHPN")
    youth = UnitFactory(ward=world.hb, name="Đoàn thanh niên")
    ours = [
        give(HouseholdFactory(khoi=world.hb_k1), on=date(2025, 3, day), unit=women, by=officer) for day in (1, 2, 3)
    ]
    give(HouseholdFactory(khoi=world.hb_k2), unit=youth, by=officer)  # another unit's
    give(HouseholdFactory(khoi=world.qt_k1), unit=UnitFactory(ward=world.qt), by=officer)  # another ward's
    member = UnitMemberFactory(unit=women)

    assert selectors.unit_latest_support(user=member) == ours[::-1]
    assert selectors.unit_latest_support(user=member, limit=2) == [ours[2], ours[1]]
    assert selectors.unit_latest_support(user=UnitMemberFactory(unit=youth)) != []
    with django_assert_num_queries(0):  # ward staff read the support on its own pages
        assert selectors.unit_latest_support(user=officer) == []
        assert selectors.unit_latest_support(user=world.users["upper_level"]) == []
