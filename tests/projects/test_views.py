"""Program pages: every page opens for the roles that may see it, 404 outside the scope, 403 for a
role that may not act, a fixed number of queries whatever the rows, and forms that refuse bad input."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.models import Duty, ItemAssignment, Task
from projects.models import (
    PLAN_BODY_FIELDS,
    PLAN_HEADER_FIELDS,
    Budget,
    FundingSource,
    Indicator,
    Intervention,
    Plan,
    SubProject,
)

from ..factories import HouseholdFactory, MemberFactory, PlanFactory, PlanItemFactory, UnitFactory, UnitMemberFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def sub(code):
    return SubProject.objects.get(program__code="gnbv-2021-2025", code=code)


@pytest.fixture
def program(world, catalogue):
    plan = PlanFactory(
        ward=world.hb, year=TODAY.year if TODAY.year <= 2025 else 2025, state="issued", issued_on=date(2025, 5, 30)
    )
    lead = UnitFactory(ward=world.hb, name="Công chức LĐ-TB&XH")
    women = UnitFactory(ward=world.hb, name="Hội LHPN", kind="mass_organisation")
    item = PlanItemFactory(plan=plan, number="1")
    ItemAssignment.objects.create(item=item, unit=lead, role="lead")
    duty = Duty.objects.create(plan=plan, position=1, heading="Hội LHPN", text="- Vận động hội viên.")
    duty.units.set([women])
    central = FundingSource.objects.get(code="central_budget")
    Budget.objects.create(plan=plan, subproject=sub("2"), funding_source=central, allocated=10_000_000)
    Indicator.objects.create(plan=plan, name="Hộ được hỗ trợ", unit="hộ", source="households_supported")
    Indicator.objects.create(plan=plan, name="Tỷ lệ trẻ đi học", unit="%", source="manual")
    task = Task.objects.create(
        ward=world.hb, plan=plan, title="Tổng hợp báo cáo", lead_unit=women, due_on=TODAY - timedelta(days=2)
    )
    qt_plan = PlanFactory(ward=world.qt, year=2025, state="draft")
    return {"plan": plan, "qt_plan": qt_plan, "women": women, "lead": lead, "task": task, "item": item}


def add_support(world, program, n, *, khoi=None):
    officer = world.users["ward_officer_hb"]
    source = FundingSource.objects.get(code="central_budget")
    for household in HouseholdFactory.create_batch(n, khoi=khoi or world.hb_k1, status="poor"):
        Intervention.objects.create(
            ward=household.ward,
            household=household,
            subproject=sub("2"),
            funding_source=source,
            date=date(2025, 6, 1),
            kind="cash",
            amount=100_000,
            recorded_by=officer,
            unit=program["women"],
        )


def urls(p):
    return {
        "plans": "/plans/",
        "plan": f"/plans/{p['plan'].pk}/",
        "budgets": f"/plans/{p['plan'].pk}/budgets/",
        "indicators": f"/plans/{p['plan'].pk}/indicators/",
        "subproject": f"/subprojects/{sub('2').pk}/",
        "support": "/support/",
        "tasks": "/tasks/?show=all",
        "task": f"/tasks/{p['task'].pk}/",
        "my_work": "/my-work/",
    }


# --- Who opens what ---------------------------------------------------------------------

EXPECTED = {
    # role: page → status
    "ward_officer_hb": {},
    "ward_leader_hb": {},
    "upper_level": {},
    "khoi_member_hb_k1": {"task": 404},
    "ward_officer_qt": {"plan": 404, "budgets": 404, "indicators": 404, "task": 404},
    "unit_member": {"budgets": 403, "indicators": 403},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_pages_by_role_and_scope(client, world, program, role):
    add_support(world, program, 2)
    user = UnitMemberFactory(unit=program["women"]) if role == "unit_member" else world.users[role]
    client.force_login(user)
    for name, url in urls(program).items():
        response = client.get(url)
        assert response.status_code == EXPECTED[role].get(name, 200), (name, response.status_code)


def test_another_wards_plan_is_404(client, world, program):
    client.force_login(world.users["ward_officer_hb"])
    assert client.get(f"/plans/{program['qt_plan'].pk}/").status_code == 404
    assert client.get(f"/plans/{program['qt_plan'].pk}/edit/").status_code == 404


def test_support_pages_show_only_the_scope(client, world, program):
    add_support(world, program, 2, khoi=world.hb_k1)
    add_support(world, program, 3, khoi=world.hb_k2)
    client.force_login(world.users["khoi_member_hb_k1"])
    assert client.get("/support/").content.count(b'data-testid="support-row"') == 2
    client.force_login(world.users["ward_officer_qt"])
    assert client.get("/support/").content.count(b'data-testid="support-row"') == 0
    client.force_login(UnitMemberFactory(unit=program["women"]))
    assert client.get("/support/").content.count(b'data-testid="support-row"') == 5


def test_read_only_roles_get_403_on_forms(client, world, program):
    plan = program["plan"]
    household = HouseholdFactory(khoi=world.hb_k1)
    for role in ("upper_level", "khoi_member_hb_k1"):
        client.force_login(world.users[role])
        for url in (
            f"/plans/{plan.pk}/copy/",
            f"/plans/{plan.pk}/issue/",
            f"/support/new/?household={household.pk}",
            "/support/bulk/",
            f"/tasks/new/?plan={plan.pk}",
        ):
            assert client.get(url).status_code == 403, (role, url)


# --- A fixed number of queries ----------------------------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page", ["plans", "plan", "budgets", "indicators", "subproject", "support", "tasks", "my_work"]
)
@pytest.mark.parametrize("role", ["ward_officer_hb", "upper_level", "unit_member"])
def test_list_pages_take_a_fixed_number_of_queries(client, world, program, page, role):
    if role == "unit_member" and page in ("budgets", "indicators"):
        pytest.skip("not for unit members")
    user = UnitMemberFactory(unit=program["women"]) if role == "unit_member" else world.users[role]
    client.force_login(user)
    url = urls(program)[page]
    add_support(world, program, 2)
    few = queries(client, url)
    add_support(world, program, 30, khoi=world.hb_k2)
    for n in range(8):
        task = Task.objects.create(
            ward=world.hb, plan=program["plan"], title=f"Việc {n}", lead_unit=program["women"], due_on=TODAY
        )
        task.coordinating_units.set([program["lead"]])
        PlanItemFactory(plan=program["plan"], number=f"9.{n}")
        PlanFactory(ward=world.hb, year=2010 + n, state="issued", issued_on=date(2010 + n, 1, 1))
    assert queries(client, url) == few


def test_household_page_lists_its_support_in_fixed_queries(client, world, program):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    child = MemberFactory(household=household, birth_date=date(2018, 1, 1))
    source = FundingSource.objects.get(code="central_budget")
    officer = world.users["ward_officer_hb"]

    def give(n):
        for _ in range(n):
            Intervention.objects.create(
                ward=world.hb,
                household=household,
                member=child,
                member_name=child.full_name,
                subproject=sub("3.2"),
                funding_source=source,
                date=date(2025, 6, 1),
                kind="in_kind",
                amount=50_000,
                recorded_by=officer,
            )

    client.force_login(officer)
    give(1)
    few = queries(client, f"/households/{household.pk}/")
    give(10)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/households/{household.pk}/")
    assert len(ctx.captured_queries) == few
    assert response.content.count(b'data-testid="support-row"') == 11
    assert f"/support/new/?household={household.pk}".encode() in response.content


# --- Forms ---------------------------------------------------------------------------------------


def test_record_support_from_the_household(client, world, program):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor", code="HB-0099")
    client.force_login(world.users["ward_officer_hb"])
    assert client.get("/support/new/?code=hb-0099").status_code == 200
    form = {
        "household": household.pk,
        "subproject": sub("2").pk,
        "funding_source": FundingSource.objects.get(code="local_budget").pk,
        "date": TODAY.strftime("%d/%m/%Y"),
        "kind": "cash",
        "quantity": 1,
        "amount": "1.5",
    }
    response = client.post("/support/new/", form)
    assert response.status_code == 200 and "số nguyên" in response.content.decode()
    form["amount"] = "2000000"
    form["date"] = (TODAY + timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post("/support/new/", form)
    assert "tương lai" in response.content.decode()
    assert not Intervention.objects.exists()
    form["date"] = TODAY.strftime("%d/%m/%Y")
    response = client.post("/support/new/", form)
    assert response.status_code == 302
    assert Intervention.objects.get().amount == 2_000_000


def test_an_exception_needs_a_reason_and_is_shown(client, world, program):
    household = HouseholdFactory(khoi=world.hb_k1, status="not_poor")
    client.force_login(world.users["ward_officer_hb"])
    form = {
        "household": household.pk,
        "subproject": sub("5").pk,
        "funding_source": FundingSource.objects.get(code="local_budget").pk,
        "date": TODAY.strftime("%d/%m/%Y"),
        "kind": "cash",
        "quantity": 1,
        "amount": "1000",
    }
    response = client.post("/support/new/", form)
    assert "hộ nghèo, hộ cận nghèo" in response.content.decode() and not Intervention.objects.exists()
    response = client.post("/support/new/", {**form, "override_reason": "Nhà sập do bão"}, follow=True)
    assert 'data-testid="exception"' in response.content.decode()
    assert "Nhà sập do bão" in response.content.decode()


def test_bulk_support_for_a_khoi(client, world, program):
    poor = HouseholdFactory.create_batch(3, khoi=world.hb_k1, status="poor")
    HouseholdFactory(khoi=world.hb_k1, status="not_poor")
    client.force_login(world.users["ward_officer_hb"])
    page = client.get(f"/support/bulk/?khoi={world.hb_k1.pk}&group=poor")
    assert page.content.count(b'name="households"') == 3
    response = client.post(
        "/support/bulk/",
        {
            "record": "1",
            "khoi": world.hb_k1.pk,
            "group": "poor",
            "households": [h.pk for h in poor[:2]],
            "funding_source": FundingSource.objects.get(code="tet_for_the_poor").pk,
            "date": TODAY.strftime("%d/%m/%Y"),
            "kind": "in_kind",
            "quantity": 1,
            "amount": "500000",
            "description": "Quà Tết",
        },
    )
    assert response.status_code == 302
    assert Intervention.objects.filter(batch__isnull=False).count() == 2


def test_an_issued_plan_cannot_be_edited_and_is_copied(client, world, program):
    plan = program["plan"]
    client.force_login(world.users["ward_officer_hb"])
    response = client.get(f"/plans/{plan.pk}/edit/", follow=True)
    assert "điều chỉnh" in response.content.decode()
    response = client.post(f"/plans/{plan.pk}/copy/", {"year": 2024, "program": plan.program_id})
    copy = Plan.objects.get(ward=world.hb, year=2024)
    assert response.status_code == 302 and response["Location"] == f"/plans/{copy.pk}/"
    response = client.post(
        f"/plans/{copy.pk}/edit/",
        {
            **{f: getattr(copy, f) for f in (*PLAN_HEADER_FIELDS, *PLAN_BODY_FIELDS)},
            "basis": "Căn cứ mới",
            "dated_on": "",
        },
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.basis == "Căn cứ mới"


def test_budget_page_warns_before_passing_the_allocation(client, world, program):
    add_support(world, program, 95)
    client.force_login(world.users["ward_officer_hb"])
    content = client.get(f"/plans/{program['plan'].pk}/budgets/").content.decode()
    assert 'data-testid="near"' in content and "9.500.000" in content and "500.000" in content
    total = content.split("<tfoot>")[1].split("</tfoot>")[0]  # rules.budget_totals over the lines
    assert all(figure in total for figure in ("10.000.000", "9.500.000", "500.000", "95,0%")), total


def test_the_fall_of_the_poverty_rate_starts_at_0_points_from_its_rate(client, world, program):
    """The indicators page: a fall of the poverty rate shows 0 points as its baseline and the rate it falls
    from beside it (the page showed that rate, 1.65, as the fall's baseline)."""
    Indicator.objects.create(
        plan=program["plan"], name="Mức giảm tỷ lệ hộ nghèo", unit="điểm %", source="poor_rate_reduction",
        households_total=200, baseline="1.65", target=1,
    )  # fmt: skip
    client.force_login(world.users["ward_officer_hb"])
    html = client.get(f"/plans/{program['plan'].pk}/indicators/").content.decode()
    row = html[html.index("Mức giảm tỷ lệ hộ nghèo") :]
    baseline = row[row.index('data-label="Số liệu gốc"') :].split("</td>")[0]
    assert ">0 " in baseline and "(từ tỷ lệ hộ nghèo 1,65%)" in baseline, baseline


def test_task_notes_and_overdue_on_the_dashboard(client, world, program):
    person = UnitMemberFactory(unit=program["women"])
    client.force_login(person)
    assert "Tổng hợp báo cáo" in client.get("/").content.decode()
    response = client.post(
        f"/tasks/{program['task'].pk}/",
        {"on": TODAY.strftime("%d/%m/%Y"), "text": "Đã làm xong nửa", "to_state": "in_progress"},
    )
    assert response.status_code == 302
    task = Task.objects.get(pk=program["task"].pk)
    assert task.state == "in_progress" and task.notes.count() == 1
    content = client.get("/my-work/").content.decode()
    assert "Vận động hội viên" in content


def test_a_task_without_a_lead_unit_is_refused_on_the_page(client, world, program):
    client.force_login(world.users["ward_officer_hb"])
    response = client.post(
        "/tasks/new/", {"plan": program["plan"].pk, "title": "Việc mới", "due_on": TODAY.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 200 and "chủ trì" in response.content.decode()
    assert Task.objects.count() == 1


def test_demo_data_fills_the_program_pages(client, db):
    """seed_demo's program data (projects/demo.py): budgets, indicators, tasks, support and a unit account."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    plan = Plan.objects.get(ward__name="Hưng Bình", year=2025)
    assert plan.budgets.count() >= 5 and plan.indicators.count() >= 5 and plan.tasks.count() == 4
    assert Intervention.objects.filter(batch__isnull=False).exists()
    assert Intervention.objects.exclude(eligibility_problem="").filter(override_reason__gt="").count() == 1
    from hungbinh.accounts.models import User

    client.force_login(User.objects.get(username="mattran"))
    assert "Quà Tết" in client.get("/my-work/").content.decode()
    count = Intervention.objects.count()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    assert Intervention.objects.count() == count


def test_items_of_a_draft_are_added_and_edited_with_their_units(client, world, program):
    draft = PlanFactory(ward=world.hb, year=2024, state="draft")
    client.force_login(world.users["ward_officer_hb"])
    form = {
        "number": "1",
        "heading": "Dự án 2: Đa dạng hóa sinh kế",
        "subproject": sub("2").pk,
        "objective": "Mục tiêu.",
        "targets_content": "Theo QĐ 90.",
        "coordinating_units": [program["women"].pk],
    }
    response = client.post(f"/plans/{draft.pk}/items/new/", form)
    assert response.status_code == 200 and "chủ trì" in response.content.decode()
    response = client.post(f"/plans/{draft.pk}/items/new/", {**form, "lead_unit": program["lead"].pk})
    assert response.status_code == 302
    item = draft.items.get()
    assert item.lead_text == "Công chức LĐ-TB&XH"
    assert {(a.unit_id, a.role) for a in item.assignments.all()} == {
        (program["lead"].pk, "lead"),
        (program["women"].pk, "coordinating"),
    }
    response = client.post(
        f"/plans/{draft.pk}/items/{item.pk}/", {**form, "lead_unit": program["women"].pk, "coordinating_units": []}
    )
    assert response.status_code == 302
    assert item.assignments.get().unit == program["women"]
    # An issued plan's items are frozen.
    issued_item = program["item"]
    response = client.get(f"/plans/{program['plan'].pk}/items/{issued_item.pk}/", follow=True)
    assert "điều chỉnh" in response.content.decode()
    client.force_login(world.users["upper_level"])
    assert client.get(f"/plans/{draft.pk}/items/new/").status_code == 403


def test_a_task_is_edited_by_ward_staff(client, world, program):
    task = program["task"]
    client.force_login(world.users["ward_officer_hb"])
    page = client.get(f"/tasks/{task.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/tasks/{task.pk}/edit/",
        {
            "title": "Tổng hợp báo cáo quý",
            "lead_unit": program["lead"].pk,
            "coordinating_units": [program["women"].pk],
            "due_on": TODAY.strftime("%d/%m/%Y"),
            "version": task.version,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Tổng hợp báo cáo quý" and task.lead_unit == program["lead"] and task.version == 2
    client.force_login(UnitMemberFactory(unit=program["women"]))
    assert client.get(f"/tasks/{task.pk}/edit/").status_code == 403


def test_a_tasks_file_is_downloaded_within_the_scope(client, world, program, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assignments import services as task_services

    settings.MEDIA_ROOT = tmp_path
    task = program["task"]
    upload = SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    task_services.task_attach(by=world.users["ward_officer_hb"], task=task, file=upload)
    url = f"/tasks/{task.pk}/file/"
    expected = {"ward_officer_hb": 200, "upper_level": 200, "ward_officer_qt": 404, "khoi_member_hb_k1": 404}
    for role, status in expected.items():
        client.force_login(world.users[role])
        response = client.get(url)
        assert response.status_code == status, role
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
            assert "Bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]
    client.force_login(UnitMemberFactory(unit=program["women"]))
    assert client.get(url).status_code == 200


def test_passing_the_allocation_is_confirmed_on_the_form(client, world, program):
    plan = PlanFactory(ward=world.hb, year=TODAY.year, state="issued", issued_on=date(TODAY.year, 1, 1))
    central = FundingSource.objects.get(code="central_budget")
    Budget.objects.create(plan=plan, subproject=sub("2"), funding_source=central, allocated=100)
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    client.force_login(world.users["ward_officer_hb"])
    form = {
        "household": household.pk,
        "subproject": sub("2").pk,
        "funding_source": central.pk,
        "date": date(TODAY.year, 1, 1).strftime("%d/%m/%Y"),
        "kind": "cash",
        "quantity": 1,
        "amount": "150",
    }
    response = client.post("/support/new/", form)
    content = response.content.decode()
    assert response.status_code == 200 and 'data-testid="over-budget"' in content
    assert not Intervention.objects.exists()
    confirmed = response.context["form"]["over_budget_ok"].value()
    response = client.post("/support/new/", {**form, "over_budget_ok": confirmed})
    assert response.status_code == 302 and Intervention.objects.get().amount == 150


def test_funding_source_selects_open_on_a_vietnamese_prompt(catalogue):
    """Not Django's "---------": the budget's and the support's funding source start with a Vietnamese prompt."""
    from types import SimpleNamespace

    from django.utils import translation

    from projects.forms import BudgetForm, SupportFields

    plan = SimpleNamespace(program_id=None)
    with translation.override("vi"):
        for form in (BudgetForm(plan=plan), SupportFields()):
            first = next(iter(form.fields["funding_source"].choices))
            assert first == ("", "— Chọn nguồn kinh phí —")


def test_bulk_support_for_one_household_says_so_in_the_singular(client, world, program):
    # The message read "Recorded the support for 1 households in one action."
    poor = HouseholdFactory(khoi=world.hb_k1, status="poor")
    client.force_login(world.users["ward_officer_hb"])
    response = client.post(
        "/en/support/bulk/",
        {
            "record": "1",
            "khoi": world.hb_k1.pk,
            "group": "poor",
            "households": [poor.pk],
            "funding_source": FundingSource.objects.get(code="tet_for_the_poor").pk,
            "date": TODAY.strftime("%d/%m/%Y"),
            "kind": "in_kind",
            "quantity": 1,
            "amount": "500000",
            "description": "Quà Tết",
        },
        follow=True,
    )
    assert "Recorded the support for 1 household in one action." in response.content.decode()


def test_the_task_forms_selects_say_what_their_empty_choice_means(client, world, program):
    # Plan item and Lead unit opened on Django's "---------", unlike every other select of the app.
    client.force_login(world.users["ward_officer_hb"])
    page = client.get(f"/en/tasks/new/?plan={program['plan'].pk}").content.decode()
    assert "---------" not in page
    assert "— Choose the lead unit —" in page and "— Not tied to an item of the plan —" in page


def test_an_amount_typed_as_the_pages_write_it_is_read(client, world, program):
    # The pages write 1.500.000; typed back it was refused ("a whole number of đồng, without decimals"), and the
    # type=number box made the browser refuse it first with its own English bubble.
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    client.force_login(world.users["ward_officer_hb"])
    page = client.get(f"/support/new/?household={household.pk}").content.decode()
    assert 'type="text" name="amount"' in page and 'inputmode="numeric"' in page
    form = {
        "household": household.pk,
        "funding_source": FundingSource.objects.get(code="tet_for_the_poor").pk,
        "date": TODAY.strftime("%d/%m/%Y"),
        "kind": "in_kind",
        "quantity": 1,
        "description": "Quà Tết",
    }
    refused = client.post("/en/support/new/", {**form, "amount": "1.5"}).content.decode()
    assert "Type the amount in whole đồng, such as 1500000 or 1.500.000." in refused
    assert client.post("/support/new/", {**form, "amount": "1.500.000"}).status_code == 302
    assert Intervention.objects.get().amount == 1_500_000
