"""households.rules: plain functions, no database."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from households import rules
from households.rules import Gender, PriorityGroup, Status


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


# --- The 36-month window (docs/registry.md) ------------------------------


def test_newly_escaped_until_is_36_calendar_months_minus_one_day():
    assert rules.newly_escaped_until(date(2023, 1, 31)) == date(2026, 1, 30)
    assert rules.newly_escaped_until(date(2022, 6, 15)) == date(2025, 6, 14)
    assert rules.newly_escaped_until(date(2022, 1, 1)) == date(2024, 12, 31)
    assert rules.newly_escaped_until(None) is None


def test_leap_day_keeps_every_day_of_the_window():
    # 2027 has no 29 February: the window ends on its last day rather than a day early.
    assert rules.newly_escaped_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert rules.is_newly_escaped(Status.NOT_POOR, date(2024, 2, 29), date(2027, 2, 28))
    assert not rules.is_newly_escaped(Status.NOT_POOR, date(2024, 2, 29), date(2027, 3, 1))


def test_add_months_rolls_a_missing_day_over_to_the_next_month():
    assert rules.add_months(date(2023, 1, 31), 1) == date(2023, 3, 1)
    assert rules.add_months(date(2023, 1, 31), 36) == date(2026, 1, 31)
    assert rules.add_months(date(2023, 11, 29), 3) == date(2024, 2, 29)
    assert rules.add_months(date(2023, 11, 30), 3) == date(2024, 3, 1)
    assert rules.add_months(date(2023, 12, 31), 2) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 1, 30), False),  # before the recognition
        (date(2023, 1, 31), True),  # the day of the recognition
        (date(2025, 6, 1), True),
        (date(2026, 1, 30), True),  # last day
        (date(2026, 1, 31), False),  # first day after
    ],
)
def test_is_newly_escaped_on_both_sides_of_the_boundary(as_of, expected):
    assert rules.is_newly_escaped(Status.NOT_POOR, date(2023, 1, 31), as_of) is expected
    assert rules.is_newly_escaped(Status.NEAR_POOR, date(2023, 1, 31), as_of) is expected


def test_a_poor_household_or_one_without_escape_date_is_never_newly_escaped():
    assert not rules.is_newly_escaped(Status.POOR, date(2023, 1, 31), date(2024, 1, 1))
    assert not rules.is_newly_escaped(Status.NOT_POOR, None, date(2024, 1, 1))


def test_newly_escaped_since_agrees_with_is_newly_escaped_every_day():
    """The database bound and the rule must agree day for day, leap years and month ends included."""
    day = date(2023, 1, 1)
    while day <= date(2029, 12, 31):
        since = rules.newly_escaped_since(day)
        assert rules.is_newly_escaped(Status.NOT_POOR, since, day), day
        assert not rules.is_newly_escaped(Status.NOT_POOR, since - timedelta(days=1), day), day
        day += timedelta(days=1)


def test_newly_escaped_since_brute_force_around_month_ends():
    for as_of in [date(2027, 2, 28), date(2027, 3, 1), date(2028, 2, 29), date(2026, 1, 30), date(2026, 12, 31)]:
        since = rules.newly_escaped_since(as_of)
        for offset in range(-1200, 5):
            escaped = as_of + timedelta(days=offset)
            in_window = since <= escaped <= as_of
            assert rules.is_newly_escaped(Status.AVERAGE, escaped, as_of) is in_window, (as_of, escaped)


# --- Target and priority groups ---------------------------------------------


@pytest.mark.parametrize(
    ("status", "escaped_on", "expected"),
    [
        (Status.POOR, None, True),
        (Status.NEAR_POOR, None, True),
        (Status.NOT_POOR, date(2024, 5, 1), True),  # newly escaped
        (Status.NOT_POOR, date(2020, 5, 1), False),  # escaped long ago
        (Status.AVERAGE, None, False),
        (Status.NOT_POOR, None, False),
    ],
)
def test_is_target(status, escaped_on, expected):
    assert rules.is_target(status, escaped_on, date(2025, 6, 1)) is expected


def test_age_on_counts_birthdays():
    born = date(2009, 6, 15)
    assert rules.age_on(born, date(2025, 6, 14)) == 15
    assert rules.age_on(born, date(2025, 6, 15)) == 16
    assert rules.age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16  # 29 Feb birthday counts from 1 March
    assert rules.age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert rules.age_on(None, date(2025, 1, 1)) is None


def test_household_priority_groups_only_for_poor_households():
    assert rules.household_priority_groups(status=Status.POOR, ethnic_minority=True, has_merit_person=True) == [
        PriorityGroup.POOR_ETHNIC_MINORITY,
        PriorityGroup.POOR_WITH_MERIT,
    ]
    assert rules.household_priority_groups(status=Status.POOR, ethnic_minority=False, has_merit_person=False) == []
    assert rules.household_priority_groups(status=Status.NEAR_POOR, ethnic_minority=True, has_merit_person=True) == []


def test_member_priority_groups():
    as_of = date(2025, 6, 1)
    girl = {"birth_date": date(2015, 1, 1), "gender": Gender.FEMALE, "is_disabled": True, "as_of": as_of}
    assert rules.member_priority_groups(household_is_target=True, **girl) == [
        PriorityGroup.CHILD,
        PriorityGroup.DISABLED,
        PriorityGroup.WOMAN,
    ]
    assert rules.member_priority_groups(household_is_target=False, **girl) == []
    sixteen_today = {"birth_date": date(2009, 6, 1), "gender": Gender.MALE, "is_disabled": False, "as_of": as_of}
    assert rules.member_priority_groups(household_is_target=True, **sixteen_today) == []
    fifteen = {**sixteen_today, "birth_date": date(2009, 6, 2)}
    assert rules.member_priority_groups(household_is_target=True, **fifteen) == [PriorityGroup.CHILD]
    unknown = {"birth_date": None, "gender": "", "is_disabled": False, "as_of": as_of}
    assert rules.member_priority_groups(household_is_target=True, **unknown) == []


# --- Status changes ------------------------------------------------------------

TODAY = date(2025, 6, 1)


def test_status_change_allowed():
    assert (
        rules.status_change_problem(
            current=Status.POOR, current_since=date(2024, 1, 1), new=Status.NEAR_POOR, effective_on=TODAY, today=TODAY
        )
        is None
    )
    assert (
        rules.status_change_problem(current=None, current_since=None, new=Status.POOR, effective_on=TODAY, today=TODAY)
        is None
    )


def test_status_change_problems():
    future = rules.status_change_problem(
        current=Status.POOR, current_since=None, new=Status.NOT_POOR, effective_on=TODAY + timedelta(1), today=TODAY
    )
    assert future.startswith("Ngày có hiệu lực không được ở tương lai")
    same = rules.status_change_problem(
        current=Status.POOR, current_since=None, new=Status.POOR, effective_on=TODAY, today=TODAY
    )
    assert same == "Hộ đã có phân loại này; hãy chọn phân loại khác."
    before = rules.status_change_problem(
        current=Status.POOR,
        current_since=date(2025, 3, 10),
        new=Status.NOT_POOR,
        effective_on=date(2025, 3, 9),
        today=TODAY,
    )
    assert "10/03/2025" in before


def test_escaped_on_after_change():
    day = date(2025, 3, 1)
    old = date(2024, 1, 1)
    assert (
        rules.escaped_on_after_change(current=Status.POOR, new=Status.NOT_POOR, effective_on=day, escaped_on=None)
        == day
    )
    assert (
        rules.escaped_on_after_change(current=Status.POOR, new=Status.NEAR_POOR, effective_on=day, escaped_on=None)
        == day
    )
    assert (
        rules.escaped_on_after_change(current=Status.NOT_POOR, new=Status.POOR, effective_on=day, escaped_on=old)
        is None
    )
    assert (
        rules.escaped_on_after_change(current=Status.NEAR_POOR, new=Status.AVERAGE, effective_on=day, escaped_on=old)
        == old
    )
    assert rules.escaped_on_after_change(current=None, new=Status.NOT_POOR, effective_on=day, escaped_on=None) is None


# --- Citizen ID numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fourth_digit", "year", "gender"),
    [
        ("0", 1985, Gender.MALE),
        ("1", 1985, Gender.FEMALE),
        ("2", 2005, Gender.MALE),
        ("3", 2005, Gender.FEMALE),
    ],
)
def test_id_number_century_and_gender_coding(fourth_digit, year, gender):
    number = f"040{fourth_digit}{year % 100:02d}123456"
    assert rules.id_number_problems(number, birth_date=date(year, 5, 1), gender=gender) == []
    facts = rules.id_number_facts(number)
    assert (facts.century + facts.year_suffix, facts.female) == (year, gender == Gender.FEMALE)
    other_gender = Gender.MALE if gender == Gender.FEMALE else Gender.FEMALE
    [problem] = rules.id_number_problems(number, birth_date=date(year, 5, 1), gender=other_gender)
    assert problem.startswith("Số CCCD ghi giới tính " + ("nam" if gender == Gender.MALE else "nữ"))
    [problem] = rules.id_number_problems(number, birth_date=date(year + 100 - 200 * (year > 2000), 5, 1), gender="")
    assert str(year) in problem


@pytest.mark.parametrize("number", ["04008512345", "0400851234567", "04008512345a", "", "040 085 123 456"])
def test_id_number_needs_exactly_12_digits(number):
    [problem] = rules.id_number_problems(number, birth_date=None, gender="")
    assert problem.startswith("Số CCCD phải gồm đúng 12 chữ số")


def test_id_number_both_problems_and_unknown_facts():
    # Coded 1985 male; member born 2005 female: two problems.
    assert len(rules.id_number_problems("040085123456", birth_date=date(2005, 1, 1), gender=Gender.FEMALE)) == 2
    # Without birth date and gender nothing can disagree.
    assert rules.id_number_problems("040385123456", birth_date=None, gender="") == []


# --- Members -------------------------------------------------------------------------


def test_member_problems_name_birth_date_and_id_number():
    today = date(2025, 6, 1)
    assert rules.member_problems({"full_name": "An", "birth_date": date(1990, 1, 1)}, today=today) == {}
    problems = rules.member_problems(
        {"full_name": "", "birth_date": date(2025, 6, 2), "gender": Gender.MALE, "id_number": "040185123456"},
        today=today,
    )
    assert set(problems) == {"full_name", "birth_date", "id_number"}
    assert "tương lai" in problems["birth_date"][0]
    # The number codes a woman born in 1985: both facts disagree with the member.
    assert len(problems["id_number"]) == 2


@pytest.mark.parametrize(
    ("name", "kind", "rest"),
    [
        ("Phường Hưng Bình", "Phường", "Hưng Bình"),
        ("phường Quang Trung", "phường", "Quang Trung"),
        ("Xã Hưng Lộc", "Xã", "Hưng Lộc"),
        ("Thị trấn Nam Đàn", "Thị trấn", "Nam Đàn"),
    ],
)
def test_a_ward_name_that_repeats_its_kind_is_refused_with_the_name_to_write(name, kind, rest):
    with translation.override("vi"):
        problem = rules.ward_name_problem(name)
    assert problem and f"“{kind}”" in problem and f"({rest})" in problem


@pytest.mark.parametrize("name", ["Hưng Bình", "Phường", "Xã", "Phướng Hòa", "Bến Thủy", "1"])
def test_a_ward_name_without_its_kind_passes(name):
    assert rules.ward_name_problem(name) is None
