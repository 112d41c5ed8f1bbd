"""What a parsed workbook changes in the registry, checked against what the registry holds.

Reads the ward's households and members (in chunks), writes nothing: the plan
is what a dry run reports and what `writing.write` writes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import rules
from ..models import Household, Member, StatusChange
from ..rules import ChangeReason
from ..selectors import member_list
from ..services import UNSET, status_change_build
from .parsing import MEMBER_COLUMN_OF_FIELD, HouseholdRow, MemberRow
from .results import Errors, HouseholdAdded, ImportPreview, MemberAdded, StatusChanged
from .workbook import (
    COL_CODE,
    COL_DECISION,
    COL_ID,
    COL_RECOGNISED,
    COL_STATUS,
    COL_VERSION,
    HOUSEHOLD_SHEET,
    MEMBER_SHEET,
)

CHUNK = 500  # values per IN (...) query, well under every database's parameter limit


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Plan:
    """What the workbook changes, built in memory; `writing.write` writes it."""

    new_households: list[Household] = field(default_factory=list)
    # Every status change: the first of each new household, and changes of known ones.
    status_changes: list[StatusChange] = field(default_factory=list)
    changed_households: dict[int, Household] = field(default_factory=dict)
    household_fields: set[str] = field(default_factory=set)
    new_members: list[tuple[str, Household | None, Member]] = field(default_factory=list)  # code, known household
    changed_members: list[Member] = field(default_factory=list)
    member_fields: set[str] = field(default_factory=set)

    def preview(self) -> ImportPreview:
        """What the plan changes, in the words of the page, before anything is written."""
        return ImportPreview(
            households_added=[
                HouseholdAdded(h.code, h.head_name, h.khoi.name, h.get_status_display()) for h in self.new_households
            ],
            status_changes=[
                StatusChanged(
                    change.household.code,
                    change.household.head_name,
                    rules.Status(change.from_status).label,
                    rules.Status(change.to_status).label,
                    change.effective_on,
                )
                for change in self.status_changes
                if change.household.pk is not None
            ],
            members_added=[
                MemberAdded(code, member.full_name, member.birth_date) for code, _household, member in self.new_members
            ],
        )


# Where a problem the status-change builder reports belongs in sheet "Hộ".
STATUS_COLUMN_OF_FIELD = {
    "effective_on": COL_RECOGNISED,
    "escaped_poverty_on": COL_RECOGNISED,
    "decision_number": COL_DECISION,
}


def plan_households(rows, existing: dict[str, Household], *, by, plan: Plan, errors: Errors, today) -> None:
    for row in rows:
        household = existing.get(row.code)
        if household is None:
            _plan_new_household(row, by=by, plan=plan, errors=errors, today=today)
        else:
            _plan_household_update(row, household, by=by, plan=plan, errors=errors, today=today)


def _status_change(row: HouseholdRow, household: Household, *, by, errors: Errors, today) -> StatusChange | None:
    """The row's classification as a change of the household's status, or None after reporting why not."""
    try:
        return status_change_build(
            household,
            to_status=row.status,
            effective_on=row.recognised_on,
            reason=ChangeReason.IMPORT,
            by=by,
            today=today,
            decision_number=row.decision_number,
            escaped_on=row.recognised_on if row.escaped else UNSET,
        )
    except ValidationError as problem:
        for name, messages in problem.message_dict.items():
            for message in messages:
                errors.add(HOUSEHOLD_SHEET, row.row, STATUS_COLUMN_OF_FIELD.get(name, COL_STATUS), message)
        return None


def _plan_new_household(row: HouseholdRow, *, by, plan: Plan, errors: Errors, today) -> None:
    if row.recognised_on is None:
        errors.add(
            HOUSEHOLD_SHEET,
            row.row,
            COL_RECOGNISED,
            _("Enter the recognition date (dd/mm/yyyy) of the classification: a new household needs it."),
        )
        return
    household = Household(
        ward_id=row.khoi.ward_id,
        khoi=row.khoi,
        code=row.code,
        head_name=row.head_name,
        address=row.address,
        ethnic_minority=row.ethnic_minority,
        has_merit_person=row.has_merit_person,
    )
    change = _status_change(row, household, by=by, errors=errors, today=today)
    if change is None:
        return
    household.refresh_derived()
    plan.new_households.append(household)
    plan.status_changes.append(change)


def _stale_message(code: str, file_version: int, version: int) -> str:
    return _(
        "Household %(code)s was changed in the registry after this file was exported (the file holds version "
        "%(file)s, the registry %(current)s): importing the row would undo that change. Export the list again "
        "and make your changes in the new file."
    ) % {"code": code, "file": file_version, "current": version}


def _is_stale(file_version: int | None, household: Household) -> bool:
    return file_version is not None and file_version < household.version


def _plan_household_update(row: HouseholdRow, household: Household, *, by, plan, errors, today) -> None:
    if _is_stale(row.version, household):
        would_change = (
            row.status != household.status
            or row.khoi.pk != household.khoi_id
            or row.head_name != household.head_name
            or (row.address or household.address) != household.address
            or row.ethnic_minority != household.ethnic_minority
            or row.has_merit_person != household.has_merit_person
            or (row.escaped and household.escaped_poverty_on != row.recognised_on)
        )
        if would_change:
            errors.add(HOUSEHOLD_SHEET, row.row, COL_VERSION, _stale_message(row.code, row.version, household.version))
            return
    wanted = {
        "khoi_id": row.khoi.pk,
        "head_name": row.head_name,
        # An empty optional cell leaves what the registry holds.
        "address": row.address or household.address,
        "ethnic_minority": row.ethnic_minority,
        "has_merit_person": row.has_merit_person,
    }
    changed = {name: value for name, value in wanted.items() if getattr(household, name) != value}
    if row.status != household.status:
        if row.recognised_on is None:
            errors.add(
                HOUSEHOLD_SHEET,
                row.row,
                COL_RECOGNISED,
                _("Enter the recognition date (dd/mm/yyyy): the classification of this household changes."),
            )
            return
        escaped_before = household.escaped_poverty_on
        change = _status_change(row, household, by=by, errors=errors, today=today)
        if change is None:
            return
        plan.status_changes.append(change)
        plan.household_fields.update(("status", "status_since"))
        if household.escaped_poverty_on != escaped_before:
            plan.household_fields.add("escaped_poverty_on")
        plan.changed_households[household.pk] = household
    elif row.escaped and household.escaped_poverty_on != row.recognised_on:
        # Same status, a corrected date of escaping poverty.
        changed["escaped_poverty_on"] = row.recognised_on
    if not changed:
        return
    for name, value in changed.items():
        setattr(household, name, value)
    household.refresh_derived()
    plan.household_fields.update(changed)
    plan.changed_households[household.pk] = household


MEMBER_COMPARED = ("full_name", "birth_date", "gender", "relation", "id_number", "ethnicity", "is_disabled")
# Blank cells of these columns mean “not given”: the registry keeps its value.
MEMBER_KEEP_WHEN_BLANK = frozenset({"birth_date", "gender", "relation", "id_number", "ethnicity"})


def _member_key(household_id, full_name: str, birth_date) -> tuple:
    return (household_id, full_name, birth_date)


def plan_members(
    rows: list[MemberRow],
    *,
    file_codes: set[str],
    existing: dict[str, Household],
    by,
    plan: Plan,
    errors: Errors,
    today,
    versions: dict[str, int] | None = None,
) -> None:
    """`versions`: each household code's version in the file's sheet “Hộ” (an exported list's hidden column)."""
    versions = versions or {}
    by_pk = {h.pk: h for h in existing.values()}
    known_ids = list(by_pk)
    members_by_id_number: dict[str, Member] = {}
    members_by_key: dict[tuple, list[Member]] = defaultdict(list)
    next_position: dict[int, int] = defaultdict(int)
    for chunk in chunks(known_ids):
        for member in Member.objects.filter(household_id__in=chunk).order_by("household_id", "position", "id"):
            if member.id_number:
                members_by_id_number[member.id_number] = member
            members_by_key[_member_key(member.household_id, member.full_name, member.birth_date)].append(member)
            next_position[member.household_id] = max(next_position[member.household_id], member.position)
    # ID numbers held by people of households the file does not touch (any ward); the
    # holder is named only when the user may see them (`holders`).
    wanted_ids = {r.id_number for r in rows if r.id_number and r.id_number not in members_by_id_number}
    elsewhere: set[str] = set()
    holders: dict[str, tuple[str, str]] = {
        number: (member.full_name, by_pk[member.household_id].code)
        for number, member in members_by_id_number.items()
        if member.household_id in by_pk
    }
    for chunk in chunks(wanted_ids):
        elsewhere.update(Member.objects.filter(id_number__in=chunk).values_list("id_number", flat=True))
        in_scope = member_list(user=by).filter(id_number__in=chunk)
        for number, name, code in in_scope.values_list("id_number", "full_name", "household__code"):
            holders[number] = (name, code)

    by_code = {h.code: h for h in existing.values()}
    first_row_of_id: dict[str, int] = {}
    used: set[int] = set()
    new_positions: dict[str, int] = defaultdict(int)
    for row in rows:
        household = by_code.get(row.code)
        if household is None and row.code not in file_codes:
            errors.add(
                MEMBER_SHEET,
                row.row,
                COL_CODE,
                _(
                    "Household code %(code)s is neither in sheet “Hộ” nor in the ward's registry. "
                    "Check the code, or add the household to sheet “Hộ”."
                )
                % {"code": row.code},
            )
            continue
        if row.id_number:
            if row.id_number in first_row_of_id:
                errors.add(
                    MEMBER_SHEET,
                    row.row,
                    COL_ID,
                    _("This citizen ID number is already given in row %(row)s. Each person has their own number.")
                    % {"row": first_row_of_id[row.id_number]},
                )
                continue
            first_row_of_id[row.id_number] = row.row
        member = _match_member(row, household, members_by_id_number, members_by_key, used)
        if row.masked_id and (member is None or member.id_number[-4:] != row.masked_id[-4:]):
            errors.add(
                MEMBER_SHEET,
                row.row,
                COL_ID,
                _(
                    "The ID number %(masked)s is masked and does not match the number the registry holds for "
                    "this person. Write the full 12 digits, or leave the cell empty to keep the stored number."
                )
                % {"masked": row.masked_id},
            )
            continue
        holder = members_by_id_number.get(row.id_number) if row.id_number else None
        if row.id_number and (
            (holder is not None and (household is None or holder.household_id != household.pk))
            or row.id_number in elsewhere
        ):
            errors.add(MEMBER_SHEET, row.row, COL_ID, _duplicate_id_message(holders.get(row.id_number)))
            continue
        stale = household is not None and _is_stale(versions.get(row.code), household)
        if member is None and stale:
            errors.add(MEMBER_SHEET, row.row, COL_CODE, _stale_message(row.code, versions[row.code], household.version))
            continue
        if member is None:
            fields = {name: getattr(row, name) for name in MEMBER_COMPARED}
            if not fields["ethnicity"]:
                fields["ethnicity"] = Member._meta.get_field("ethnicity").default
            if household is None:
                new_positions[row.code] += 1
                position = new_positions[row.code]
            else:
                next_position[household.pk] += 1
                position = next_position[household.pk]
            plan.new_members.append((row.code, household, Member(position=position, **fields)))
            if household is not None:
                plan.changed_households[household.pk] = household
            continue
        used.add(member.pk)
        _plan_member_update(
            row,
            member,
            household,
            plan=plan,
            errors=errors,
            today=today,
            stale_from=versions.get(row.code) if stale else None,
        )


def _duplicate_id_message(holder: tuple[str, str] | None) -> str:
    if holder is None:
        return _(
            "This citizen ID number is already registered for a person of another household. "
            "Check the number; if the person moved, remove them from the other household first."
        )
    name, code = holder
    return _(
        "This citizen ID number is already registered for %(name)s of household %(code)s. "
        "Check the number; if the person moved, remove them from household %(code)s first."
    ) % {"name": name, "code": code}


def _match_member(row: MemberRow, household, by_id_number, by_key, used) -> Member | None:
    if household is None:
        return None
    if row.id_number:
        member = by_id_number.get(row.id_number)
        if member is not None and member.household_id == household.pk and member.pk not in used:
            return member
    for member in by_key.get(_member_key(household.pk, row.full_name, row.birth_date), ()):
        if member.pk not in used:
            return member
    return None


def _plan_member_update(
    row: MemberRow, member: Member, household: Household, *, plan, errors, today, stale_from: int | None = None
) -> None:
    wanted = {}
    for name in MEMBER_COMPARED:
        value = getattr(row, name)
        if name in MEMBER_KEEP_WHEN_BLANK and value in ("", None):
            value = getattr(member, name)
        wanted[name] = value
    changed = {name: value for name, value in wanted.items() if getattr(member, name) != value}
    if not changed:
        return
    if stale_from is not None:
        errors.add(MEMBER_SHEET, row.row, COL_CODE, _stale_message(row.code, stale_from, household.version))
        return
    # The merged record must hold too (a kept ID number against a new birth date).
    problems = rules.member_problems(wanted, today=today)
    for name, messages in problems.items():
        for message in messages:
            errors.add(MEMBER_SHEET, row.row, MEMBER_COLUMN_OF_FIELD.get(name, ""), message)
    if problems:
        return
    for name, value in changed.items():
        setattr(member, name, value)
    plan.member_fields.update(changed)
    plan.changed_members.append(member)
    plan.changed_households[household.pk] = household
