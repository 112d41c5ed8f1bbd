"""The review's rules as plain functions over plain values (docs/reviews.md).

Nothing here touches the database: a standard arrives as `StandardTerms`
(built by `Standard.terms()`), so every boundary is tested without one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.rules import Status
from households.vocab import Movement

URBAN, RURAL = "urban", "rural"
POINTS_PER_DEPRIVATION = 10


class ClassificationError(ValueError):
    """Input the classifier refuses instead of guessing; `field` names what to fix."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class IndicatorTerms:
    code: str
    name: str
    dimension: str = ""


@dataclass(frozen=True)
class StandardTerms:
    """One poverty standard as the classifier needs it; amounts in VND per person per month.

    `average_top_*` is the top of the average-living-standard band, None where
    the standard's band is not known; `score_a_cutoff_*` the score A at or below
    which a household counts as within the income line, None where the standard
    has no cut-off (then the income per person is needed).
    """

    name: str
    income_line_urban: int
    income_line_rural: int
    poor_min_deprivations: int
    indicators: tuple[IndicatorTerms, ...]
    average_top_urban: int | None = None
    average_top_rural: int | None = None
    score_a_cutoff_urban: Decimal | None = None
    score_a_cutoff_rural: Decimal | None = None

    def for_area(self, area_type: str):
        if area_type == URBAN:
            return self.income_line_urban, self.average_top_urban, self.score_a_cutoff_urban
        if area_type == RURAL:
            return self.income_line_rural, self.average_top_rural, self.score_a_cutoff_rural
        raise ClassificationError("area_type", _("Unknown area type “%(area)s”.") % {"area": area_type})


@dataclass(frozen=True)
class Classification:
    """The proposed class (None: not determined) and why, line by line."""

    status: str | None
    basis: str  # "income" or "score_a"
    figure: Decimal | int
    threshold: Decimal | int
    score_b: int
    deprived: tuple[IndicatorTerms, ...]
    explanation: tuple[str, ...] = field(default=())

    @property
    def deprivation_count(self) -> int:
        return len(self.deprived)


