"""Which column a status change counts in (reports/rules.py): plain values, no database."""

import pytest

from households.vocab import Movement
from reports.rules import end_from, movement_column

P, N, A, X = "poor", "near_poor", "average", "not_poor"


@pytest.mark.parametrize(
    ("from_status", "to_status", "movement", "column"),
    [
        (P, N, Movement.POOR_TO_NEAR_POOR, 2),
        (P, N, "", 2),
        (P, A, Movement.ESCAPED_POVERTY, 3),
        (P, X, "", 3),
        (P, X, Movement.MOVED_AWAY, 4),
        (P, A, Movement.SPLIT_OFF, 4),
        (N, P, Movement.NEAR_POOR_TO_POOR, 5),
        (N, P, "", 5),
        (A, P, Movement.FALLEN_BACK_POOR, 6),
        (A, P, Movement.NEW_POOR, 7),
        (X, P, "", 7),
        (A, P, Movement.MOVED_IN, 8),
        ("", P, "", 8),
        (N, A, "", None),
        (A, X, "", None),
    ],
)
def test_poor_table_columns(from_status, to_status, movement, column):
    assert movement_column(P, from_status=from_status, to_status=to_status, movement=movement) == column


@pytest.mark.parametrize(
    ("from_status", "to_status", "movement", "column"),
    [
        (N, P, Movement.NEAR_POOR_TO_POOR, 2),
        (N, A, Movement.ESCAPED_NEAR_POVERTY, 3),
        (N, X, Movement.DISSOLVED, 4),
        (P, N, Movement.POOR_TO_NEAR_POOR, 5),
        (A, N, Movement.FALLEN_BACK_NEAR_POOR, 6),
        (A, N, Movement.NEW_NEAR_POOR, 7),
        (X, N, Movement.SPLIT_NEW, 8),
        ("", N, "", 8),
        (P, A, Movement.ESCAPED_POVERTY, None),
    ],
)
def test_near_poor_table_columns(from_status, to_status, movement, column):
    assert movement_column(N, from_status=from_status, to_status=to_status, movement=movement) == column


def test_the_end_is_start_minus_decreases_plus_increases():
    assert end_from({1: 10, 2: 1, 3: 2, 4: 1, 5: 1, 6: 1, 7: 3, 8: 1}) == 12
    assert end_from({}) == 0


def test_a_report_is_due_on_the_fifth_of_the_next_month():
    from datetime import date

    from reports.periods import parse_period
    from reports.rules import due_on

    assert due_on(parse_period("2025-H1").end) == date(2025, 7, 5)
    assert due_on(parse_period("2025").end) == date(2026, 1, 5)
    assert due_on(parse_period("2025-Q3").end) == date(2025, 10, 5)


@pytest.mark.parametrize(
    ("first", "today", "state"),
    [
        ("2025-07-05", "2025-08-01", "on_time"),
        ("2025-07-06", "2025-08-01", "submitted_late"),
        (None, "2025-07-05", "not_due"),
        (None, "2025-07-06", "late"),
    ],
)
def test_submission_states(first, today, state):
    from datetime import date

    from reports.rules import submission_state

    first = date.fromisoformat(first) if first else None
    assert submission_state(due=date(2025, 7, 5), first_submitted_on=first, today=date.fromisoformat(today)) == state
