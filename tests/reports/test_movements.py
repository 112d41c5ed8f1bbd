"""Movements of the poor and the near-poor (Tổng hợp diễn biến): columns from the status history,
the identity end = start − decreases + increases in households and in persons, and the files."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from households.models import StatusChange
from households.vocab import Movement
from reports import rules
from reports.periods import parse_period
from reports.results import upper_movements, ward_movements

from ..factories import HouseholdFactory, MemberFactory
from .pdftools import layout_row

pytestmark = pytest.mark.django_db


def household(khoi, history, members=2):
    """A household with its status history: [(day, status, movement), …]; the first entry is its registration."""
    first_day, first_status, _movement = history[0]
    h = HouseholdFactory(khoi=khoi, status=history[-1][1], status_since=history[-1][0])
    previous = ""
    for day, status, movement in history:
        StatusChange.objects.create(
            household=h,
            from_status=previous,
            to_status=status,
            effective_on=day,
            reason="registration" if not previous else "decision",
            decision_number="" if not previous else "1/QĐ-UBND",
            movement=movement,
        )
        previous = status
    for _n in range(members):
        MemberFactory(household=h)
    return h


D2024 = date(2024, 3, 1)


@pytest.fixture
def moves(world):
    k1, k2 = world.hb_k1, world.hb_k2
    household(k1, [(D2024, "poor", "")])  # stays poor
    household(k1, [(D2024, "poor", ""), (date(2025, 2, 1), "near_poor", Movement.POOR_TO_NEAR_POOR)], members=3)
    household(k1, [(D2024, "poor", ""), (date(2025, 3, 1), "average", Movement.ESCAPED_POVERTY)])
    household(k1, [(D2024, "poor", ""), (date(2025, 4, 1), "not_poor", Movement.MOVED_AWAY)])
    household(k1, [(D2024, "near_poor", ""), (date(2025, 5, 1), "poor", Movement.NEAR_POOR_TO_POOR)], members=4)
    household(
        k1,
        [(D2024, "poor", ""), (date(2024, 6, 1), "average", Movement.ESCAPED_POVERTY),
         (date(2025, 6, 1), "poor", Movement.FALLEN_BACK_POOR)],
    )  # fmt: skip
    household(k2, [(D2024, "average", ""), (date(2025, 7, 1), "poor", Movement.NEW_POOR)])
    household(k2, [(date(2025, 8, 1), "poor", "")], members=1)  # registered poor in the year: other increase
    household(k2, [(date(2026, 1, 5), "poor", "")])  # after the period: nowhere
    h = HouseholdFactory(khoi=k2, status="near_poor", status_since=date(2025, 9, 9))  # no history at all
    MemberFactory(household=h)
    household(world.qt_k1, [(D2024, "poor", "")], members=1)
    return world


def test_poor_movements_of_a_ward(moves):
    poor, near = ward_movements(moves.hb, parse_period("2025"))
    k1, k2 = poor.rows
    # Start: 4 poor in khối 1 (the fallen-back one had escaped in 2024); 0 in khối 2.
    assert k1.households == {1: 4, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 9: 3}
    assert k2.households == {7: 1, 8: 1, 9: 2}
    assert poor.total.households[1] == 4 and poor.total.households[9] == 5
    # Near-poor: khối 1 started with 1, lost it to poor (2), gained the escaped one (5); khối 2 one with no history (8).
    n1, n2 = near.rows
    assert n1.households == {1: 1, 2: 1, 5: 1, 9: 1}
    assert n2.households == {8: 1, 9: 1}


@pytest.mark.parametrize("period", ["2025", "2025-H1", "2025-H2", "2025-Q2", "2024", "2026-Q1"])
def test_the_identity_holds_in_households_and_persons(moves, period):
    for table in [
        *ward_movements(moves.hb, parse_period(period)),
        *upper_movements(moves.hb.upper_unit, parse_period(period)),
    ]:
        for rows in [*table.rows, table.total]:
            assert rows.households.get(9, 0) == rules.end_from(rows.households), (table.status, rows)
            assert rows.persons.get(9, 0) == rules.end_from(rows.persons), (table.status, rows)
            assert all(v >= 0 for v in [*rows.households.values(), *rows.persons.values()])


def test_the_end_of_one_period_is_the_start_of_the_next(moves):
    h1 = ward_movements(moves.hb, parse_period("2025-H1"))[0]
    h2 = ward_movements(moves.hb, parse_period("2025-H2"))[0]
    for first, second in zip(h1.rows, h2.rows, strict=True):
        assert first.households.get(9, 0) == second.households.get(1, 0)
        assert first.persons.get(9, 0) == second.persons.get(1, 0)


def test_upper_level_movements_a_row_per_ward(moves):
    poor, _near = upper_movements(moves.hb.upper_unit, parse_period("2025"))
    hb, qt = poor.rows
    assert hb.households == ward_movements(moves.hb, parse_period("2025"))[0].total.households
    assert qt.households == {1: 1, 9: 1}


def test_movement_queries_are_bounded(moves, django_assert_max_num_queries):
    period = parse_period("2025")
    with CaptureQueriesContext(connection) as before:
        ward_movements(moves.hb, period)
    for _n in range(6):
        household(moves.hb_k2, [(D2024, "poor", ""), (date(2025, 2, 2), "near_poor", Movement.POOR_TO_NEAR_POOR)])
    with django_assert_max_num_queries(len(before.captured_queries)):
        ward_movements(moves.hb, period)


def test_the_files_show_the_movements(client, moves):
    client.force_login(moves.users["ward_officer_hb"])
    response = client.get(f"/reports/results/ward/{moves.hb.pk}/2025.xlsx")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[:3] == ["ket-qua", "dien-bien-ho-ngheo", "dien-bien-ho-can-ngheo"]
    sheet = workbook["dien-bien-ho-ngheo"]
    rows = {row[1]: list(row[2:11]) for row in sheet.iter_rows(values_only=True) if row[1]}
    assert rows["Khối 1: hộ"] == [4, 1, 1, 1, 1, 1, 0, 0, 3]
    assert any(c == "9 = 1−2−3−4+5+6+7+8" for row in sheet.iter_rows(values_only=True) for c in row)
    pdf = client.get(f"/reports/results/ward/{moves.hb.pk}/2025.pdf")
    assert pdf.status_code == 200
    assert layout_row(pdf.content, "Khối 1: hộ") == ["4", "1", "1", "1", "1", "1", "0", "0", "3"]


@pytest.mark.parametrize("period", ["2025", "2025-H1", "2025-H2", "2025-Q2", "2024", "2026-Q1"])
def test_one_pass_counts_both_days_as_the_separate_counts_do(moves, period, django_assert_num_queries):
    """`period_counts` (the report's one pass: the classes on both days, persons, target groups) equals the class
    counts of each day and the target groups counted apart, members who left before, inside and after the period
    included; and the bench's raw SQL of it counts the same."""
    from bench.reports import raw_movements
    from households.models import Household, MemberRemoval
    from reports.results import class_counts, period_counts, target_counts

    for household in Household.objects.filter(ward=moves.hb).order_by("pk")[:5]:
        for left_on in (date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 1), date(2026, 2, 1)):
            MemberRemoval.objects.create(household=household, member_id=0, full_name="Đã chuyển đi", left_on=left_on)
    Household.objects.filter(pk__in=Household.objects.filter(ward=moves.hb).order_by("pk")[1:4]).update(
        ethnic_minority=True, has_merit_person=True
    )
    parsed = parse_period(period)
    for households, group_by in (
        (Household.objects.filter(ward=moves.hb), "khoi_id"),
        (Household.objects.filter(ward__upper_unit=moves.hb.upper_unit), "ward_id"),
    ):
        with django_assert_num_queries(1):
            counted = period_counts(households, parsed, group_by)
        assert counted.start == class_counts(households, parsed.before_start, group_by)
        assert counted.end == class_counts(households, parsed.end, group_by)
        assert counted.targets == target_counts(households, parsed.end, group_by)
    # The bench's raw pass over the unit: its rows summed as period_counts sums them.
    rows = raw_movements(moves.hb.upper_unit, parsed)
    start, end = {}, {}
    for ward, status_start, status_end, n, members, left_start, left_end, *_flags in (r for r in rows if len(r) == 9):
        if status_start in ("poor", "near_poor", "average"):
            before = start.get((ward, status_start), (0, 0))
            start[(ward, status_start)] = (before[0] + n, before[1] + members + left_start)
        if status_end in ("poor", "near_poor", "average"):
            before = end.get((ward, status_end), (0, 0))
            end[(ward, status_end)] = (before[0] + n, before[1] + members + left_end)
    assert (start, end) == (counted.start, counted.end)