def money(amount) -> str:
    """2000000 -> '2.000.000 đồng' (Vietnamese thousands separator)."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def income(amount) -> str:
    """An income per person or a line of the standard, always with its unit: '2.000.000 đồng/người/tháng'."""
    return _("%(amount)s/person/month") % {"amount": money(amount)}


def points(value) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize())


def deprived_indicators(terms: StandardTerms, codes) -> tuple[IndicatorTerms, ...]:
    """The standard's indicators named by `codes`, in the standard's order; an unknown code is an error."""
    codes = list(codes)
    by_code = {indicator.code: indicator for indicator in terms.indicators}
    unknown = sorted({code for code in codes if code not in by_code})
    if unknown:
        raise ClassificationError(
            "deprivations",
            _("%(standard)s has no indicator %(codes)s.") % {"standard": terms.name, "codes": ", ".join(unknown)},
        )
    wanted = set(codes)
    return tuple(indicator for indicator in terms.indicators if indicator.code in wanted)


def classify(
    terms: StandardTerms,
    *,
    area_type: str,
    income_per_capita: int | None = None,
    score_a=None,
    deprivations=(),
) -> Classification:
    """The class a household's Phiếu B proposes under `terms`, with its explanation.

    Score A decides "within the income line" where the standard has a cut-off
    for the area; otherwise the income per person does. Above the line, the
    income per person places the household in the average band or above it;
    without it, or where the standard's band is unknown, the class is not
    determined (None) rather than guessed.
    """
    line, average_top, cutoff = terms.for_area(area_type)
    if income_per_capita is not None and income_per_capita < 0:
        raise ClassificationError("income_per_capita", _("The income per person may not be negative."))
    if score_a is not None:
        score_a = Decimal(score_a)
        if score_a < 0:
            raise ClassificationError("score_a", _("Score A may not be negative."))
    deprived = deprived_indicators(terms, deprivations)
    score_b = POINTS_PER_DEPRIVATION * len(deprived)
    if score_a is not None and cutoff is not None:
        basis, figure, threshold, within = "score_a", score_a, cutoff, score_a <= cutoff
    elif income_per_capita is not None:
        basis, figure, threshold, within = "income", income_per_capita, line, income_per_capita <= line
    elif score_a is not None:
        raise ClassificationError(
            "income_per_capita",
            _("%(standard)s has no score-A cut-off: enter the income per person.") % {"standard": terms.name},
        )
    else:
        raise ClassificationError(
            "income_per_capita", _("Enter the income per person or score A: the class cannot be proposed without one.")
        )

    lines = [_line_measure(basis, figure, threshold, within, terms, area_type)]
    lines.append(_line_score_b(score_b, deprived, terms.poor_min_deprivations))
    if within:
        status = Status.POOR if len(deprived) >= terms.poor_min_deprivations else Status.NEAR_POOR
    else:
        status, band_line = _above_the_line(income_per_capita, line, average_top, basis)
        lines.append(band_line)
    lines.append(_line_result(status))
    return Classification(
        status=status,
        basis=basis,
        figure=figure,
        threshold=threshold,
        score_b=score_b,
        deprived=deprived,
        explanation=tuple(lines),
    )


def _area_name(area_type):
    return _("urban") if area_type == URBAN else _("rural")


def _line_measure(basis, figure, threshold, within, terms, area_type):
    values = {"standard": terms.name, "area": _area_name(area_type)}
    if basis == "score_a":
        values.update(figure=points(figure), threshold=points(threshold))
        if within:
            return (
                _("Score A (B1) %(figure)s is at or below the cut-off %(threshold)s (%(standard)s, %(area)s).") % values
            )
        return _("Score A (B1) %(figure)s is above the cut-off %(threshold)s (%(standard)s, %(area)s).") % values
    values.update(figure=income(figure), threshold=income(threshold))
    if within:
        return (
            _("Income per person %(figure)s is at or below the line %(threshold)s (%(standard)s, %(area)s).") % values
        )
    return _("Income per person %(figure)s is above the line %(threshold)s (%(standard)s, %(area)s).") % values


def _line_score_b(score_b, deprived, poor_min):
    values = {"score": score_b, "count": len(deprived), "min": poor_min}
    if deprived:
        values["names"] = "; ".join(indicator.name for indicator in deprived)
        return (
            ngettext(
                "Score B (B2) %(score)s: %(count)s deprived indicator (poor from %(min)s): %(names)s.",
                "Score B (B2) %(score)s: %(count)s deprived indicators (poor from %(min)s): %(names)s.",
                len(deprived),
            )
            % values
        )
    return _("Score B (B2) 0: no deprived indicator (poor from %(min)s).") % values


def _above_the_line(figure, line, average_top, basis):
    if figure is None:
        return None, _("Above the line; the income per person is needed to tell the average band from above it.")
    if average_top is None:
        return None, _("The standard's average-living-standard band is not known: the class is not determined.")
    values = {"figure": income(figure), "line": income(line), "top": income(average_top)}
    if figure <= average_top:
        return Status.AVERAGE, _("Income per person %(figure)s is above %(line)s and at most %(top)s.") % values
    return Status.NOT_POOR, _("Income per person %(figure)s is above the top of the average band %(top)s.") % values


def _line_result(status):
    if status is None:
        return _("Proposed class: not determined.")
    return _("Proposed class: %(status)s.") % {"status": Status(status).label}


# --- Which standard ------------------------------------------------------------

PERIODIC, REGULAR = "periodic", "regular"


def status_year(*, kind: str, year: int) -> int:
    """The year whose classes a review sets: a periodic review in the autumn of Y sets Y+1."""
    return year + 1 if kind == PERIODIC else year


@dataclass(frozen=True)
class StandardSpan:
    key: object
    name: str
    year_from: int
    year_to: int


def standard_for_year(spans, year: int):
    """The key of the one standard in force for status year `year`; an error for none or several."""
    found = [span for span in spans if span.year_from <= year <= span.year_to]
    if not found:
        raise ClassificationError(
            "year", _("No poverty standard applies to %(year)s: an administrator must add it.") % {"year": year}
        )
    if len(found) > 1:
        raise ClassificationError(
            "year",
            _("Several poverty standards apply to %(year)s (%(names)s): an administrator must correct their years.")
            % {"year": year, "names": ", ".join(span.name for span in found)},
        )
    return found[0].key


def overlapping_years(spans) -> list[tuple[str, str]]:
    """Pairs of standards whose status years overlap (the admin refuses them)."""
    spans = sorted(spans, key=lambda span: span.year_from)
    return [
        (a.name, b.name)
        for i, a in enumerate(spans)
        for b in spans[i + 1 :]
        if b.year_from <= a.year_to and a.year_from <= b.year_to
    ]


# --- Movements (docs/reviews.md) ------------------------------------------------


def movement_for(*, from_status: str, to_status: str, was_ever_poor: bool, was_ever_near_poor: bool) -> str:
    """What a recognised change of class counts as in the tables; "" for none.

    `was_ever_*`: the household held that class before its current one (its
    history), which makes a return to it a fall back rather than a new case.
    """
    if from_status == to_status:
        return ""
    if to_status == Status.POOR:
        if from_status == Status.NEAR_POOR:
            return Movement.NEAR_POOR_TO_POOR
        return Movement.FALLEN_BACK_POOR if was_ever_poor else Movement.NEW_POOR
    if to_status == Status.NEAR_POOR:
        if from_status == Status.POOR:
            return Movement.POOR_TO_NEAR_POOR
        return Movement.FALLEN_BACK_NEAR_POOR if was_ever_near_poor else Movement.NEW_NEAR_POOR
    if from_status == Status.POOR:
        return Movement.ESCAPED_POVERTY
    if from_status == Status.NEAR_POOR:
        return Movement.ESCAPED_NEAR_POVERTY
    return ""


# --- The workflow's rules (docs/reviews.md, "The workflow") -----------------------

DEFAULT_POSTING_WORKING_DAYS = 3
# Since the two-level local government of 1 July 2025 (QĐ 24 still says the district chairman).
DEFAULT_UPPER_LEVEL_ADDRESSEE = "Chủ tịch Ủy ban nhân dân tỉnh"
REGULAR_REVIEW_DAYS = 15
CERTIFICATE_SUFFIX = "GCN-HN.HCN"


def campaign_window(*, kind: str, year: int, month: int | None = None) -> tuple[date, date]:
    """The periodic review runs 1 September – 14 December; a month's regular reviews from the 15th to the 14th."""
    if kind == PERIODIC:
        return date(year, 9, 1), date(year, 12, 14)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, 15), date(next_year, next_month, 14)


