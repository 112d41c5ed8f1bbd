"""/reports/progress/<ward>/<period>.pdf and .xlsx: the BÁO CÁO of a period, its tables read back against
the program's own selectors and the registry."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from households.models import StatusChange

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory, PlanFactory, UnitFactory
from .pdftools import flat_text, layout_row, page_sizes, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def program_data(world, catalogue):
    from assignments.models import Task
    from projects.models import Budget, FundingSource, Indicator, Intervention, SubProject

    officer = world.users["ward_officer_hb"]
    plan = PlanFactory(ward=world.hb, state="issued", number="12/KH-UBND", issued_on=date(2025, 1, 10))
    sub2, sub22 = SubProject.objects.get(code="2"), SubProject.objects.get(code="3.2")
    central, fund = FundingSource.objects.order_by("position")[:2]
    Budget.objects.create(plan=plan, subproject=sub2, funding_source=central, allocated=10_000_000)
    h1 = HouseholdFactory(khoi=world.hb_k1, status="poor")
    m1 = MemberFactory(household=h1)
    h2 = HouseholdFactory(khoi=world.hb_k2, status="near_poor")
    for household, member, sub, source, amount, day in [
        (h1, m1, sub2, central, 3_000_000, date(2025, 3, 1)),
        (h1, m1, sub2, fund, 500_000, date(2025, 4, 1)),
        (h2, None, sub22, central, 1_000_000, date(2025, 8, 1)),
        (h2, None, sub2, central, 7_000_000, date(2024, 8, 1)),  # another year
    ]:
        Intervention.objects.create(
            ward=world.hb, household=household, member=member, subproject=sub, funding_source=source,
            date=day, kind="cash", amount=amount, recorded_by=officer,
        )  # fmt: skip
    labour = UnitFactory(ward=world.hb, name="Công chức LĐ-TB&XH")
    health = UnitFactory(ward=world.hb, name="Trạm Y tế phường")
    for unit, state, due in [
        (labour, "done", date(2025, 3, 1)), (labour, "in_progress", date(2025, 5, 1)),
        (health, "not_started", date(2025, 6, 1)), (health, "done", date(2025, 11, 1)),
    ]:  # fmt: skip
        Task.objects.create(ward=world.hb, plan=plan, title="Việc", lead_unit=unit, due_on=due, state=state,
                            created_by=officer)  # fmt: skip
    Indicator.objects.create(plan=plan, name="Số hộ được hỗ trợ", unit="hộ", source="households_supported",
                             target=2)  # fmt: skip
    Indicator.objects.create(plan=plan, name="Hộ nghèo", unit="hộ", source="poor_households", target=0)
    # The poverty rate and its fall, both from a rate of 1.65 % at the baseline, over the ward's 200 households.
    Indicator.objects.create(plan=plan, name="Tỷ lệ hộ nghèo", unit="%", source="poor_rate", households_total=200,
                             baseline=Decimal("1.65"), target=1)  # fmt: skip
    Indicator.objects.create(plan=plan, name="Mức giảm tỷ lệ hộ nghèo", unit="điểm %", source="poor_rate_reduction",
                             households_total=200, baseline=Decimal("1.65"), target=1)  # fmt: skip
    StatusChange.objects.create(household=h1, to_status="poor", effective_on=date(2024, 1, 15), reason="registration")
    return world, plan


def _sheet_rows(workbook, name):
    return {row[1]: list(row[2:]) for row in workbook[name].iter_rows(values_only=True) if row[1]}


def test_the_workbook_has_a_sheet_per_table_with_the_programs_numbers(client, program_data):
    world, plan = program_data
    from projects.selectors import budget_rows

    client.force_login(world.users["ward_officer_hb"])
    response = client.get(f"/reports/progress/{world.hb.pk}/2025.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [
        "ho-theo-dien", "dien-bien-ho-ngheo", "dien-bien-ho-can-ngheo", "ho-tro", "ngan-sach", "nhiem-vu", "chi-tieu"
    ]  # fmt: skip
    support = _sheet_rows(workbook, "ho-tro")
    sub2 = next(label for label in support if label.startswith("Dự án 2") or "sinh kế" in label)
    # records, households, people, then amounts per funding source …, total
    assert support[sub2][:3] == [2, 1, 1] and support[sub2][-1 - 0] is not None
    assert support["Tổng cộng"][:3] == [3, 2, 1]
    assert support["Tổng cộng"][len(support["Tổng cộng"]) - 1 - _trailing_none(support["Tổng cộng"])] == 4_500_000
    budget = _sheet_rows(workbook, "ngan-sach")
    (row,) = budget_rows(plan)
    line = next(values for label, values in budget.items() if str(label).startswith("2. "))
    assert line[:3] == [row.allocated, row.spent, row.remaining] == [10_000_000, 3_000_000, 7_000_000]
    tasks = _sheet_rows(workbook, "nhiem-vu")
    # not started, in progress, done, cancelled, total; the November task is outside 2025-H1 but inside 2025
    assert tasks["Công chức LĐ-TB&XH"][:5] == [0, 1, 1, 0, 2]
    assert tasks["Trạm Y tế phường"][:5] == [1, 0, 1, 0, 2]
    indicators = _sheet_rows(workbook, "chi-tieu")
    assert indicators["Số hộ được hỗ trợ"][:5] == ["hộ", None, 2, 2, "Đạt"]
    # One poor household in 200 now: 0.5 %, fallen 1.15 points from 1.65 %. The fall's baseline is 0 points (it
    # showed 1.65, the rate, as if 1.65 points had already fallen); the rate stands in the poverty rate's row.
    assert indicators["Tỷ lệ hộ nghèo"][:4] == ["%", 1.65, 1, 0.5]
    assert indicators["Mức giảm tỷ lệ hộ nghèo"][:4] == ["điểm %", 0, 1, 1.15]


def _trailing_none(values):
    n = 0
    for value in reversed(values):
        if value is not None:
            break
        n += 1
    return n


def test_the_half_year_counts_only_its_support_and_tasks(client, program_data):
    world, _plan = program_data
    client.force_login(world.users["ward_leader_hb"])
    workbook = load_workbook(
        BytesIO(b"".join(client.get(f"/reports/progress/{world.hb.pk}/2025-H1.xlsx").streaming_content))
    )
    assert _sheet_rows(workbook, "ho-tro")["Tổng cộng"][:3] == [2, 1, 1]
    assert _sheet_rows(workbook, "nhiem-vu")["Tổng cộng"][:5] == [1, 1, 1, 0, 3]


def test_the_pdf_is_an_official_bao_cao(client, program_data):
    world, _plan = program_data
    client.force_login(world.users["upper_level"])
    response = client.get(f"/reports/progress/{world.hb.pk}/2025-H1.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert set(page_sizes(response.content)) == {(842, 595)}
    text = flat_text(response.content)
    assert "BÁO CÁO" in text and "6 tháng đầu năm 2025" in text and "Số: /BC-UBND" in text.replace("\u00a0", "")
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Nơi nhận:" in text
    # The November task is outside the first half.
    assert layout_row(response.content, "Trạm Y tế phường")[:5] == ["1", "0", "0", "0", "1"]
    # A unit's name has the room of its line (a khối's narrow column wrapped it over two or three).
    assert layout_row(response.content, "Công chức LĐ-TB&XH")[0].isdigit()
    # The fall of the poverty rate: 0 points at the baseline, and the rate it is counted from said under the table.
    assert layout_row(response.content, "Mức giảm tỷ lệ hộ nghèo")[:5] == ["điểm", "%", "0", "1", "1,2"]
    assert "Mức giảm tỷ lệ hộ nghèo: tính bằng điểm phần trăm, từ tỷ lệ hộ nghèo ban đầu là 1,65%." in text


def test_a_table_note_never_starts_a_page_alone(client, program_data):
    """With ten khối the movements table fills its page; its note ("Nhân khẩu: …") was left alone at the top of
    the next page. The note now takes the table's last rows with it."""
    world, _plan = program_data
    for number in range(3, 11):
        KhoiFactory(ward=world.hb, name=f"Khối {number}", position=number)
    client.force_login(world.users["upper_level"])
    response = client.get(f"/reports/progress/{world.hb.pk}/2025.pdf")
    assert response.status_code == 200
    pages = pdf_text(response.content).split("\f")
    notes = [page for page in pages if "Nhân khẩu: số nhân khẩu" in page]
    assert notes
    for page in notes:
        lines = [line.strip() for line in page.splitlines() if line.strip() and not line.strip().isdigit()]
        assert not lines[0].startswith("Nhân khẩu:"), lines[:3]
        assert any("Tổng cộng" in line for line in lines), "the note's page holds the table's total rows too"
    # A unit's persons line is never parted from its households line (the total's pair was split so).
    for page in pages:
        for line in page.splitlines():
            if ": nhân khẩu" in line:
                unit = line.split(": nhân khẩu")[0].split()[-2:]
                assert f"{' '.join(unit)}: hộ" in page, (unit, page[:200])


