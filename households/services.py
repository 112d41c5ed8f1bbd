"""Writes to the registry. Each function is one transaction; each checks scope and input.

Errors a user can fix are raised as Django's ValidationError with Vietnamese
messages keyed by field; pages show them next to the field and the API answers
them as a 400.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from hungbinh.accounts.roles import can_edit_registry

from . import rules
from .models import Household, Khoi, Member, StatusChange, Ward
from .rules import ChangeReason
from .selectors import household_detail_queryset, khoi_list
from .text import nfc


class StaleVersion(Exception):
    """The record changed since the user read it; nothing was written."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version
        self.message = _(
            "Someone else changed this household after you opened it. Reload it to see their changes, "
            "then make yours again."
        )


def _require_editor(user):
    if not can_edit_registry(user):
        raise PermissionDenied(_("Your role may not change the registry."))


def _require_khoi_in_scope(user, khoi: Khoi):
    if not khoi_list(user=user).filter(pk=khoi.pk).exists():
        raise ValidationError({"khoi": _("Khối “%(khoi)s” is outside your scope.") % {"khoi": khoi}})


def _today():
    return timezone.localdate()


# --- Khối -----------------------------------------------------------------


@transaction.atomic
def khoi_move(*, khoi: Khoi, to_ward: Ward, by=None) -> Khoi:
    """Move a khối, with its households and their history, to another ward.

    After the 2025 merger of wards a khối keeps its households and their
    history; only the ward it answers to changes.
    """
    khoi = Khoi.objects.select_for_update().get(pk=khoi.pk)
    if khoi.ward_id == to_ward.pk:
        raise ValidationError(
            _("Khối “%(khoi)s” already belongs to ward %(ward)s.") % {"khoi": khoi.name, "ward": to_ward.name}
        )
    if Khoi.objects.filter(ward=to_ward, name=khoi.name).exists():
        raise ValidationError(
            _("Ward %(ward)s already has a khối named “%(khoi)s”; rename one of them before moving.")
            % {"ward": to_ward.name, "khoi": khoi.name}
        )
    clashes = list(
        Household.objects.filter(khoi=khoi, code__in=Household.objects.filter(ward=to_ward).values("code")).values_list(
            "code", flat=True
        )[:5]
    )
    if clashes:
        raise ValidationError(
            _("Ward %(ward)s already uses the household codes %(codes)s; change them before moving.")
            % {"ward": to_ward.name, "codes": ", ".join(clashes)}
        )
    khoi.ward = to_ward
    khoi._history_user = by
    khoi.save(update_fields=["ward"])
    households = list(Household.objects.filter(khoi=khoi).only("pk", "ward", "version"))
    for household in households:
        household.ward = to_ward
        household.version += 1
    # Each household's history records the move, with who made it.
    bulk_update_with_history(households, Household, ["ward", "version"], batch_size=500, default_user=by)
    return khoi


# --- Households -------------------------------------------------------------

HOUSEHOLD_TEXT_FIELDS = ("code", "head_name", "address")
HOUSEHOLD_EDITABLE_FIELDS = ("khoi", "code", "head_name", "address", "ethnic_minority", "has_merit_person")


