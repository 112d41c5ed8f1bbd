"""What the database itself refuses in the program's tables."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from assignments.models import ItemAssignment, Task
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role
from projects.models import Budget, FundingSource, Intervention, Plan, SubProject

from ..factories import HouseholdFactory, PlanFactory, PlanItemFactory, UnitFactory, WardFactory

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_issued_and_one_draft_plan_per_ward_and_year(catalogue):
    ward = WardFactory()
    PlanFactory(ward=ward, year=2025, version=1, state="issued", issued_on=date(2025, 5, 30))
    refused(lambda: PlanFactory(ward=ward, year=2025, version=2, state="issued", issued_on=date(2025, 6, 1)))
    PlanFactory(ward=ward, year=2025, version=2, state="draft")
    refused(lambda: PlanFactory(ward=ward, year=2025, version=3, state="draft"))
    PlanFactory(ward=ward, year=2025, version=3, state="superseded", issued_on=date(2025, 1, 2))
    refused(lambda: PlanFactory(ward=ward, year=2025, version=3, state="superseded", issued_on=date(2025, 1, 2)))
    assert Plan.objects.filter(ward=ward).count() == 3


def test_an_issued_plan_has_a_date(catalogue):
    refused(lambda: PlanFactory(state="issued", issued_on=None))


def test_an_item_has_at_most_one_lead_unit(catalogue):
    item = PlanItemFactory()
    first, second = UnitFactory(ward=item.plan.ward), UnitFactory(ward=item.plan.ward)
    ItemAssignment.objects.create(item=item, unit=first, role="lead")
    refused(lambda: ItemAssignment.objects.create(item=item, unit=second, role="lead"))
    ItemAssignment.objects.create(item=item, unit=second, role="coordinating")
    refused(lambda: ItemAssignment.objects.create(item=item, unit=second, role="lead"))


def test_budget_amount_and_uniqueness(catalogue):
    plan = PlanFactory()
    sub = SubProject.objects.get(program=catalogue, code="3.2")
    source = FundingSource.objects.get(code="central_budget")
    refused(lambda: Budget.objects.create(plan=plan, subproject=sub, funding_source=source, allocated=-1))
    Budget.objects.create(plan=plan, subproject=sub, funding_source=source, allocated=0)
    refused(lambda: Budget.objects.create(plan=plan, subproject=sub, funding_source=source, allocated=5))
    Budget.objects.create(plan=plan, subproject=None, funding_source=source, allocated=5)
    refused(lambda: Budget.objects.create(plan=plan, subproject=None, funding_source=source, allocated=6))


def test_support_amount_quantity_and_exception_reason(catalogue):
    household = HouseholdFactory()
    user = User.objects.create(username="ghi", role=Role.WARD_OFFICER, ward=household.ward)
    source = FundingSource.objects.get(code="local_budget")
    fields = {
        "ward": household.ward,
        "household": household,
        "funding_source": source,
        "date": date(2025, 6, 1),
        "kind": "cash",
        "amount": 100_000,
        "recorded_by": user,
    }
    refused(lambda: Intervention.objects.create(**{**fields, "amount": -1}))
    refused(lambda: Intervention.objects.create(**{**fields, "quantity": 0}))
    refused(lambda: Intervention.objects.create(**{**fields, "kind": "gift"}))
    refused(lambda: Intervention.objects.create(**fields, eligibility_problem="Không đúng đối tượng."))
    refused(
        lambda: Intervention.objects.create(**fields, eligibility_problem="Không đúng đối tượng.", override_reason="x")
    )
    Intervention.objects.create(
        **fields, eligibility_problem="Không đúng đối tượng.", override_reason="Hoàn cảnh đặc biệt.", overridden_by=user
    )
    assert Intervention.objects.count() == 1


def test_a_task_has_a_title(catalogue):
    plan = PlanFactory()
    unit = UnitFactory(ward=plan.ward)
    refused(lambda: Task.objects.create(ward=plan.ward, plan=plan, title="", lead_unit=unit, due_on=date(2025, 7, 1)))


def test_subproject_code_and_program_follow_the_project(catalogue):
    project = catalogue.projects.get(number=4)
    sub = SubProject.objects.create(project=project, number=9, name="Thử", target_rule="anyone")
    assert (sub.code, sub.program_id) == ("4.9", catalogue.pk)
    refused(lambda: SubProject.objects.create(project=project, number=9, name="Trùng", target_rule="anyone"))


# --- The unit member role in the user table -----------------------------------------


def test_a_unit_member_needs_a_unit_and_nothing_else(db):
    unit = UnitFactory()
    refused(lambda: User.objects.create(username="u1", role=Role.UNIT_MEMBER))
    refused(lambda: User.objects.create(username="u2", role=Role.UNIT_MEMBER, unit=unit, ward=unit.ward))
    refused(lambda: User.objects.create(username="u3", role=Role.WARD_OFFICER, ward=unit.ward, unit=unit))
    User.objects.create(username="u4", role=Role.UNIT_MEMBER, unit=unit)
    assert User.objects.filter(role=Role.UNIT_MEMBER).count() == 1