@pytest.mark.parametrize(
    ("user", "status"),
    [("ward_officer_qt", 404), ("khoi_member_hb_k1", 403), ("upper_level", 200), ("admin", 200)],
)
def test_scope_and_bad_period(client, program_data, user, status):
    world, _plan = program_data
    client.force_login(world.users[user])
    assert client.get(f"/reports/progress/{world.hb.pk}/2025.xlsx").status_code == status
    if status == 200:
        assert client.get(f"/reports/progress/{world.hb.pk}/2025-H3.pdf").status_code == 400


def test_a_ward_without_a_plan_says_so(client, world, catalogue):
    client.force_login(world.users["ward_officer_qt"])
    response = client.get(f"/reports/progress/{world.qt.pk}/2025.xlsx")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    notes = [c for row in workbook["ngan-sach"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("chưa có kế hoạch" in note for note in notes)


def test_the_classes_table_reads_the_households_once_for_both_days(program_data):
    """The classes of the period's day before and last day come from one pass over the households and their
    histories (reports.results.period_counts), not one per day; the numbers are the registry's on each day."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.models import Household
    from reports.periods import parse_period
    from reports.progress import _classes_table
    from reports.results import class_counts

    world, _plan = program_data
    period = parse_period("2025")
    with CaptureQueriesContext(connection) as queries:
        table = _classes_table(world.hb, period)
    assert sum("households_statuschange" in q["sql"] for q in queries.captured_queries) == 1
    households = Household.objects.filter(ward=world.hb)
    start = class_counts(households, period.before_start, "khoi_id")
    end = class_counts(households, period.end, "khoi_id")
    poor = (
        sum(n for (_k, status), (n, _p) in start.items() if status == "poor"),
        sum(n for (_k, status), (n, _p) in end.items() if status == "poor"),
    )
    assert poor == (1, 1) and table.rows[-1].is_total
