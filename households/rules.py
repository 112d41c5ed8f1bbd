"""Registry rules as plain functions over plain values (docs/registry.md)."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .vocab import MemberRemovalReason

NEWLY_ESCAPED_MONTHS = 36
# No date of the registry (a birth, a decision, a removal) is earlier: year 0001 is a typing slip, and
# date arithmetic near year 1 fails (the HTML forms' own bound, hungbinh/forms.py MIN_YEAR).
EARLIEST_DATE = date(1900, 1, 1)
CHILD_AGE_LIMIT = 16

# The one name of a newly escaped household on every page and in every file: the
# dashboard, the list and the Excel workbooks say the same words (docs/registry.md).
# The dashboard counts them with the plural of the same words (a test holds them equal).
NEWLY_ESCAPED_LABEL = _("Newly escaped household")


class Status(models.TextChoices):
    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near-poor")
    AVERAGE = "average", _("Average living standard")
    NOT_POOR = "not_poor", _("Not poor")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ChangeReason(models.TextChoices):
    REGISTRATION = "registration", _("First registration")
    DECISION = "decision", _("Recognition decision")
    IMPORT = "import", _("Import of an official list")
    CORRECTION = "correction", _("Correction by an officer")
    # Moved away, dissolved, split, moved in: the "other" movements (docs/reviews.md, "Movements").
    MOVEMENT = "movement", _("Movement outside a review")


class PriorityGroup(models.TextChoices):
    POOR_ETHNIC_MINORITY = "poor_ethnic_minority", _("Poor household of an ethnic minority")
    POOR_WITH_MERIT = "poor_with_merit", _("Poor household with a person with revolutionary merit")
    CHILD = "child", _("Child under 16")
    DISABLED = "disabled", _("Person with a disability")
    WOMAN = "woman", _("Woman")


# The kind of a unit, which the papers write before its name by its area type (reports/layout.py, unit_kind).
UNIT_KIND_PREFIX = re.compile(r"^\s*(phường|xã|thị trấn)\b", re.IGNORECASE)


def ward_name_problem(name: str) -> str | None:
    """A ward's name is stored without its kind ("Hưng Bình", not "Phường Hưng Bình"): every paper writes
    "PHƯỜNG" or "XÃ" before it by the area type, so "Phường Hưng Bình" printed "PHƯỜNG PHƯỜNG HƯNG BÌNH"."""
    match = UNIT_KIND_PREFIX.match(name or "")
    if match and name.strip()[len(match.group(1)) :].strip():
        return str(
            _("Write the name without “%(kind)s”: the papers add “Phường” or “Xã” by the area type (%(name)s).")
            % {"kind": match.group(1), "name": name.strip()[len(match.group(1)) :].strip()}
        )
    return None


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a day the month lacks rolls over to the next month's first.

    So 29 February plus 36 months is 1 March: the household keeps every day of
    the window instead of losing one to a short February.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day) + timedelta(days=1)
    return date(year, month, start.day)


def newly_escaped_until(escaped_on: date | None) -> date | None:
    """Last day a household counts as newly escaped: recognised 2023-01-31 -> 2026-01-30."""
    if escaped_on is None:
        return None
    return add_months(escaped_on, NEWLY_ESCAPED_MONTHS) - timedelta(days=1)


def is_newly_escaped(status: str, escaped_on: date | None, as_of: date) -> bool:
    if escaped_on is None or status == Status.POOR:
        return False
    return escaped_on <= as_of <= newly_escaped_until(escaped_on)


def is_target(status: str, escaped_on: date | None, as_of: date) -> bool:
    """Poor, near-poor or newly escaped: the households the program supports."""
    return status in (Status.POOR, Status.NEAR_POOR) or is_newly_escaped(status, escaped_on, as_of)


def percent(part: int, whole: int) -> Decimal | None:
    """part as a percentage of whole, to one decimal rounded half up (12.35 -> 12.4); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def age_on(birth_date: date | None, as_of: date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (as_of.month, as_of.day) < (birth_date.month, birth_date.day)
    return as_of.year - birth_date.year - before_birthday


def household_priority_groups(*, status: str, ethnic_minority: bool, has_merit_person: bool) -> list[str]:
    groups = []
    if status == Status.POOR and ethnic_minority:
        groups.append(PriorityGroup.POOR_ETHNIC_MINORITY)
    if status == Status.POOR and has_merit_person:
        groups.append(PriorityGroup.POOR_WITH_MERIT)
    return groups


def member_priority_groups(
    *, household_is_target: bool, birth_date: date | None, gender: str, is_disabled: bool, as_of: date
) -> list[str]:
    """Children under 16, people with disabilities and women of target households."""
    if not household_is_target:
        return []
    groups = []
    age = age_on(birth_date, as_of)
    if age is not None and age < CHILD_AGE_LIMIT:
        groups.append(PriorityGroup.CHILD)
    if is_disabled:
        groups.append(PriorityGroup.DISABLED)
    if gender == Gender.FEMALE:
        groups.append(PriorityGroup.WOMAN)
    return groups


def status_change_problem(
    *, current: str | None, current_since: date | None, new: str, effective_on: date, today: date
) -> str | None:
    """Why a status change may not be recorded, or None when it may."""
    if effective_on > today:
        return str(_("The effective date may not be in the future."))
    if effective_on < EARLIEST_DATE:
        return str(_("The effective date is before %(year)s; check the year.") % {"year": EARLIEST_DATE.year})
    if current is not None and new == current:
        return str(_("The household already has this status."))
    if current_since is not None and effective_on < current_since:
        return str(
            _("The effective date is before the date of the current status (%(date)s).")
            % {"date": current_since.strftime("%d/%m/%Y")}
        )
    return None


def escaped_on_after_change(*, current: str | None, new: str, effective_on: date, escaped_on: date | None):
    """The escape date after a status change: set on leaving `poor`, cleared on returning to it."""
    if new == Status.POOR:
        return None
    if current == Status.POOR:
        return effective_on
    return escaped_on


# --- Members -------------------------------------------------------------------


def member_problems(fields: dict, *, today: date) -> dict[str, list[str]]:
    """Field errors of a member's data: what a form, the API or an import row reports."""
    errors: dict[str, list[str]] = {}
    if not fields.get("full_name"):
        errors.setdefault("full_name", []).append(str(_("Enter the member's full name.")))
    birth_date = fields.get("birth_date")
    if birth_date is not None and birth_date > today:
        errors.setdefault("birth_date", []).append(str(_("The birth date may not be in the future.")))
    if birth_date is not None and birth_date < EARLIEST_DATE:
        errors.setdefault("birth_date", []).append(
            str(_("The birth date is before %(year)s; check the year.") % {"year": EARLIEST_DATE.year})
        )
    if fields.get("id_number"):
        problems = id_number_problems(fields["id_number"], birth_date=birth_date, gender=fields.get("gender", ""))
        if problems:
            errors.setdefault("id_number", []).extend(problems)
    return errors


CODE_NUMBER = re.compile(r"^(.*?)(\d+)$")


def next_code(code: str) -> str | None:
    """The code after `code` in its numbering: HB-0366 → HB-0367, 099 → 100; None when it ends in no number."""
    match = CODE_NUMBER.match(code)
    if not match:
        return None
    prefix, digits = match.groups()
    return f"{prefix}{int(digits) + 1:0{len(digits)}d}"


def member_removal_problem(*, reason: str, left_on: date, birth_date: date | None, today: date) -> dict | None:
    """Why a member's removal may not be recorded (field errors), or None (docs/member-removal.md)."""
    if reason and reason not in MemberRemovalReason.values:
        return {"reason": [str(_("Choose why the member leaves the household from the list."))]}
    if left_on > today:
        return {"left_on": [str(_("The day the member left may not be in the future."))]}
    if left_on < EARLIEST_DATE:
        return {"left_on": [str(_("The day the member left is before %(year)s.") % {"year": EARLIEST_DATE.year})]}
    if birth_date is not None and left_on < birth_date:
        return {"left_on": [str(_("The day the member left is before their birth date."))]}
    return None


# --- Citizen ID numbers (CCCD) ---------------------------------------------

# ASCII digits only: Python's \d also matches fullwidth or Thai digits, which the database refuses.
ID_NUMBER = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class IdFacts:
    century: int  # 1900, 2000, ...
    female: bool
    year_suffix: int


def id_number_facts(id_number: str) -> IdFacts:
    """The century, gender and birth year coded in digits 4 to 6 of a CCCD."""
    code = int(id_number[3])
    return IdFacts(century=1900 + 100 * (code // 2), female=bool(code % 2), year_suffix=int(id_number[4:6]))


def id_number_problems(id_number: str, *, birth_date: date | None, gender: str) -> list[str]:
    """What is wrong with a citizen ID number, in words a user can act on."""
    if not ID_NUMBER.match(id_number):
        return [str(_("A citizen ID number has exactly 12 digits (got %(n)s characters).") % {"n": len(id_number)})]
    facts = id_number_facts(id_number)
    problems = []
    if birth_date is not None and (facts.century + facts.year_suffix) != birth_date.year:
        problems.append(
            str(
                _("The ID number encodes birth year %(coded)s but the birth date is in %(year)s.")
                % {"coded": facts.century + facts.year_suffix, "year": birth_date.year}
            )
        )
    if gender and facts.female != (gender == Gender.FEMALE):
        coded = _("female") if facts.female else _("male")
        problems.append(
            str(_("The ID number encodes gender %(coded)s, which differs from the member's.") % {"coded": coded})
        )
    return problems


def newly_escaped_since(as_of: date) -> date:
    """The earliest escape date still inside its window on `as_of`.

    A household is newly escaped on `as_of` exactly when
    newly_escaped_since(as_of) <= escaped_on <= as_of; the database filter uses
    this bound so that it agrees with `is_newly_escaped` day for day.
    """
    year, month = as_of.year - NEWLY_ESCAPED_MONTHS // 12, as_of.month
    candidate = date(year, month, min(as_of.day, calendar.monthrange(year, month)[1])) - timedelta(days=3)
    while newly_escaped_until(candidate) < as_of:
        candidate += timedelta(days=1)
    return candidate
