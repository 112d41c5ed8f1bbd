"""Rules of the program as plain functions over plain values (docs/program.md).

Who a sub-project may support is checked as of the support's date: the household's
status on that day (from its status history) and the member's age on that day.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from households import rules as registry
from households.rules import Gender, Status

WORKING_AGE_FROM = 15  # Bộ luật Lao động 2019, Điều 3: a worker is at least 15.


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded")


class PlanOrigin(models.TextChoices):
    NEW = "new", _("New")
    COPY = "copy", _("Copied from an earlier year")
    CORRECTION = "correction", _("Correction of an issued plan")


class TargetRule(models.TextChoices):
    """Whom a sub-project supports (docs/program.md section 4; QĐ 90/QĐ-TTg section III)."""

    ANYONE = "anyone", _("Anyone in the ward")
    TARGET_HOUSEHOLD = "target_household", _("A poor, near-poor or newly escaped household")
    POOR_OR_NEAR_POOR = "poor_or_near_poor", _("A poor or near-poor household")
    CHILD_OF_TARGET = "child_of_target", _("A child under 16 of a poor, near-poor or newly escaped household")
    WORKER_OF_TARGET = "worker_of_target", _("A working-age member of a poor, near-poor or newly escaped household")


PERSONAL_RULES = frozenset({TargetRule.CHILD_OF_TARGET, TargetRule.WORKER_OF_TARGET})


class FundingCategory(models.TextChoices):
    BUDGET = "budget", _("State budget")
    MOBILISED = "mobilised", _("Mobilised funds")
    CREDIT = "credit", _("Policy credit")
    OTHER = "other", _("Other")


class SupportKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")
    SERVICE = "service", _("Service (training, health care, job placement…)")
    CREDIT = "credit", _("Loan")
    OTHER = "other", _("Other")


class IndicatorSource(models.TextChoices):
    """Where an indicator's achieved value comes from."""

    MANUAL = "manual", _("Entered by hand")
    POOR_RATE = "poor_rate", _("Poverty rate (%), from the registry")
    NEAR_POOR_RATE = "near_poor_rate", _("Near-poverty rate (%), from the registry")
    POOR_RATE_REDUCTION = "poor_rate_reduction", _("Fall of the poverty rate (percentage points) since the baseline")
    POOR_HOUSEHOLDS = "poor_households", _("Poor households, from the registry")
    NEAR_POOR_HOUSEHOLDS = "near_poor_households", _("Near-poor households, from the registry")
    HOUSEHOLDS_SUPPORTED = "households_supported", _("Households supported, from the support recorded")
    PEOPLE_SUPPORTED = "people_supported", _("People supported, from the support recorded")
    SUPPORT_AMOUNT = "support_amount", _("Amount of support given (VND), from the support recorded")


RATE_SOURCES = frozenset(
    {IndicatorSource.POOR_RATE, IndicatorSource.NEAR_POOR_RATE, IndicatorSource.POOR_RATE_REDUCTION}
)
SUPPORT_SOURCES = frozenset(
    {IndicatorSource.HOUSEHOLDS_SUPPORTED, IndicatorSource.PEOPLE_SUPPORTED, IndicatorSource.SUPPORT_AMOUNT}
)


# --- A household as it was on a day ------------------------------------------------


@dataclass(frozen=True)
class HouseholdOn:
    """A household's status and escape date as they stood on one day (status None: not yet registered)."""

    status: str | None
    escaped_on: date | None

    def is_target(self, on: date) -> bool:
        return self.status is not None and registry.is_target(self.status, self.escaped_on, on)


@dataclass(frozen=True)
class StatusStep:
    effective_on: date
    to_status: str


def household_on(
    steps: Iterable[StatusStep],
    on: date,
    *,
    current_status: str,
    current_since: date,
    current_escaped_on: date | None,
) -> HouseholdOn:
    """The household's status on `on`, replaying its status history (ordered by date, then id).

    Leaving `poor` sets the escape date, returning to it clears it. A household
    registered straight into a non-poor status with an escape date (an imported
    "hộ mới thoát nghèo") keeps that date once it has passed. A household
    without any history row is taken at its current status from `current_since`.
    """
    steps = [s for s in steps if s.effective_on <= on]
    status = escaped = None
    for step in steps:
        if step.to_status == Status.POOR:
            escaped = None
        elif status == Status.POOR:
            escaped = step.effective_on
        status = step.to_status
    if status is None and not steps and current_since <= on:
        status = current_status
    if status not in (None, Status.POOR) and escaped is None and current_escaped_on and current_escaped_on <= on:
        escaped = current_escaped_on
    return HouseholdOn(status=status, escaped_on=escaped)


# --- Working age ---------------------------------------------------------------------


def retirement_age_months(gender: str, year: int) -> int:
    """Normal retirement age in months in `year` (Nghị định 135/2020/NĐ-CP roadmap).

    Men: 60 years 3 months in 2021, 3 months more each year up to 62 (2028).
    Women: 55 years 4 months in 2021, 4 months more each year up to 60 (2035).
    An unknown gender gets the men's (higher) age, so nobody is refused for a
    missing field.
    """
    years_since = max(year - 2020, 0)
    if gender == Gender.FEMALE:
        return min(55 * 12 + 4 * years_since, 60 * 12)
    return min(60 * 12 + 3 * years_since, 62 * 12)


def age_in_months(birth_date: date, on: date) -> int:
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    return months - (on.day < birth_date.day)


def is_working_age(*, birth_date: date | None, gender: str, on: date) -> bool | None:
    """From 15 to the retirement age; None when the birth date is unknown."""
    if birth_date is None:
        return None
    months = age_in_months(birth_date, on)
    return WORKING_AGE_FROM * 12 <= months < retirement_age_months(gender, on.year)


