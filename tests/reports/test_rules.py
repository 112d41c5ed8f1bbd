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


# --- The periodic review's deadlines (Quyết định 24/2021, Điều 7: preliminary by 15/11, official by 20/12) ---


def _deadlines(kind, period):
    from reports.periods import parse_period
    from reports.rules import deadlines

    return deadlines(kind=kind, period=parse_period(period))


def test_the_years_review_results_are_due_on_15_november_and_20_december():
    from datetime import date

    preliminary, official = _deadlines("results", "2025")
    # An official version answers the preliminary deadline too (it comes in the preliminary one's place).
    assert (preliminary.key, preliminary.due, preliminary.stages) == (
        "preliminary", date(2025, 11, 15), ("preliminary", "official")
    )  # fmt: skip
    assert (official.key, official.due, official.stages) == ("official", date(2025, 12, 20), ("official",))


@pytest.mark.parametrize(
    ("kind", "period", "today", "stage"),
    [
        ("results", "2025", "2025-01-01", "preliminary"),
        ("results", "2025", "2025-11-15", "preliminary"),
        ("results", "2025", "2025-11-16", "official"),
        ("results", "2025", "2026-03-01", "official"),
        ("results", "2025-H2", "2025-11-10", ""),
        ("progress", "2025", "2025-11-10", ""),
    ],
)
def test_the_stage_offered_follows_the_date(kind, period, today, stage):
    from datetime import date

    from reports.periods import parse_period
    from reports.rules import default_stage

    assert default_stage(kind=kind, period=parse_period(period), today=date.fromisoformat(today)) == stage


@pytest.mark.parametrize(
    ("kind", "period", "due", "assumed"),
    [
        # Điều 7's monthly days run from February to September: the tables due then follow it.
        ("results", "2025-Q1", "2025-04-05", False),
        ("results", "2025-H1", "2025-07-05", False),
        # Outside those months, and every progress report (Thông tư 10/2022 is not held): the app's assumption.
        ("results", "2025-Q3", "2025-10-05", True),
        ("results", "2025-H2", "2026-01-05", True),
        ("results", "2025-Q4", "2026-01-05", True),
        ("progress", "2025", "2026-01-05", True),
        ("progress", "2025-H1", "2025-07-05", True),
        ("progress", "2025-Q3", "2025-10-05", True),
    ],
)
def test_other_reports_are_due_on_the_fifth_of_the_next_month(kind, period, due, assumed):
    from datetime import date

    (deadline,) = _deadlines(kind, period)
    assert (deadline.key, deadline.due, deadline.assumed) == ("report", date.fromisoformat(due), assumed)


def test_the_years_two_deadlines_are_the_decisions_not_assumed():
    assert [d.assumed for d in _deadlines("results", "2025")] == [False, False]


PRE, OFF = "preliminary", "official"


@pytest.mark.parametrize(
    ("sent", "today", "preliminary", "official", "row"),
    [
        # Nothing sent: the preliminary is late from 16/11, the official from 21/12.
        ([], "2025-11-15", "not_due", "not_due", "not_due"),
        ([], "2025-11-16", "late", "not_due", "late"),
        ([], "2025-12-21", "late", "late", "late"),
        # The preliminary results sent on 15/11: in on time; they are not the official results.
        ([("2025-11-15", PRE)], "2025-12-20", "on_time", "not_due", "on_time"),
        ([("2025-11-15", PRE)], "2025-12-21", "on_time", "late", "late"),
        # Official results sent on 16/11 only: the preliminary deadline was missed, the official one met.
        ([("2025-11-16", OFF)], "2025-12-21", "submitted_late", "on_time", "submitted_late"),
        # Preliminary results sent late on 16/11 do not answer the official deadline (the date alone did).
        ([("2025-11-16", PRE)], "2025-12-20", "submitted_late", "not_due", "submitted_late"),
        ([("2025-11-16", PRE)], "2025-12-21", "submitted_late", "late", "late"),
        # The official results sent early, on 10/11, answer both deadlines.
        ([("2025-11-10", OFF)], "2025-12-21", "on_time", "on_time", "on_time"),
        # Both in time, then a correction after 20/12 changes nothing.
        (
            [("2025-11-10", PRE), ("2025-12-20", OFF), ("2026-01-03", OFF)],
            "2026-02-01",
            "on_time",
            "on_time",
            "on_time",
        ),
        # The official results sent on 21/12.
        ([("2025-11-01", PRE), ("2025-12-21", OFF)], "2026-01-10", "on_time", "submitted_late", "submitted_late"),
        # A second preliminary version in December is not the official result.
        ([("2025-11-01", PRE), ("2025-12-10", PRE)], "2025-12-21", "on_time", "late", "late"),
    ],
)
def test_deadline_states_at_the_boundaries(sent, today, preliminary, official, row):
    from datetime import date

    from reports.rules import deadline_state, overall_state

    sent_as = [(date.fromisoformat(day), stage) for day, stage in sent]
    states = [deadline_state(d, sent=sent_as, today=date.fromisoformat(today)) for d in _deadlines("results", "2025")]
    assert states == [preliminary, official]
    assert overall_state(states) == row


def test_other_reports_count_every_version():
    from datetime import date

    from reports.rules import deadline_state

    (deadline,) = _deadlines("progress", "2025-Q3")
    assert deadline_state(deadline, sent=[(date(2025, 10, 5), "")], today=date(2025, 12, 1)) == "on_time"