# Who attended a khối's meeting, by group, as the minutes (Phụ lục V of TT 07) list them (docs/reviews.md,
# "The meeting's attendance"). Stored as the columns `attendees_<group>` of reviews.Meeting: never rename one.
ATTENDANCE_GROUPS = ("ward", "khoi", "front", "organisations", "reviewers", "households", "others")


def attendance_groups_problem(keys) -> str | None:
    """Why an attendance's keys are refused, or None: a key that names no group is an error, never dropped (a
    mistyped group would silently count 0 and change who reached half of the attendees)."""
    unknown = sorted({str(key) for key in keys} - set(ATTENDANCE_GROUPS))
    if not unknown:
        return None
    return _("Unknown group of attendees: %(groups)s. The groups are %(known)s; a group left out counts as 0.") % {
        "groups": ", ".join(f"“{key}”" for key in unknown),
        "known": ", ".join(ATTENDANCE_GROUPS),
    }


def attendance_total(attendance: dict[str, int]) -> int:
    """The meeting's attendees: the sum of its groups (what the ≥ 50 % rule is counted against)."""
    return sum(attendance.get(group) or 0 for group in ATTENDANCE_GROUPS)


def meeting_passed(*, agreed: int, attendees: int) -> bool:
    """At least half of the attendees agreed (≥ 50 %, not > 50 %)."""
    return 2 * agreed >= attendees


def posting_ends_on(starts_on: date, working_days: int, days_off) -> date:
    """The last day of a posting of `working_days` working days, the first day counted when it is one.

    Weekends and `days_off` (national holidays and the ward's own days) do not count.
    """
    day, counted = starts_on, 0
    while True:
        if day.weekday() < 5 and day not in days_off:
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def regular_due_on(started_on: date, days: int = REGULAR_REVIEW_DAYS) -> date:
    """A regular review's decision or written refusal is due within `days` days of its start."""
    return started_on + timedelta(days=days)


def is_overdue(*, kind: str, started_on: date | None, closed: bool, today: date, days: int = REGULAR_REVIEW_DAYS):
    return kind == REGULAR and started_on is not None and not closed and today > regular_due_on(started_on, days)


# --- The steps' dates (docs/reviews.md, "Dates of the steps") ------------------------------
# Each returns why the date is refused, or None; the service that records the step raises it on the date's field.


def application_date_problem(applied_on: date, *, today: date) -> str | None:
    if applied_on > today:
        return _("The application date may not be in the future.")
    return None


def meeting_date_problem(held_on: date, *, today: date) -> str | None:
    if held_on > today:
        return _("The meeting date may not be in the future.")
    return None