def _clean_household_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in HOUSEHOLD_TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = nfc(cleaned[name])
    errors = {}
    if "code" in cleaned and not cleaned["code"]:
        errors["code"] = _("Enter the household code.")
    if "head_name" in cleaned and not cleaned["head_name"]:
        errors["head_name"] = _("Enter the name of the head of household.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_unique_code(*, ward_id: int, code: str, exclude_pk: int | None = None):
    clash = Household.objects.filter(ward_id=ward_id, code=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": _("Household code %(code)s is already used in this ward.") % {"code": code}})


@transaction.atomic
def household_create(
    *,
    by,
    khoi: Khoi,
    code: str,
    head_name: str,
    status: str,
    status_since: date,
    address: str = "",
    escaped_poverty_on: date | None = None,
    ethnic_minority: bool = False,
    has_merit_person: bool = False,
    reason: str = ChangeReason.REGISTRATION,
    decision_number: str = "",
    note: str = "",
) -> Household:
    _require_editor(by)
    _require_khoi_in_scope(by, khoi)
    fields = _clean_household_fields({"code": code, "head_name": head_name, "address": address})
    problem = rules.status_change_problem(
        current=None, current_since=None, new=status, effective_on=status_since, today=_today()
    )
    if problem:
        raise ValidationError({"status_since": problem})
    if escaped_poverty_on is not None and status == rules.Status.POOR:
        raise ValidationError({"escaped_poverty_on": _("A poor household has no date of escaping poverty.")})
    if escaped_poverty_on is not None and escaped_poverty_on > _today():
        raise ValidationError({"escaped_poverty_on": _("The date may not be in the future.")})
    _require_unique_code(ward_id=khoi.ward_id, code=fields["code"])
    household = Household(
        ward_id=khoi.ward_id,
        khoi=khoi,
        status=status,
        status_since=status_since,
        escaped_poverty_on=escaped_poverty_on,
        ethnic_minority=ethnic_minority,
        has_merit_person=has_merit_person,
        **fields,
    )
    household._history_user = by
    household.save()
    StatusChange.objects.create(
        household=household,
        from_status="",
        to_status=status,
        effective_on=status_since,
        reason=reason,
        decision_number=nfc(decision_number),
        note=nfc(note),
        recorded_by=by,
    )
    return household


def _lock_at_version(household: Household, version: int | None, *, by) -> Household:
    # The caller usually fetched the household through a scoped selector; checking
    # again here keeps a view that forgot it from writing outside the user's scope.
    if not household_detail_queryset(user=by).filter(pk=household.pk).exists():
        raise PermissionDenied(_("This household is outside your scope."))
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(locked.version)
    return locked


@transaction.atomic
def household_update(*, by, household: Household, version: int | None, **changes) -> Household:
    """Change a household's details (not its status: see household_change_status).

    `version` is what the user read; a newer version in the database means
    someone else saved in between, and StaleVersion is raised.
    """
    _require_editor(by)
    unknown = set(changes) - set(HOUSEHOLD_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    household = _lock_at_version(household, version, by=by)
    changes = _clean_household_fields(changes)
    if "khoi" in changes:
        _require_khoi_in_scope(by, changes["khoi"])
        if changes["khoi"].ward_id != household.ward_id:
            raise ValidationError({"khoi": _("Choose a khối of the household's own ward.")})
    if "code" in changes:
        _require_unique_code(ward_id=household.ward_id, code=changes["code"], exclude_pk=household.pk)
    changed = [name for name, value in changes.items() if getattr(household, name) != value]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, changes[name])
    household.version += 1
    household._history_user = by
    household.save(update_fields=[*changed, "version"])
    return household


@transaction.atomic
def household_change_status(
    *,
    by,
    household: Household,
    version: int | None,
    to_status: str,
    effective_on: date,
    reason: str,
    decision_number: str = "",
    note: str = "",
) -> StatusChange:
    """Record a status change with its date and reason; only this moves `status`."""
    _require_editor(by)
    household = _lock_at_version(household, version, by=by)
    decision_number, note = nfc(decision_number), nfc(note)
    if reason == ChangeReason.REGISTRATION:
        raise ValidationError({"reason": _("First registration is not a reason for a change.")})
    if reason == ChangeReason.DECISION and not decision_number:
        raise ValidationError({"decision_number": _("Enter the number of the recognition decision.")})
    if reason == ChangeReason.CORRECTION and not note:
        raise ValidationError({"note": _("Write the reason for the correction.")})
    problem = rules.status_change_problem(
        current=household.status,
        current_since=household.status_since,
        new=to_status,
        effective_on=effective_on,
        today=_today(),
    )
    if problem:
        raise ValidationError({"effective_on": problem})
    change = StatusChange.objects.create(
        household=household,
        from_status=household.status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        decision_number=decision_number,
        note=note,
        recorded_by=by,
    )
    household.escaped_poverty_on = rules.escaped_on_after_change(
        current=household.status, new=to_status, effective_on=effective_on, escaped_on=household.escaped_poverty_on
    )
    household.status = to_status
    household.status_since = effective_on
    household.version += 1
    household._history_user = by
    household.save(update_fields=["status", "status_since", "escaped_poverty_on", "version"])
    return change


# --- Members --------------------------------------------------------------

MEMBER_FIELDS = ("full_name", "birth_date", "gender", "relation", "id_number", "ethnicity", "is_disabled", "has_merit")


def member_problems(fields: dict, *, today: date) -> dict[str, list[str]]:
    """Field errors of a member's data (no database): what a form or an import row reports."""
    errors: dict[str, list[str]] = {}
    if not fields.get("full_name"):
        errors.setdefault("full_name", []).append(_("Enter the member's full name."))
    birth_date = fields.get("birth_date")
    if birth_date is not None and birth_date > today:
        errors.setdefault("birth_date", []).append(_("The birth date may not be in the future."))
    if fields.get("id_number"):
        problems = rules.id_number_problems(fields["id_number"], birth_date=birth_date, gender=fields.get("gender", ""))
        if problems:
            errors.setdefault("id_number", []).extend(problems)
    return errors


def _clean_member_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in ("full_name", "relation", "ethnicity"):
        if name in cleaned:
            cleaned[name] = nfc(cleaned[name])
    if "id_number" in cleaned:
        cleaned["id_number"] = nfc(cleaned["id_number"]).replace(" ", "")
    return cleaned


def _require_unique_id_number(id_number: str, exclude_pk: int | None = None):
    if not id_number:
        return
    clash = Member.objects.filter(id_number=id_number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"id_number": _("This citizen ID number is already registered for another person.")})


def _touch(household: Household, by):
    """A member change is a change of the household: its version moves on."""
    household.version += 1
    household._history_user = by
    household.save(update_fields=["version"])


@transaction.atomic
def member_create(*, by, household: Household, version: int | None = None, **fields) -> Member:
    _require_editor(by)
    household = _lock_at_version(household, version, by=by)
    fields = _clean_member_fields(fields)
    errors = member_problems({**dict.fromkeys(("full_name", "gender"), ""), **fields}, today=_today())
    if errors:
        raise ValidationError(errors)
    _require_unique_id_number(fields.get("id_number", ""))
    position = household.members.count() + 1
    member = Member(household=household, position=position, **fields)
    member._history_user = by
    member.save()
    _touch(household, by)
    return member


@transaction.atomic
def member_update(*, by, member: Member, version: int | None = None, **changes) -> Member:
    _require_editor(by)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    household = _lock_at_version(member.household, version, by=by)
    member = Member.objects.select_for_update().get(pk=member.pk)
    changes = _clean_member_fields(changes)
    merged = {name: getattr(member, name) for name in MEMBER_FIELDS} | changes
    errors = member_problems(merged, today=_today())
    if errors:
        raise ValidationError(errors)
    _require_unique_id_number(merged["id_number"], exclude_pk=member.pk)
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    if not changed:
        return member
    for name in changed:
        setattr(member, name, changes[name])
    member._history_user = by
    member.save(update_fields=changed)
    _touch(household, by)
    return member


@transaction.atomic
def member_delete(*, by, member: Member, version: int | None = None) -> None:
    _require_editor(by)
    household = _lock_at_version(member.household, version, by=by)
    member._history_user = by
    member.delete()
    _touch(household, by)
