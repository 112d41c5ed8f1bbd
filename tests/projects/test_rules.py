"""projects/rules.py: plain functions, no database."""

from datetime import date

import pytest

from projects import rules
from projects.rules import HouseholdOn, MemberOn, StatusStep, TargetRule

D = date


def steps(*pairs):
    return [StatusStep(effective_on=d, to_status=s) for d, s in pairs]


# --- A household as it was on a day ---------------------------------------------


HISTORY = steps((D(2020, 3, 1), "near_poor"), (D(2021, 6, 1), "poor"), (D(2023, 1, 31), "near_poor"))


@pytest.mark.parametrize(
    ("on", "status", "escaped"),
    [
        (D(2020, 2, 29), None, None),
        (D(2020, 3, 1), "near_poor", None),
        (D(2022, 12, 31), "poor", None),
        (D(2023, 1, 31), "near_poor", D(2023, 1, 31)),
        (D(2026, 5, 1), "near_poor", D(2023, 1, 31)),
    ],
)
def test_household_on_replays_the_history(on, status, escaped):
    got = rules.household_on(
        HISTORY, on, current_status="near_poor", current_since=D(2023, 1, 31), current_escaped_on=D(2023, 1, 31)
    )
    assert got == HouseholdOn(status=status, escaped_on=escaped)


def test_returning_to_poor_clears_the_escape():
    history = steps((D(2020, 1, 1), "poor"), (D(2022, 1, 1), "not_poor"), (D(2024, 1, 1), "poor"))
    got = rules.household_on(
        history, D(2024, 6, 1), current_status="poor", current_since=D(2024, 1, 1), current_escaped_on=None
    )
    assert got == HouseholdOn("poor", None)
    earlier = rules.household_on(
        history, D(2023, 6, 1), current_status="poor", current_since=D(2024, 1, 1), current_escaped_on=None
    )
    assert earlier == HouseholdOn("not_poor", D(2022, 1, 1))


def test_imported_newly_escaped_household_keeps_its_escape_date_once_passed():
    history = steps((D(2024, 2, 1), "not_poor"))
    kwargs = {"current_status": "not_poor", "current_since": D(2024, 2, 1), "current_escaped_on": D(2023, 6, 1)}
    assert rules.household_on(history, D(2025, 1, 1), **kwargs).escaped_on == D(2023, 6, 1)


def test_household_without_history_counts_from_its_current_status():
    kwargs = {"current_status": "poor", "current_since": D(2024, 1, 15), "current_escaped_on": None}
    assert rules.household_on([], D(2024, 1, 14), **kwargs).status is None
    assert rules.household_on([], D(2024, 1, 15), **kwargs).status == "poor"


# --- Working age ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gender", "year", "months"),
    [
        ("male", 2020, 720),
        ("male", 2021, 723),
        ("male", 2025, 735),
        ("male", 2028, 744),
        ("male", 2040, 744),
        ("female", 2021, 664),
        ("female", 2025, 680),
        ("female", 2035, 720),
        ("", 2025, 735),
    ],
)
def test_retirement_age_roadmap(gender, year, months):
    assert rules.retirement_age_months(gender, year) == months


@pytest.mark.parametrize(
    ("birth", "gender", "on", "expected"),
    [
        (D(2010, 6, 2), "male", D(2025, 6, 1), False),  # 14 until tomorrow
        (D(2010, 6, 1), "male", D(2025, 6, 1), True),  # 15 today
        (D(1965, 1, 1), "male", D(2025, 6, 1), True),  # 60y5m < 61y3m
        (D(1964, 2, 1), "male", D(2025, 6, 1), False),  # 61y4m
        (D(1969, 1, 1), "female", D(2025, 6, 1), True),  # 56y5m < 56y8m
        (D(1968, 9, 1), "female", D(2025, 6, 1), False),  # 56y9m
        (None, "male", D(2025, 6, 1), None),
    ],
)
def test_working_age(birth, gender, on, expected):
    assert rules.is_working_age(birth_date=birth, gender=gender, on=on) is expected


# --- Target rules, checked as of the support's date ------------------------------------

ON = D(2025, 6, 1)
POOR = HouseholdOn("poor", None)
NEAR_POOR = HouseholdOn("near_poor", None)
ESCAPED_RECENTLY = HouseholdOn("not_poor", D(2023, 6, 2))
ESCAPED_LONG_AGO = HouseholdOn("not_poor", D(2020, 1, 1))
AVERAGE = HouseholdOn("average", None)
UNKNOWN = HouseholdOn(None, None)
CHILD = MemberOn("Nguyễn Văn Bé", D(2012, 1, 1), "male")
SIXTEEN = MemberOn("Nguyễn Thị Lớn", D(2009, 6, 1), "female")
WORKER = MemberOn("Trần Văn Làm", D(1990, 1, 1), "male")
NO_BIRTH = MemberOn("Lê Văn Không", None, "male")