def complaint_received_problem(
    received_on: date, *, posting_starts_on: date, posting_ends_on: date, today: date
) -> str | None:
    """A complaint about a posted result is received while the result is posted, and not after today (a posting
    may still run)."""
    if not posting_starts_on <= received_on <= posting_ends_on:
        return _("Complaints are received during the posting, %(start)s–%(end)s.") % {
            "start": f"{posting_starts_on:%d/%m/%Y}",
            "end": f"{posting_ends_on:%d/%m/%Y}",
        }
    if received_on > today:
        return _("The date the complaint was received may not be in the future.")
    return None


def complaint_resolved_problem(resolved_on: date, *, received_on: date, today: date) -> str | None:
    """A complaint is resolved on or after the day it was received, and not after today."""
    if resolved_on > today:
        return _("The resolution date may not be in the future; enter the day the re-check's result was decided.")
    if resolved_on < received_on:
        return _("The complaint cannot be resolved before it was received (%(received)s).") % {
            "received": f"{received_on:%d/%m/%Y}"
        }
    return None


def upper_report_date_problem(sent_on: date, *, today: date) -> str | None:
    if sent_on > today:
        return _("The date may not be in the future.")
    return None


def upper_answer_date_problem(answered_on: date, *, sent_on: date, today: date) -> str | None:
    """The upper level answers on or after the day the report was sent, and not after today."""
    if answered_on > today:
        return _("The answer date may not be in the future; enter the date written on the upper level's answer.")
    if answered_on < sent_on:
        return _("The answer cannot come before the report was sent.")
    return None


def decision_date_problem(signed_on: date, *, today: date) -> str | None:
    if signed_on > today:
        return _("The decision date may not be in the future.")
    return None


def refusal_date_problem(refused_on: date, *, today: date) -> str | None:
    if refused_on > today:
        return _("The date may not be in the future.")
    return None


def certificate_number(serial: int) -> str:
    return f"{serial}/{CERTIFICATE_SUFFIX}"


# The campaign board's columns, which its total row adds up (BoardRow also counts refused and returned).
BOARD_TOTALS = ("listed", "surveyed", "submitted", "verified", "agreed", "posted", "recognised", "late")


def board_totals(rows) -> dict[str, int]:
    """The board's total row: each of BOARD_TOTALS summed over the khối rows (objects with those counts)."""
    return {name: sum(getattr(row, name) for row in rows) for name in BOARD_TOTALS}


# --- What the survey shows next to each indicator ---------------------------------


@dataclass(frozen=True)
class MemberFacts:
    """A household member as the deprivation indicators look at them."""

    age: int | None
    is_disabled: bool = False


def member_facts(members: list[MemberFacts], *, sees_disability: bool) -> dict[str, str]:
    """Per indicator code, the registry's facts that help decide it (the surveyor still decides).

    The dependants' count takes in the members with a disability: it is there only for a user who may see
    disability (`sees_disability`), and without it `is_disabled` is never read.
    """

    def count(test):
        return sum(1 for m in members if m.age is not None and test(m.age))

    unknown = sum(1 for m in members if m.age is None)
    # ngettext: the English survey read "1 members aged 15 to 60" (Vietnamese has one form).
    older6, under16 = count(lambda a: a >= 6), count(lambda a: a < 16)
    school, adults, working = (
        count(lambda a: 3 <= a < 16),
        count(lambda a: 16 <= a <= 30),
        count(lambda a: 15 <= a <= 60),
    )
    facts = {
        "bao_hiem_y_te": ngettext("%(n)s member aged 6 or over", "%(n)s members aged 6 or over", older6)
        % {"n": older6},
        "dinh_duong": ngettext("%(n)s child under 16", "%(n)s children under 16", under16) % {"n": under16},
        "di_hoc_tre_em": ngettext("%(n)s child aged 3 to 15", "%(n)s children aged 3 to 15", school) % {"n": school},
        "giao_duc_nguoi_lon": ngettext("%(n)s member aged 16 to 30", "%(n)s members aged 16 to 30", adults)
        % {"n": adults},
        "viec_lam": ngettext("%(n)s member aged 15 to 60", "%(n)s members aged 15 to 60", working) % {"n": working},
    }
    if sees_disability:
        total = len(members)
        facts["nguoi_phu_thuoc"] = ngettext(
            "%(n)s of %(total)s member under 15, over 60 or with a disability",
            "%(n)s of %(total)s members under 15, over 60 or with a disability",
            total,
        ) % {
            "n": sum(1 for m in members if m.is_disabled or (m.age is not None and (m.age < 15 or m.age > 60))),
            "total": total,
        }
    if unknown:
        suffix = _("(%(n)s without a birth date)") % {"n": unknown}
        facts = {code: f"{text} {suffix}" for code, text in facts.items()}
    return facts
