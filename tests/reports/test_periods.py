"""Report periods as plain rules: no database."""

from datetime import date

import pytest
from django.utils import translation

from reports.periods import (
    Period,
    PeriodError,
    parse_period,
    periods_of_year,
    submission_period,
    submission_periods,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "key"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025"),
        ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), "2025-H1"),
        ("2025-h2", date(2025, 7, 1), date(2025, 12, 31), "2025-H2"),
        ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "2025-Q1"),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "2024-Q1"),
        (" 2025-Q3 ", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3"),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31), "2025-Q4"),
    ],
)
def test_periods_parse_to_their_first_and_last_day(text, start, end, key):
    period = parse_period(text)
    assert (period.start, period.end, period.key) == (start, end, key)
    assert parse_period(period.key) == period


def test_the_day_before_the_period_is_where_the_start_figures_are_read():
    assert parse_period("2025-H2").before_start == date(2025, 6, 30)
    assert parse_period("2025").before_start == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025-Q5", "2025-Q1 to 2025-Q4"),
        ("2025-Q0", "2025-Q1 to 2025-Q4"),
        ("2025-H3", "2025-H1 or 2025-H2"),
        ("2025-H0", "2025-H1 or 2025-H2"),
        ("2025-M3", "is not a period"),
        ("25", "is not a period"),
        ("", "is not a period"),
        ("2025-Q3; drop table", "is not a period"),
        ("1999", "outside the years"),
    ],
)
def test_a_period_that_does_not_parse_says_why(text, words):
    with translation.override("en"), pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert words in raised.value.message


def test_the_messages_are_vietnamese_by_default():
    with pytest.raises(PeriodError) as raised:
        parse_period("2025-Q5")
    assert "quý" in raised.value.message.lower()


def test_labels_and_the_periods_of_a_year():
    with translation.override("vi"):
        assert parse_period("2025-Q3").label == "quý III năm 2025"
        assert parse_period("2025-H1").label == "6 tháng đầu năm 2025"
        assert parse_period("2025").label == "năm 2025"
    assert [p.key for p in periods_of_year(2025)] == [
        "2025", "2025-H1", "2025-H2", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"
    ]  # fmt: skip
    assert Period(2025, "Q", 3) < Period(2025, "Y")


# --- The submissions page's period --------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (date(2025, 11, 15), "2025"),  # the preliminary results' day
        (date(2025, 12, 20), "2025"),  # the official results' day
        (date(2025, 12, 31), "2025"),
        (date(2026, 1, 1), "2025"),  # January: the year just ended (its progress report is due on 5/1)
        (date(2026, 1, 5), "2025"),
        (date(2026, 1, 31), "2025"),
        (date(2026, 2, 1), "2026"),
        (date(2026, 6, 30), "2026"),
    ],
)
def test_the_submissions_page_opens_on_the_year_or_in_january_the_year_just_ended(today, key):
    assert submission_period(today) == parse_period(key)


def test_the_current_period_follows_the_day_in_vietnam_not_utc():
    from datetime import UTC, datetime

    from django.utils import timezone

    # 17:30 UTC on 31 January is 00:30 on 1 February in Vietnam: the new year's period already.
    instant = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)
    assert submission_period(instant.date()).key == "2025"
    assert submission_period(timezone.localdate(instant)).key == "2026"


def test_the_submissions_page_offers_this_years_periods_then_last_years():
    keys = [p.key for p in submission_periods(date(2026, 1, 10))]
    assert keys[:7] == ["2026", "2026-H1", "2026-H2", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert keys[7:] == ["2025", "2025-H1", "2025-H2", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert submission_period(date(2026, 1, 10)) in submission_periods(date(2026, 1, 10))