@pytest.mark.parametrize(
    ("rule", "household", "member", "ok"),
    [
        (TargetRule.ANYONE, AVERAGE, None, True),
        (TargetRule.ANYONE, UNKNOWN, None, True),
        (TargetRule.TARGET_HOUSEHOLD, POOR, None, True),
        (TargetRule.TARGET_HOUSEHOLD, ESCAPED_RECENTLY, None, True),
        (TargetRule.TARGET_HOUSEHOLD, ESCAPED_LONG_AGO, None, False),
        (TargetRule.TARGET_HOUSEHOLD, AVERAGE, None, False),
        (TargetRule.TARGET_HOUSEHOLD, UNKNOWN, None, False),
        (TargetRule.POOR_OR_NEAR_POOR, NEAR_POOR, None, True),
        (TargetRule.POOR_OR_NEAR_POOR, ESCAPED_RECENTLY, None, False),
        (TargetRule.CHILD_OF_TARGET, POOR, CHILD, True),
        (TargetRule.CHILD_OF_TARGET, POOR, SIXTEEN, False),
        (TargetRule.CHILD_OF_TARGET, AVERAGE, CHILD, False),
        (TargetRule.CHILD_OF_TARGET, POOR, None, False),
        (TargetRule.CHILD_OF_TARGET, POOR, NO_BIRTH, False),
        (TargetRule.WORKER_OF_TARGET, NEAR_POOR, WORKER, True),
        (TargetRule.WORKER_OF_TARGET, NEAR_POOR, CHILD, False),
    ],
)
def test_eligibility(rule, household, member, ok):
    problem = rules.eligibility_problem(rule, on=ON, household=household, member=member)
    assert (problem is None) is ok, problem


def test_eligibility_reasons_say_what_was_wrong_on_that_day():
    problem = rules.eligibility_problem(TargetRule.CHILD_OF_TARGET, on=ON, household=POOR, member=SIXTEEN)
    assert "16" in problem and "01/06/2025" in problem and SIXTEEN.name in problem
    problem = rules.eligibility_problem(TargetRule.TARGET_HOUSEHOLD, on=ON, household=AVERAGE, member=None)
    assert "01/06/2025" in problem and "mức sống trung bình" in problem


def test_the_day_decides_not_today():
    # A child who turns 16 after the support's date was still a child then.
    member = MemberOn("Bé", D(2009, 6, 2), "male")
    rule = TargetRule.CHILD_OF_TARGET
    assert rules.eligibility_problem(rule, on=D(2025, 6, 1), household=POOR, member=member) is None
    assert rules.eligibility_problem(rule, on=D(2025, 6, 2), household=POOR, member=member) is not None


# --- Support input ---------------------------------------------------------------------------


def problems(**overrides):
    values = {"on": D(2025, 6, 1), "today": D(2025, 6, 1), "amount": 500_000, "quantity": 1}
    values |= {"member_household_id": None, "household_id": 7} | overrides
    return rules.support_problems(**values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"on": D(2025, 6, 2)}, "date"),
        ({"on": None}, "date"),
        ({"amount": -1}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": True}, "amount"),
        ({"quantity": 0}, "quantity"),
        ({"member_household_id": 8}, "member"),
    ],
)
def test_support_problems(overrides, field):
    assert field in problems(**overrides)


def test_good_support_has_no_problem():
    assert problems() == {}
    assert problems(amount=0, member_household_id=7) == {}


def test_over_budget_warning():
    assert rules.over_budget_warning(allocated=1_000_000, spent=600_000, adding=400_000) is None
    warning = rules.over_budget_warning(allocated=1_000_000, spent=600_000, adding=500_000)
    assert "1.100.000" in warning and "100.000" in warning


@pytest.mark.parametrize(
    ("lines", "allocated", "spent", "remaining", "share"),
    [
        ([(10_000_000, 9_500_000), (2_000_000, 0)], 12_000_000, 9_500_000, 2_500_000, 79.2),
        ([(1_000_000, 1_500_000)], 1_000_000, 1_500_000, -500_000, 150.0),  # overspent: remaining below zero
        ([(0, 300_000)], 0, 300_000, -300_000, None),  # spent without an allocation: no share
        ([], 0, 0, 0, None),
    ],
)
def test_budget_totals_add_the_lines_up(lines, allocated, spent, remaining, share):
    from types import SimpleNamespace

    totals = rules.budget_totals(SimpleNamespace(allocated=a, spent=s) for a, s in lines)
    assert (totals.allocated, totals.spent, totals.remaining, totals.share) == (allocated, spent, remaining, share)


def test_plan_number_and_year():
    assert rules.plan_number_problem("45/KH-UBND") is None
    assert rules.plan_number_problem("") is not None
    assert rules.plan_number_problem("KH-UBND") is not None
    assert rules.plan_year_problem(year=2026, start_year=2021, end_year=2025) is not None
    assert rules.plan_year_problem(year=2025, start_year=2021, end_year=2025) is None


def test_retitle_year_changes_the_plan_year_not_periods():
    text = "Giảm nghèo bền vững năm 2025 giai đoạn 2021-2025; năm 20250"
    assert rules.retitle_year(text, 2025, 2026) == "Giảm nghèo bền vững năm 2026 giai đoạn 2021-2025; năm 20250"
