"""Report periods as plain values: a year (`2025`), a half (`2025-H1`) or a quarter (`2025-Q3`).

The progress reports of the program are six-monthly and annual, the monthly
and quarterly ones of the regular review are read by quarter (docs/reports.md,
"Periods"). A period that does not parse is a `PeriodError` with the message a
user reads; nothing else in the app parses period strings.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[HhQq])(?P<index>\d{1,2}))?$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Y", "H" or "Q"
    index: int = 1  # the half (1–2) or the quarter (1–4); 1 for a year

    @property
    def first_month(self) -> int:
        if self.kind == "H":
            return 6 * (self.index - 1) + 1
        if self.kind == "Q":
            return 3 * (self.index - 1) + 1
        return 1

    @property
    def last_month(self) -> int:
        return {"Y": 12, "H": 6 * self.index, "Q": 3 * self.index}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def before_start(self) -> date:
        """The last day before the period: the figures "at the start of the period" are read on it."""
        return self.start - timedelta(days=1)

    @property
    def key(self) -> str:
        """The period as written in URLs and files: 2025, 2025-H1, 2025-Q3."""
        return str(self.year) if self.kind == "Y" else f"{self.year}-{self.kind}{self.index}"

    @property
    def label(self) -> str:
        """The period as a Vietnamese report names it: “năm 2025”, “6 tháng đầu năm 2025”, “quý III năm 2025”."""
        if self.kind == "H":
            if self.index == 1:
                return _("the first six months of %(year)s") % {"year": self.year}
            return _("the last six months of %(year)s") % {"year": self.year}
        if self.kind == "Q":
            return _("quarter %(roman)s of %(year)s") % {"roman": ROMAN[self.index], "year": self.year}
        return _("the year %(year)s") % {"year": self.year}

    def __str__(self):
        return self.key


def parse_period(text: str) -> Period:
    """`2025`, `2025-H1`, `2025-Q3` (case-insensitive); anything else raises PeriodError with the reason."""
    value = (text or "").strip()
    match = PATTERN.match(value)
    if not match:
        raise PeriodError(
            _(
                "“%(value)s” is not a period. Write a year (2025), a half year (2025-H1, 2025-H2) "
                "or a quarter (2025-Q1 … 2025-Q4)."
            )
            % {"value": value}
        )
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _("The year %(year)s is outside the years the program reports on (%(first)s–%(last)s).")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if match["kind"] is None:
        return Period(year, "Y")
    kind, index = match["kind"].upper(), int(match["index"])
    if kind == "H" and index not in (1, 2):
        raise PeriodError(
            _("A year has two halves: write %(year)s-H1 or %(year)s-H2, not “%(value)s”.")
            % {"year": year, "value": value}
        )
    if kind == "Q" and not 1 <= index <= 4:
        raise PeriodError(
            _("A year has four quarters: write %(year)s-Q1 to %(year)s-Q4, not “%(value)s”.")
            % {"year": year, "value": value}
        )
    return Period(year, kind, index)


def year_period(year: int) -> Period:
    return parse_period(str(year))


def periods_of_year(year: int) -> list[Period]:
    """The periods a ward may report on in a year, the year first."""
    return [Period(year, "Y"), Period(year, "H", 1), Period(year, "H", 2), *(Period(year, "Q", q) for q in range(1, 5))]


def submission_period(today: date) -> Period:
    """The period the submissions page opens on, given today's date in Vietnam (`timezone.localdate()`).

    The year, except in January: then the year just ended, whose progress report is due on 5 January (the
    app's assumption) and whose review-result tables were due by 15/11 and 20/12 (reports.rules.deadlines), so
    January is when its last and late versions come in and the upper level checks who sent what.
    """
    return Period(today.year - 1 if today.month == 1 else today.year, "Y")


def submission_periods(today: date) -> list[Period]:
    """The periods the submissions page offers: those of this year, then those of the year before."""
    return [*periods_of_year(today.year), *periods_of_year(today.year - 1)]
