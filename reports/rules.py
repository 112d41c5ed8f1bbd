"""Report rules as plain functions over plain values (docs/reports.md), tested without a database."""

from dataclasses import dataclass
from datetime import date

from households.rules import Status
from households.vocab import OTHER_DECREASES, OTHER_INCREASES, Movement

# The columns of “Tổng hợp diễn biến hộ nghèo / hộ cận nghèo” (DOMAIN: 1 start, 2–4 decreases,
# 5–8 increases, 9 end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8).
START, END = 1, 9
DECREASES = (2, 3, 4)
INCREASES = (5, 6, 7, 8)
OTHER_DECREASE, OTHER_INCREASE = 4, 8

# Per table: the class counted, the class one step away (column 2 / 5), and the movements
# a recognition decision names for "fallen back" (6) and "new" (7).
MOVEMENT_TABLES = {
    Status.POOR: {
        "neighbour": Status.NEAR_POOR,
        "fallen_back": Movement.FALLEN_BACK_POOR,
        "new": Movement.NEW_POOR,
        "from_neighbour": Movement.NEAR_POOR_TO_POOR,
    },
    Status.NEAR_POOR: {
        "neighbour": Status.POOR,
        "fallen_back": Movement.FALLEN_BACK_NEAR_POOR,
        "new": Movement.NEW_NEAR_POOR,
        "from_neighbour": Movement.POOR_TO_NEAR_POOR,
    },
}


def movement_column(table: str, *, from_status: str, to_status: str, movement: str) -> int | None:
    """The column (2–8) a status change counts in, in the movements table of `table` (poor or near_poor).

    None when the change neither leaves nor enters the class. The movement the
    change names decides first; a change recorded without one (an import, a
    correction, a first registration) is placed by its classes: to or from the
    neighbouring class is column 2 / 5, above the near-poor line column 3, a
    first registration an "other" increase (8), any other entry "new" (7).
    """
    terms = MOVEMENT_TABLES[table]
    leaves, enters = from_status == table and to_status != table, from_status != table and to_status == table
    if leaves:
        if movement in OTHER_DECREASES:
            return OTHER_DECREASE
        return 2 if to_status == terms["neighbour"] else 3
    if enters:
        if movement in OTHER_INCREASES:
            return OTHER_INCREASE
        if movement == terms["fallen_back"]:
            return 6
        if movement == terms["new"]:
            return 7
        if movement == terms["from_neighbour"] or from_status == terms["neighbour"]:
            return 5
        if not from_status:
            return OTHER_INCREASE
        return 7
    return None


def end_from(columns: dict[int, int]) -> int:
    """Column 9 from columns 1–8: start − decreases + increases."""
    return columns.get(START, 0) - sum(columns.get(c, 0) for c in DECREASES) + sum(columns.get(c, 0) for c in INCREASES)


# --- Submissions: when a period's report is due (docs/reports.md, "Due dates") -----------

# Quyết định 24/2021, Điều 7: on the 5th of each month from February to September the ward reports its regular
# reviews' results. The app makes every other report due on that day of the month after its period; where the
# day is not one of Điều 7's, it is an assumption (`Deadline.assumed`, docs/legal-sources.md).
DUE_DAY = 5
MONTHLY_REPORT_MONTHS = range(2, 10)  # February to September

# The periodic review's results go to the upper level before the province's deadlines
# (Quyết định 24/2021, Điều 7): the preliminary results by 15/11, the official ones by 20/12.
PRELIMINARY, OFFICIAL, REPORT = "preliminary", "official", "report"
PRELIMINARY_DUE = (11, 15)
OFFICIAL_DUE = (12, 20)
RESULTS = "results"  # reports.Submission.Kind.RESULTS
PROGRESS = "progress"  # reports.Submission.Kind.PROGRESS


STAGES = (PRELIMINARY, OFFICIAL)  # reports.Submission.Stage


def has_stages(*, kind: str, period) -> bool:
    """Only the review-result tables of a year are sent as preliminary or as official results."""
    return kind == RESULTS and period.kind == "Y"


def default_stage(*, kind: str, period, today: date) -> str:
    """What a version sent `today` most likely is: preliminary up to 15/11 of the period's year, official after.

    The officer chooses when submitting; this is the choice offered. "" for a report without stages.
    """
    if not has_stages(kind=kind, period=period):
        return ""
    return PRELIMINARY if today <= date(period.year, *PRELIMINARY_DUE) else OFFICIAL


@dataclass(frozen=True)
class Deadline:
    """One day a submission is due; versions of one of `stages` count for it (any version, when None)."""

    key: str  # PRELIMINARY, OFFICIAL or REPORT
    due: date
    stages: tuple[str, ...] | None = None
    # No legal text the app holds sets this day: the app's assumption, said beside it on the page.
    assumed: bool = False


def due_on(period_end: date) -> date:
    """The 5th of the month after the period's last day."""
    year, month = (period_end.year + 1, 1) if period_end.month == 12 else (period_end.year, period_end.month + 1)
    return date(year, month, DUE_DAY)


def deadlines(*, kind: str, period) -> list[Deadline]:
    """When a ward's submission of `kind` for `period` (a reports.periods.Period) is due.

    The review-result tables of a year answer the periodic review's two
    deadlines, each by the versions sent as that stage (the officer says which
    when submitting): the preliminary results by 15/11 of that year (an official
    version answers it too: it comes in their place), the official results by
    20/12 (Quyết định 24/2021, Điều 7). Any other report is due on the 5th of the
    month after the period: for the tables of a half-year or a quarter whose
    day falls from February to September that is one of Điều 7's monthly days;
    otherwise (the tables due in October or January, and every progress report,
    the program's monitoring report of Thông tư 10/2022/TT-BLĐTBXH, whose
    deadline is not in the texts the app holds) the day is assumed
    (docs/legal-sources.md; docs/reports.md, "Due dates").
    """
    if has_stages(kind=kind, period=period):
        return [
            Deadline(PRELIMINARY, date(period.year, *PRELIMINARY_DUE), stages=(PRELIMINARY, OFFICIAL)),
            Deadline(OFFICIAL, date(period.year, *OFFICIAL_DUE), stages=(OFFICIAL,)),
        ]
    due = due_on(period.end)
    return [Deadline(REPORT, due, assumed=kind == PROGRESS or due.month not in MONTHLY_REPORT_MONTHS)]


ON_TIME, SUBMITTED_LATE, LATE, NOT_DUE = "on_time", "submitted_late", "late", "not_due"
# The state a ward's row shows: the worst of its deadlines', in this order.
STATE_RANK = (LATE, SUBMITTED_LATE, ON_TIME, NOT_DUE)


def submission_state(*, due, first_submitted_on, today) -> str:
    """on_time / submitted_late (sent after the due day) / late (not sent, past due) / not_due (not sent yet)."""
    if first_submitted_on is not None:
        return ON_TIME if first_submitted_on <= due else SUBMITTED_LATE
    return LATE if today > due else NOT_DUE


def deadline_state(deadline: Deadline, *, sent: list[tuple[date, str]], today: date) -> str:
    """The state of one deadline, from the (local) day and the stage of each version the ward sent."""
    counted = [day for day, stage in sent if deadline.stages is None or stage in deadline.stages]
    return submission_state(due=deadline.due, first_submitted_on=min(counted, default=None), today=today)


def overall_state(states: list[str]) -> str:
    """A late deadline makes the ward late; otherwise a late sending shows, then on time, then not due."""
    return min(states, key=STATE_RANK.index)
