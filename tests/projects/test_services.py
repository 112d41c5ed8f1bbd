"""projects.services: plans and their states, budgets, support given; every refusal changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assignments.models import Duty, ItemAssignment
from households.models import StatusChange
from projects import selectors, services
from projects.models import Budget, FundingSource, Indicator, Intervention, Plan, PlanReference, SubProject

from ..factories import (
    HouseholdFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
    UnitFactory,
    UnitMemberFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def officer(world):
    return world.users["ward_officer_hb"]


@pytest.fixture
def leader(world):
    return world.users["ward_leader_hb"]


def sub(code):
    return SubProject.objects.get(program__code="gnbv-2021-2025", code=code)


def source(code="central_budget"):
    return FundingSource.objects.get(code=code)


def full_plan(world, *, year=2024, state="issued"):
    plan = PlanFactory(
        ward=world.hb,
        year=year,
        state=state,
        issued_on=date(year, 5, 30) if state != "draft" else None,
        subject=f"Thực hiện Chương trình giảm nghèo năm {year}",
        basis=f"Căn cứ kế hoạch năm {year} của thành phố",
    )
    PlanReference.objects.create(plan=plan, position=1, document="Kế hoạch số 120/KH-UBND")
    lead, other = UnitFactory(ward=world.hb, name="Công chức LĐ-TB&XH"), UnitFactory(ward=world.hb, name="Trạm Y tế")
    item = PlanItemFactory(plan=plan, number="1", objective=f"Mục tiêu năm {year}")
    ItemAssignment.objects.create(item=item, unit=lead, role="lead")
    ItemAssignment.objects.create(item=item, unit=other, role="coordinating")
    duty = Duty.objects.create(plan=plan, position=1, heading="Công chức LĐ-TB&XH", text="- Tổng hợp báo cáo.")
    duty.units.set([lead])
    Budget.objects.create(plan=plan, subproject=sub("2"), funding_source=source(), allocated=1_000_000)
    Indicator.objects.create(plan=plan, name=f"Hộ được hỗ trợ năm {year}", unit="hộ", source="households_supported")
    return plan


# --- Plans --------------------------------------------------------------------------


def test_copy_makes_next_years_draft_with_everything_in_one_step(world, officer, catalogue):
    plan = full_plan(world, year=2024)
    copy = services.plan_copy(by=officer, plan=plan, year=2025)
    assert (copy.year, copy.state, copy.origin, copy.previous, copy.version) == (2025, "draft", "copy", plan, 1)
    assert copy.subject == "Thực hiện Chương trình giảm nghèo năm 2025"
    assert copy.basis == "Căn cứ kế hoạch năm 2025 của thành phố"
    assert copy.number == "" and copy.issued_on is None
    [item] = copy.items.all()
    assert item.objective == "Mục tiêu năm 2025"
    assert {(a.unit.name, a.role) for a in item.assignments.all()} == {
        ("Công chức LĐ-TB&XH", "lead"),
        ("Trạm Y tế", "coordinating"),
    }
    [duty] = copy.duties.all()
    assert [u.name for u in duty.units.all()] == ["Công chức LĐ-TB&XH"]
    assert copy.references.get().document == "Kế hoạch số 120/KH-UBND"
    assert copy.budgets.get().allocated == 1_000_000
    assert copy.indicators.get().name == "Hộ được hỗ trợ năm 2025"
    # The source is untouched.
    assert plan.items.get().objective == "Mục tiêu năm 2024"


def test_copy_refuses_a_year_outside_the_program_and_the_same_year(world, officer, catalogue):
    plan = full_plan(world, year=2025)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_copy(by=officer, plan=plan, year=2026)
    assert "2021" in excinfo.value.message_dict["year"][0]
    with pytest.raises(ValidationError):
        services.plan_copy(by=officer, plan=plan, year=2025)
    assert Plan.objects.count() == 1


def test_a_second_plan_for_a_year_with_an_issued_one_is_refused(world, officer, catalogue):
    full_plan(world, year=2025)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(
            by=officer, ward=world.hb, program=catalogue, year=2025, subject="Kế hoạch khác", basis="Căn cứ"
        )
    assert "điều chỉnh" in excinfo.value.message_dict["year"][0]
    older = full_plan(world, year=2024)
    with pytest.raises(ValidationError):
        services.plan_copy(by=officer, plan=older, year=2025)
    assert Plan.objects.filter(year=2025).count() == 1


def test_an_issued_plan_is_frozen(world, officer, catalogue):
    plan = full_plan(world, year=2025)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_update(by=officer, plan=plan, subject="Đã sửa")
    assert "điều chỉnh" in excinfo.value.message_dict[NON_FIELD_ERRORS][0]
    plan.refresh_from_db()
    assert plan.subject == "Thực hiện Chương trình giảm nghèo năm 2025"
    item = plan.items.get()
    with pytest.raises(ValidationError):
        services.plan_item_save(
            by=officer, plan=plan, item=item, lead_unit=item.assignments.get(role="lead").unit, heading="Khác"
        )


def test_draft_is_edited_and_issued_by_the_leader(world, officer, leader, catalogue):
    plan = full_plan(world, year=2025, state="draft")
    services.plan_update(by=officer, plan=plan, subject="Kế hoạch đã sửa")
    with pytest.raises(PermissionDenied):
        services.plan_issue(by=officer, plan=plan, number="45/KH-UBND", issued_on=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_issue(by=leader, plan=plan, number="45", issued_on=TODAY + timedelta(days=1))
    assert set(excinfo.value.message_dict) == {"number", "issued_on"}
    issued = services.plan_issue(by=leader, plan=plan, number="45/KH-UBND", issued_on=TODAY)
    assert (issued.state, issued.number, issued.issued_on, issued.issued_by) == ("issued", "45/KH-UBND", TODAY, leader)


def test_an_item_without_a_lead_unit_blocks_issuing(world, leader, catalogue):
    plan = full_plan(world, year=2025, state="draft")
    PlanItemFactory(plan=plan, number="2")
    with pytest.raises(ValidationError) as excinfo:
        services.plan_issue(by=leader, plan=plan, number="45/KH-UBND", issued_on=TODAY)
    assert "2" in excinfo.value.message_dict[NON_FIELD_ERRORS][0]
    assert Plan.objects.get(pk=plan.pk).state == "draft"


def test_item_needs_a_lead_unit_of_the_ward(world, officer, catalogue):
    plan = full_plan(world, year=2025, state="draft")
    fields = {"number": "9", "heading": "Mục mới", "subproject": sub("3.2"), "objective": "x", "targets_content": "y"}
    with pytest.raises(ValidationError) as excinfo:
        services.plan_item_save(by=officer, plan=plan, lead_unit=None, **fields)
    assert "lead_unit" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.plan_item_save(by=officer, plan=plan, lead_unit=UnitFactory(ward=world.qt), **fields)
    item = services.plan_item_save(by=officer, plan=plan, lead_unit=UnitFactory(ward=world.hb), **fields)
    assert item.assignments.get().role == "lead"


def test_correction_supersedes_the_issued_plan_when_issued(world, officer, leader, catalogue):
    plan = full_plan(world, year=2025)
    correction = services.plan_correct(by=officer, plan=plan)
    assert (correction.version, correction.origin, correction.state) == (2, "correction", "draft")
    services.plan_update(by=officer, plan=correction, basis="Căn cứ đã điều chỉnh")
    services.plan_issue(by=leader, plan=correction, number="46/KH-UBND", issued_on=TODAY)
    plan.refresh_from_db()
    assert plan.state == "superseded"
    assert Plan.objects.get(pk=correction.pk).state == "issued"


def test_plans_of_another_ward_are_404_and_read_only_roles_403(world, catalogue):
    plan = full_plan(world, year=2025, state="draft")
    with pytest.raises(Http404):
        services.plan_update(by=world.users["ward_officer_qt"], plan=plan, subject="x")
    for role in ("upper_level", "khoi_member_hb_k1"):
        with pytest.raises(PermissionDenied):
            services.plan_update(by=world.users[role], plan=plan, subject="x")
    assert Plan.objects.get(pk=plan.pk).subject != "x"


# --- Support given ---------------------------------------------------------------------


def record(by, household, **kw):
    values = {
        "subproject": sub("2"),
        "funding_source": source(),
        "date": TODAY,
        "kind": "cash",
        "amount": 500_000,
    }
    return services.intervention_record(by=by, household=household, **{**values, **kw})


def test_support_is_recorded_for_a_target_household(world, officer):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    support = record(officer, household, description="Hỗ trợ giống")
    assert (support.ward, support.amount, support.recorded_by, support.eligibility_problem) == (
        world.hb,
        500_000,
        officer,
        "",
    )
    assert support.history.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": Decimal("1.5")}, "amount"),
        ({"amount": "1000"}, "amount"),
        ({"date": TODAY + timedelta(days=1)}, "date"),
        ({"quantity": 0}, "quantity"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(world, officer, kwargs, field):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    with pytest.raises(ValidationError) as excinfo:
        record(officer, household, **kwargs)
    assert excinfo.value.message_dict[field]
    assert not Intervention.objects.exists()


def test_member_of_another_household_is_refused(world, officer):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    stranger = MemberFactory(household=HouseholdFactory(khoi=world.hb_k1), birth_date=date(2015, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        record(officer, household, subproject=sub("3.2"), member=stranger)
    assert "không phải thành viên" in excinfo.value.message_dict["member"][0]
    assert not Intervention.objects.exists()


def test_household_outside_the_scope_is_404(world, officer):
    with pytest.raises(Http404):
        record(officer, HouseholdFactory(khoi=world.qt_k1, status="poor"))
    assert not Intervention.objects.exists()


def test_read_only_roles_may_not_record(world):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    for role in ("upper_level", "khoi_member_hb_k1"):
        with pytest.raises(PermissionDenied):
            record(world.users[role], household)


def test_rule_is_checked_as_of_the_support_date(world, officer):
    household = HouseholdFactory(khoi=world.hb_k1, status="average", status_since=date(2024, 6, 1))
    StatusChange.objects.create(
        household=household, to_status="poor", effective_on=date(2023, 1, 1), reason="registration", recorded_by=officer
    )
    StatusChange.objects.create(
        household=household,
        from_status="poor",
        to_status="average",
        effective_on=date(2024, 6, 1),
        reason="decision",
        decision_number="1/QĐ",
        recorded_by=officer,
    )
    # Housing (Dự án 5) supports poor or near-poor households: poor on 1/3/2024, average on 1/7/2024.
    assert record(officer, household, subproject=sub("5"), date=date(2024, 3, 1)).eligibility_problem == ""
    with pytest.raises(ValidationError) as excinfo:
        record(officer, household, subproject=sub("5"), date=date(2024, 7, 1))
    assert "01/07/2024" in excinfo.value.message_dict[NON_FIELD_ERRORS][0]
    assert Intervention.objects.count() == 1


def test_nutrition_is_for_children_under_16_and_an_officer_may_override_with_a_reason(world, officer):
    household = HouseholdFactory(khoi=world.hb_k1, status="near_poor")
    child = MemberFactory(household=household, birth_date=date(TODAY.year - 10, 1, 1), full_name="Lê Văn Bé")
    adult = MemberFactory(household=household, birth_date=date(TODAY.year - 40, 1, 1), full_name="Lê Thị Mẹ")
    assert record(officer, household, subproject=sub("3.2"), member=child).member_name == "Lê Văn Bé"
    with pytest.raises(ValidationError) as excinfo:
        record(officer, household, subproject=sub("3.2"), member=adult)
    assert "dưới 16" in excinfo.value.message_dict[NON_FIELD_ERRORS][0]
    support = record(officer, household, subproject=sub("3.2"), member=adult, override_reason="Mẹ đang mang thai")
    assert support.is_exception and support.override_reason == "Mẹ đang mang thai"
    assert support.overridden_by == officer and "Lê Thị Mẹ" in support.eligibility_problem


def test_a_unit_member_records_for_their_unit_and_may_not_override(world):
    unit = UnitFactory(ward=world.hb, name="Hội Liên hiệp Phụ nữ", kind="mass_organisation")
    person = UnitMemberFactory(unit=unit)
    household = HouseholdFactory(khoi=world.hb_k2, status="poor")
    support = record(person, household, funding_source=source("tet_for_the_poor"), subproject=None)
    assert support.unit == unit
    with pytest.raises(PermissionDenied):
        record(person, HouseholdFactory(khoi=world.hb_k1, status="average"), override_reason="Khó khăn đột xuất")
    with pytest.raises(Http404):
        record(person, HouseholdFactory(khoi=world.qt_k1, status="poor"))
    assert list(selectors.intervention_list(user=person)) == [support]


def test_passing_the_allocation_needs_confirmation(world, officer, catalogue):
    plan = PlanFactory(ward=world.hb, year=TODAY.year, state="issued", issued_on=date(TODAY.year, 1, 1))
    Budget.objects.create(plan=plan, subproject=sub("2"), funding_source=source(), allocated=1_000_000)
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    record(officer, household, amount=800_000, date=date(TODAY.year, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        record(officer, household, amount=300_000, date=date(TODAY.year, 1, 1))
    [error] = excinfo.value.error_dict["amount"]
    assert error.code == "over_budget" and "1.100.000" in error.messages[0]
    record(officer, household, amount=300_000, date=date(TODAY.year, 1, 1), over_budget_ok=True)
    [row] = selectors.budget_rows(plan)
    assert (row.spent, row.remaining, row.over) == (1_100_000, -100_000, True)


# --- The same support for a list of households ---------------------------------------


def bulk(by, households, **kw):
    values = {
        "subproject": None,
        "funding_source": source("tet_for_the_poor"),
        "date": TODAY,
        "kind": "in_kind",
        "amount": 300_000,
        "description": "Quà Tết",
    }
    return services.intervention_record_bulk(by=by, household_ids=[h.pk for h in households], **{**values, **kw})


def test_one_action_for_a_list_of_households(world, officer):
    households = HouseholdFactory.create_batch(4, khoi=world.hb_k1, status="poor")
    batch = bulk(officer, households)
    assert batch.households == 4
    assert Intervention.objects.filter(batch=batch).count() == 4
    assert Intervention.history.count() == 4


def test_a_list_with_an_ineligible_household_writes_nothing_unless_overridden(world, officer):
    households = HouseholdFactory.create_batch(3, khoi=world.hb_k1, status="poor")
    rich = HouseholdFactory(khoi=world.hb_k1, status="not_poor", code="HB-RICH")
    with pytest.raises(ValidationError) as excinfo:
        bulk(officer, [*households, rich], subproject=sub("2"))
    assert any("HB-RICH" in m for m in excinfo.value.message_dict[NON_FIELD_ERRORS])
    assert not Intervention.objects.exists()
    bulk(officer, [*households, rich], subproject=sub("2"), override_reason="Hộ bị thiên tai")
    exception = Intervention.objects.get(household=rich)
    assert exception.override_reason == "Hộ bị thiên tai" and exception.eligibility_problem
    assert Intervention.objects.exclude(household=rich).filter(eligibility_problem="").count() == 3


def test_a_list_with_a_household_out_of_scope_is_404(world, officer):
    with pytest.raises(Http404):
        bulk(officer, [HouseholdFactory(khoi=world.hb_k1), HouseholdFactory(khoi=world.qt_k1)])
    assert not Intervention.objects.exists()


def test_a_personal_sub_project_is_not_recorded_for_a_list(world, officer):
    with pytest.raises(ValidationError) as excinfo:
        bulk(officer, [HouseholdFactory(khoi=world.hb_k1)], subproject=sub("3.2"))
    assert "subproject" in excinfo.value.message_dict


def test_a_list_takes_the_same_number_of_queries_for_5_or_40_households(world, officer):
    def queries(n):
        households = HouseholdFactory.create_batch(n, khoi=world.hb_k1, status="poor")
        with CaptureQueriesContext(connection) as ctx:
            bulk(officer, households, subproject=sub("2"))
        return len(ctx.captured_queries)

    assert queries(5) == queries(40)
