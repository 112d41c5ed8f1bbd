"""The program's pages on a 360-px phone: every tap target at least 44 × 44 px (a list card is one target),
nothing wider than the screen, every label and aria reference pointing at an element — for a ward officer
(forms included) and for a unit's account."""

import datetime

import pytest

from assignments.models import Duty, ItemAssignment, Task
from projects.models import Budget, FundingSource, Indicator, Intervention, SubProject

from ..factories import (
    HouseholdFactory,
    KhoiFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
    UnitFactory,
    UnitMemberFactory,
    WardFactory,
    WardOfficerFactory,
    catalogue_program,
)
from .chromium import PHONE
from .test_phone_targets import SMALL_TARGETS
from .test_screen_readers import DANGLING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def program():
    catalogue_program()
    ward = WardFactory(name="Hưng Bình")
    khoi = KhoiFactory(ward=ward, name="Khối 1", position=1)
    officer = WardOfficerFactory(username="canbo", ward=ward)
    plan = PlanFactory(ward=ward, year=2025, state="issued", issued_on=datetime.date(2025, 5, 30))
    front = UnitFactory(ward=ward, name="Ủy ban Mặt trận Tổ quốc phường", kind="mass_organisation")
    item = PlanItemFactory(plan=plan, number="1")
    ItemAssignment.objects.create(item=item, unit=front, role="lead")
    Duty.objects.create(plan=plan, position=1, heading="Ủy ban MTTQ", text="- Vận động.").units.set([front])
    sub = SubProject.objects.get(program=plan.program, code="2")
    central = FundingSource.objects.get(code="central_budget")
    Budget.objects.create(plan=plan, subproject=sub, funding_source=central, allocated=1_000_000)
    Indicator.objects.create(plan=plan, name="Chỉ tiêu nhập tay", unit="%", source="manual")
    Task.objects.create(
        ward=ward, plan=plan, title="Vận động Quỹ vì người nghèo", lead_unit=front, due_on=datetime.date(2025, 12, 15)
    )
    household = HouseholdFactory(khoi=khoi, code="HB-0001", status="poor")
    member = MemberFactory(household=household, birth_date=datetime.date(2015, 5, 1))
    for _ in range(3):
        Intervention.objects.create(
            ward=ward,
            household=household,
            member=member,
            member_name=member.full_name,
            subproject=sub,
            funding_source=central,
            date=datetime.date(2025, 6, 1),
            kind="cash",
            amount=900_000,
            recorded_by=officer,
            unit=front,
        )
    return {
        "draft": PlanFactory(ward=ward, year=2024, state="draft"),
        "officer": officer,
        "front": UnitMemberFactory(username="mattran", unit=front),
        "plan": plan,
        "household": household,
    }


def pages_of(program, who):
    plan, household = program["plan"], program["household"]
    support = Intervention.objects.first()
    task = Task.objects.first()
    common = [
        "/",
        "/plans/",
        f"/plans/{plan.pk}/",
        "/support/",
        f"/support/{support.pk}/",
        f"/tasks/{task.pk}/",
        f"/support/new/?household={household.pk}",
        "/support/bulk/",
    ]
    if who == "officer":
        draft = program["draft"]
        return [
            *common,
            f"/plans/{draft.pk}/edit/",
            f"/plans/{draft.pk}/items/new/",
            f"/plans/{plan.pk}/copy/",
            f"/tasks/new/?plan={plan.pk}",
            f"/tasks/{task.pk}/edit/",
            f"/plans/{plan.pk}/budgets/",
            f"/plans/{plan.pk}/indicators/",
            "/tasks/",
            f"/subprojects/{support.subproject_id}/",
            f"/households/{household.pk}/",
        ]
    return [*common, "/my-work/"]


@pytest.mark.parametrize("who", ["officer", "front"])
def test_program_pages_on_a_phone(browser, live_server, program, who):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", program[who].username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.locator("form.form button[type=submit]").tap()
    page.wait_for_url(f"{live_server.url}/")
    for path in pages_of(program, who):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.evaluate(SMALL_TARGETS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert page.evaluate(DANGLING) == [], path
    context.close()