# --- Who a sub-project may support ---------------------------------------------------


@dataclass(frozen=True)
class MemberOn:
    name: str
    birth_date: date | None
    gender: str


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def eligibility_problem(rule: str, *, on: date, household: HouseholdOn, member: MemberOn | None) -> str | None:
    """Why the support breaks the sub-project's target rule on `on`, or None when it does not."""
    if rule == TargetRule.ANYONE:
        return None
    day = _fmt(on)
    if household.status is None:
        return str(_("The household had no recorded status on %(day)s.") % {"day": day})
    status_label = str(Status(household.status).label).lower()
    if rule == TargetRule.POOR_OR_NEAR_POOR:
        if household.status in (Status.POOR, Status.NEAR_POOR):
            return None
        return str(
            _("This sub-project supports poor or near-poor households; on %(day)s the household was “%(status)s”.")
            % {"day": day, "status": status_label}
        )
    if not household.is_target(on):
        return str(
            _(
                "This sub-project supports poor, near-poor or newly escaped households; on %(day)s the household "
                "was “%(status)s” and not newly escaped."
            )
            % {"day": day, "status": status_label}
        )
    if rule == TargetRule.TARGET_HOUSEHOLD:
        return None
    if member is None:
        return str(_("This sub-project supports a person: choose the member who received the support."))
    if member.birth_date is None:
        return str(
            _("The birth date of %(name)s is not recorded, so the age rule cannot be checked.") % {"name": member.name}
        )
    age = registry.age_on(member.birth_date, on)
    if rule == TargetRule.CHILD_OF_TARGET:
        if age < registry.CHILD_AGE_LIMIT:
            return None
        return str(
            _("This sub-project supports children under 16; %(name)s was %(age)s on %(day)s.")
            % {"name": member.name, "age": age, "day": day}
        )
    if rule == TargetRule.WORKER_OF_TARGET:
        if is_working_age(birth_date=member.birth_date, gender=member.gender, on=on):
            return None
        return str(
            _(
                "This sub-project supports working-age people (from 15 to the retirement age); %(name)s was "
                "%(age)s on %(day)s."
            )
            % {"name": member.name, "age": age, "day": day}
        )
    return str(_("Unknown target rule “%(rule)s”.") % {"rule": rule})


# --- Input of a support record --------------------------------------------------------


def support_problems(*, on: date | None, today: date, amount, quantity, member_household_id, household_id) -> dict:
    """Field errors of a support record that need no database."""
    errors = {}
    if on is None:
        errors["date"] = str(_("Enter the date of the support as dd/mm/yyyy."))
    elif on > today:
        errors["date"] = str(
            _("The support date %(day)s is in the future; record support once it has been given.") % {"day": _fmt(on)}
        )
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int):
        errors["amount"] = str(_("The amount is a whole number of đồng, without decimals."))
    elif amount < 0:
        errors["amount"] = str(_("The amount may not be negative."))
    if quantity is None or isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = str(_("The quantity is a whole number, at least 1."))
    if member_household_id is not None and member_household_id != household_id:
        errors["member"] = str(_("This person is not a member of the chosen household."))
    return errors


def over_budget_warning(*, allocated: int, spent: int, adding: int) -> str | None:
    """A warning when recording `adding` đồng would pass the allocation, or None."""
    if spent + adding <= allocated:
        return None
    return str(
        _(
            "This support of %(adding)s đ would bring the spending to %(total)s đ, over the allocation of "
            "%(allocated)s đ by %(over)s đ."
        )
        % {
            "adding": vnd(adding),
            "total": vnd(spent + adding),
            "allocated": vnd(allocated),
            "over": vnd(spent + adding - allocated),
        }
    )


def vnd(amount: int) -> str:
    """12.500.000: Vietnamese thousands separators."""
    return f"{amount:,}".replace(",", ".")


def share(part, whole) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass(frozen=True)
class BudgetTotals:
    """A plan's budget lines added up (whole đồng)."""

    allocated: int
    spent: int

    @property
    def remaining(self) -> int:
        return self.allocated - self.spent

    @property
    def share(self) -> float | None:
        """The share of the allocation spent, in % to one decimal; None without an allocation."""
        return share(self.spent, self.allocated)


def budget_totals(lines: Iterable) -> BudgetTotals:
    """The total row of budget lines: anything with `allocated` and `spent` (selectors.BudgetRow)."""
    lines = list(lines)
    return BudgetTotals(allocated=sum(line.allocated for line in lines), spent=sum(line.spent for line in lines))


# --- Plans -------------------------------------------------------------------------------

PLAN_NUMBER = re.compile(r"^\d+/\S+$")


def plan_number_problem(number: str) -> str | None:
    if not number:
        return str(_("Enter the plan's number as issued, for example 45/KH-UBND."))
    if not PLAN_NUMBER.match(number):
        return str(_("A plan number looks like 45/KH-UBND: digits, a slash, then the symbol."))
    return None


def plan_year_problem(*, year: int, start_year: int, end_year: int) -> str | None:
    if not start_year <= year <= end_year:
        return str(
            _("The program runs from %(start)s to %(end)s; choose a year in that period or another program.")
            % {"start": start_year, "end": end_year}
        )
    return None


def retitle_year(text: str, old: int, new: int) -> str:
    """“… năm 2025” → “… năm 2026”: the year a copied plan names, not periods such as 2021-2025."""
    return re.sub(rf"\bnăm {old}\b", f"năm {new}", text)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
