"""Writes to the registry. Each function is one transaction; each checks scope and input.

Errors a user can fix are raised as Django's ValidationError with Vietnamese
messages keyed by field; pages show them next to the field and the API answers
them as a 400.
"""

import logging
from datetime import date

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from hungbinh.accounts.roles import can_edit_registry, can_record_decision
from hungbinh.text_input import control_characters_message

from . import history, rules
from .locking import lock_household, lock_households, lock_khoi, lock_member
from .models import Household, Khoi, Member, MemberRemoval, StatusChange, Ward
from .personal_data import mask_id_number
from .rules import ChangeReason
from .selectors import household_detail_queryset, khoi_list
from .text import ascii_digits, has_control_characters, nfc
from .vocab import Relation

# Refusals that touch people's data outside the user's scope (the duplicate ID check): hungbinh/log.py masks them.
audit = logging.getLogger("hungbinh.audit")


class StaleVersion(Exception):
    """The record changed since the user read it; nothing was written."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version
        self.message = _(
            "Someone else changed this household after you opened it. Reload it to see their changes, "
            "then make yours again."
        )


class StaleMember(StaleVersion):
    """The member changed after the form read it; changes to the rest of the household do not count."""

    def __init__(self, current_version: int, current_mark: int | None):
        super().__init__(current_version)
        self.current_mark = current_mark
        self.message = _("This member was changed after you opened the form; nothing was written.")


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
    khoi = lock_khoi(khoi.pk)
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
    # Locked, so their versions are read after any concurrent edit commits: its increment is not lost.
    households = lock_households(Household.objects.filter(khoi=khoi).only("pk", "ward", "version"))
    for household in households:
        household.ward = to_ward
        household.version += 1
    # Each household's history records the move, with who made it.
    bulk_update_with_history(households, Household, ["ward", "version"], batch_size=500, default_user=by)
    return khoi


# --- Households -------------------------------------------------------------

HOUSEHOLD_TEXT_FIELDS = ("code", "head_name", "address")
HOUSEHOLD_EDITABLE_FIELDS = ("khoi", "code", "head_name", "address", "ethnic_minority", "has_merit_person")


def _require_plain_text(fields: dict, model=None) -> None:
    """No control character in any text (hungbinh/text_input.py) and, after normalisation, no text longer than
    its column: a form or serializer checks the length of what was typed, and a few characters grow under
    NFC (PostgreSQL would refuse them with an error). A service is also called by the API, the import and
    commands, so it checks both itself."""
    errors = {}
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        if has_control_characters(value):
            errors[name] = control_characters_message()
            continue
        # An ID number's length is the rules' (“exactly 12 digits”), said more precisely.
        limit = _max_length(model, name) if name != "id_number" else None
        if limit is not None and len(value) > limit:
            errors[name] = _("The text is too long (%(length)s characters); shorten it to at most %(max)s.") % {
                "length": len(value),
                "max": limit,
            }
    if errors:
        raise ValidationError(errors)


def _max_length(model, name: str) -> int | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name).max_length
    except FieldDoesNotExist:  # a name that is no column of the model has no limit of its own
        return None


def _clean_household_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in HOUSEHOLD_TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = nfc(cleaned[name])
    _require_plain_text(cleaned, Household)
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
    head: dict | None = None,
) -> Household:
    """Register a household with its first status. `head`, when given (the pages give it), holds the head's
    member fields but the name (birth_date, gender, id_number, ethnicity, …): the head becomes the first
    member, relation "Chủ hộ". Errors about them are keyed `head_<field>`."""
    _require_editor(by)
    _require_khoi_in_scope(by, khoi)
    fields = _clean_household_fields({"code": code, "head_name": head_name, "address": address})
    head_fields = _head_member_fields(head, name=fields["head_name"], by=by) if head is not None else None
    household = Household(
        ward_id=khoi.ward_id,
        khoi=khoi,
        ethnic_minority=ethnic_minority,
        has_merit_person=has_merit_person,
        **fields,
    )
    registration = status_change_build(
        household,
        to_status=status,
        effective_on=status_since,
        reason=reason,
        by=by,
        decision_number=decision_number,
        note=note,
        escaped_on=escaped_poverty_on,
        today=_today(),
        date_field="status_since",
    )
    _require_unique_code(ward_id=khoi.ward_id, code=fields["code"])
    household._history_user = by
    household.save()
    registration.save()
    if head_fields is not None:
        member = Member(household=household, position=1, **head_fields)
        member._history_user = by
        member.save()
    return household


def _head_member_fields(head: dict, *, name: str, by=None) -> dict:
    unknown = set(head) - set(MEMBER_FIELDS) - {"full_name", "relation"}
    if unknown:
        raise ValidationError(_("These fields cannot be set here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    fields = _clean_member_fields({**head, "full_name": name, "relation": Relation.HEAD})
    errors = rules.member_problems({"gender": "", **fields}, today=_today())
    if errors:
        raise ValidationError({f"head_{field}": messages for field, messages in errors.items() if field != "full_name"})
    try:
        _require_unique_id_number(fields.get("id_number", ""), by=by)
    except ValidationError as error:
        raise ValidationError({"head_id_number": error.error_dict["id_number"]}) from error
    return fields


def _lock_at_version(household: Household, version: int | None, *, by) -> Household:
    # The caller usually fetched the household through a scoped selector; checking
    # again here keeps a view that forgot it from writing outside the user's scope.
    if not household_detail_queryset(user=by).filter(pk=household.pk).exists():
        raise PermissionDenied(_("This household is outside your scope."))
    locked = lock_household(household.pk)
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
    if reason == ChangeReason.DECISION and not can_record_decision(by):
        raise PermissionDenied(
            _("Only the ward's staff record a status change by decision; propose the change through a review.")
        )
    household = _lock_at_version(household, version, by=by)
    change = status_change_build(
        household,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        by=by,
        decision_number=decision_number,
        note=note,
        today=_today(),
    )
    status_changes_save([change], by=by)
    return change


# --- Status changes, one or many ---------------------------------------------------

UNSET = object()
STATUS_FIELDS = ("status", "status_since", "escaped_poverty_on")


def status_change_build(
    household: Household,
    *,
    to_status: str,
    effective_on: date,
    reason: str,
    by,
    today: date,
    decision_number: str = "",
    note: str = "",
    escaped_on=UNSET,
    date_field: str = "effective_on",
    movement: str = "",
) -> StatusChange:
    """Check one change of a household's status and prepare it, writing nothing.

    Sets the household's `status`, `status_since` and `escaped_poverty_on` on the
    instance and returns the unsaved StatusChange. A household whose `status` is
    still empty is being registered: this is its first status. `escaped_on`
    overrides the escape date the rules derive (an import's "Hộ mới thoát
    nghèo", a registration of a household that had already escaped).

    Raises ValidationError keyed by field (the date under `date_field`) when
    the change may not be recorded. It touches neither `version` nor the
    database, so callers can build many and write them together:
    `status_changes_save` for status changes alone (recognition decisions), the
    import's own bulk writer when other fields change too, the demo data.
    """
    decision_number, note = nfc(decision_number), nfc(note)
    _require_plain_text({"decision_number": decision_number, "note": note}, StatusChange)
    current = household.status or None
    if reason == ChangeReason.REGISTRATION and current is not None:
        raise ValidationError({"reason": _("First registration is not a reason for a change.")})
    if reason == ChangeReason.DECISION and not decision_number:
        raise ValidationError({"decision_number": _("Enter the number of the recognition decision.")})
    if reason == ChangeReason.CORRECTION and not note:
        raise ValidationError({"note": _("Write the reason for the correction.")})
    if reason == ChangeReason.MOVEMENT:
        # Moves, dissolutions and splits have their own service (reviews.services.household_movement_record).
        raise ValidationError(
            {"reason": _("Record a move, a dissolution or a split on the household's movement page.")}
        )
    problem = rules.status_change_problem(
        current=current, current_since=household.status_since, new=to_status, effective_on=effective_on, today=today
    )
    if problem:
        raise ValidationError({date_field: problem})
    if escaped_on is UNSET:
        escaped_on = rules.escaped_on_after_change(
            current=current, new=to_status, effective_on=effective_on, escaped_on=household.escaped_poverty_on
        )
    elif escaped_on is not None and to_status == rules.Status.POOR:
        raise ValidationError({"escaped_poverty_on": _("A poor household has no date of escaping poverty.")})
    elif escaped_on is not None and escaped_on > today:
        raise ValidationError({"escaped_poverty_on": _("The date may not be in the future.")})
    change = StatusChange(
        household=household,
        from_status=current or "",
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        decision_number=decision_number,
        note=note,
        movement=movement,
        recorded_by=by,
    )
    household.status, household.status_since, household.escaped_poverty_on = to_status, effective_on, escaped_on
    return change


def status_changes_save(changes: list[StatusChange], *, by, batch_size: int = 500) -> None:
    """Write built status changes of existing households in bulk: their new status, version and history.

    For many households at once (recognition decisions) as for one. The caller
    holds the households' row locks (`locking.lock_households`) inside its transaction.
    """
    if not changes:
        return
    now = timezone.now()
    households = list({change.household_id: change.household for change in changes}.values())
    for household in households:
        household.version += 1
        household.updated_at = now
        # An instance saved earlier still names that save's user; this change is `by`'s.
        household._history_user = by
    bulk_update_with_history(
        households,
        Household,
        [*STATUS_FIELDS, "version", "updated_at"],
        batch_size=batch_size,
        default_user=by,
        default_date=now,
    )
    StatusChange.objects.bulk_create(changes, batch_size=batch_size)


# --- Members --------------------------------------------------------------

MEMBER_FIELDS = ("full_name", "birth_date", "gender", "relation", "id_number", "ethnicity", "is_disabled", "has_merit")


def _clean_member_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in ("full_name", "relation", "ethnicity"):
        if name in cleaned:
            cleaned[name] = nfc(cleaned[name])
    if "id_number" in cleaned:
        cleaned["id_number"] = ascii_digits(nfc(cleaned["id_number"]).replace(" ", ""))
    _require_plain_text(cleaned, Member)
    return cleaned


def _require_unique_id_number(id_number: str, exclude_pk: int | None = None, *, by=None):
    """An ID number belongs to one person in the whole registry, whatever the ward.

    The check looks beyond the user's scope, so its answer says only that the number is taken (never where
    or by whom), and each refusal is logged: repeated ones are someone probing for numbers
    (docs/personal-data.md).
    """
    if not id_number:
        return
    clash = Member.objects.filter(id_number=id_number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    holder = clash.values("household__ward_id").first()
    if holder is not None:
        audit.warning(
            "duplicate ID number refused: user=%s role=%s number=%s holder_in_user_ward=%s",
            getattr(by, "pk", None),
            getattr(by, "role", ""),
            mask_id_number(id_number),
            holder["household__ward_id"] == _ward_id_of(by),
        )
        raise ValidationError({"id_number": _("This citizen ID number is already registered for another person.")})


def _ward_id_of(user) -> int | None:
    if user is None:
        return None
    if getattr(user, "ward_id", None):
        return user.ward_id
    khoi = getattr(user, "khoi", None) if getattr(user, "khoi_id", None) else None
    return khoi.ward_id if khoi is not None else None


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
    errors = rules.member_problems({**dict.fromkeys(("full_name", "gender"), ""), **fields}, today=_today())
    if errors:
        raise ValidationError(errors)
    _require_unique_id_number(fields.get("id_number", ""), by=by)
    position = household.members.count() + 1
    member = Member(household=household, position=position, **fields)
    member._history_user = by
    member.save()
    _touch(household, by)
    return member


def _lock_member(member: Member, seen: int | None, household: Household) -> Member:
    """Lock the member; `seen` (a form's mark, history.member_mark) must still be its latest history record."""
    locked = lock_member(member.pk)
    if seen is not None:
        mark = history.member_mark(locked.pk)
        if mark != seen:
            raise StaleMember(household.version, mark)
    return locked


@transaction.atomic
def member_update(*, by, member: Member, version: int | None = None, seen: int | None = None, **changes) -> Member:
    """Change a member. `version` is the household's (the API's check); `seen` the member's own mark (the
    pages' check: a member's form conflicts only with changes to that member)."""
    _require_editor(by)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    household = _lock_at_version(member.household, version, by=by)
    member = _lock_member(member, seen, household)
    changes = _clean_member_fields(changes)
    merged = {name: getattr(member, name) for name in MEMBER_FIELDS} | changes
    errors = rules.member_problems(merged, today=_today())
    if errors:
        raise ValidationError(errors)
    _require_unique_id_number(merged["id_number"], exclude_pk=member.pk, by=by)
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
def member_delete(
    *,
    by,
    member: Member,
    version: int | None = None,
    seen: int | None = None,
    reason: str = "",
    left_on: date | None = None,
    note: str = "",
) -> MemberRemoval:
    """Take a member off the household's list, keeping why and when (docs/member-removal.md).

    The pages require a `reason` (vocab.MemberRemovalReason) and the day the
    person left (default: today); the API's DELETE carries neither, and its
    removal is recorded with an empty reason.
    """
    _require_editor(by)
    household = _lock_at_version(member.household, version, by=by)
    member = _lock_member(member, seen, household)
    left_on = left_on or _today()
    _require_plain_text({"note": nfc(note)}, MemberRemoval)
    problem = rules.member_removal_problem(reason=reason, left_on=left_on, birth_date=member.birth_date, today=_today())
    if problem:
        raise ValidationError(problem)
    removal = MemberRemoval.objects.create(
        household=household,
        member_id=member.pk,
        full_name=member.full_name,
        birth_date=member.birth_date,
        gender=member.gender,
        relation=member.relation,
        reason=reason,
        left_on=left_on,
        note=nfc(note),
        recorded_by=by,
    )
    member._history_user = by
    member._change_reason = reason  # The deletion's history record keeps the reason too.
    member.delete()
    _touch(household, by)
    return removal
