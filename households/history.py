"""The change history of a household and its members, as a page shows it.

django-simple-history keeps a record per save; this turns consecutive records
into "who changed what, from which value to which", with values as a person
reads them (labels, dd/mm/yyyy) and personal data as the reader may see it
(docs/personal-data.md): ID numbers masked unless revealed, ethnicity and
disability left out for a role that may not see them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from .models import Household, Khoi, Member
from .personal_data import SENSITIVE_FIELDS, Disclosure
from .vocab import MemberRemovalReason

HOUSEHOLD_IGNORED = frozenset({"version", "created_at", "ward"})
MEMBER_IGNORED = frozenset({"position", "household"})


@dataclass
class Change:
    """One line of the change history: who changed what, from which value to which."""

    at: datetime
    user: object
    subject: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


class _ValueFormatter:
    """Turns stored history values into what a person reads: labels, dd/mm/yyyy, masked ID numbers."""

    def __init__(self, *, khoi_names: dict[int, str], disclosure: Disclosure | None):
        self.khoi_names = khoi_names
        self.disclosure = disclosure

    def __call__(self, model_field, value) -> str:
        if self.disclosure is not None:
            value = self.disclosure.value(model_field.name, value)
        if value is None or value == "":
            return "—"
        if model_field.name == "khoi":
            return self.khoi_names.get(value, str(value))
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        return str(value)


def _diff_records(records, *, ignored, subject_of, fmt, model, created: str, deleted: str) -> list[Change]:
    """Changes between consecutive history records of each object, without a query per record."""
    changes = []
    previous = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        subject = subject_of(record)
        if record.history_type == "+" or before is None:
            changes.append(Change(record.history_date, record.history_user, subject, created))
            continue
        if record.history_type == "-":
            # A member removed from the pages carries why (docs/member-removal.md).
            reason = MemberRemovalReason(record.history_change_reason).label if _is_reason(record) else ""
            action = f"{deleted}: {reason}" if reason else deleted
            changes.append(Change(record.history_date, record.history_user, subject, action))
            continue
        delta = record.diff_against(before)
        fields = [
            (
                str(model._meta.get_field(c.field).verbose_name),
                fmt(model._meta.get_field(c.field), c.old),
                fmt(model._meta.get_field(c.field), c.new),
            )
            for c in delta.changes
            if c.field not in ignored
        ]
        if fields:
            changes.append(Change(record.history_date, record.history_user, subject, _("Changed"), fields))
    return changes


def _is_reason(record) -> bool:
    return getattr(record, "history_change_reason", None) in MemberRemovalReason.values


def household_changes(household: Household, *, disclosure: Disclosure) -> list[Change]:
    """The household's and its members' changes (removed members too), newest first; three queries."""
    household_records = list(
        Household.history.filter(id=household.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    member_records = list(
        Member.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    khoi_ids = {r.khoi_id for r in household_records}
    khoi_names = dict(Khoi.objects.filter(pk__in=khoi_ids).values_list("pk", "name"))
    fmt = _ValueFormatter(khoi_names=khoi_names, disclosure=disclosure)
    household_label = _("Household")
    withheld = {name for name in SENSITIVE_FIELDS if not disclosure.shows(name)}
    changes = _diff_records(
        household_records,
        ignored=HOUSEHOLD_IGNORED,
        subject_of=lambda r: household_label,
        fmt=fmt,
        model=Household,
        created=_("Registered"),
        deleted=_("Deleted"),
    ) + _diff_records(
        member_records,
        ignored=MEMBER_IGNORED | withheld,
        subject_of=lambda r: _("Member %(name)s") % {"name": r.full_name},
        fmt=fmt,
        model=Member,
        created=_("Added"),
        deleted=_("Removed"),
    )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes


# --- What changed after a form was opened (docs/concurrent-edits.md) ---------------


def household_state(household_pk: int, version: int):
    """The household as a form showed it at `version` (its history record), or None when none holds it."""
    return Household.history.filter(id=household_pk, version=version).order_by("-history_id").first()


def member_mark(member_pk: int) -> int | None:
    """The id of the member's latest history record: a form keeps it, to tell later whether the member changed."""
    return Member.history.filter(id=member_pk).order_by("-history_id").values_list("history_id", flat=True).first()


def member_state(member_pk: int, mark: int):
    """The member as a form showed it (the history record `mark`), or None when it is not the member's."""
    return Member.history.filter(id=member_pk, history_id=mark).first()


def changes_after(record, *, disclosure: Disclosure | None) -> list[Change]:
    """What was saved to the record's household or member after `record`, oldest first."""
    model = record.instance_type
    later = list(
        type(record)
        .objects.filter(id=record.id, history_id__gt=record.history_id)
        .select_related("history_user")
        .order_by("history_id")
    )
    if model is Household:
        khoi_ids = {r.khoi_id for r in [record, *later]}
        ignored, subject = HOUSEHOLD_IGNORED, lambda r: _("Household")
    else:
        khoi_ids = set()
        ignored, subject = MEMBER_IGNORED, lambda r: _("Member %(name)s") % {"name": r.full_name}
    if disclosure is not None:
        ignored = ignored | {name for name in SENSITIVE_FIELDS if not disclosure.shows(name)}
    khoi_names = dict(Khoi.objects.filter(pk__in=khoi_ids).values_list("pk", "name")) if khoi_ids else {}
    fmt = _ValueFormatter(khoi_names=khoi_names, disclosure=disclosure)
    changes = _diff_records(
        [record, *later],
        ignored=ignored,
        subject_of=subject,
        fmt=fmt,
        model=model,
        created=_("Added"),
        deleted=_("Removed"),
    )
    return changes[1:]  # The first entry is `record` itself, what the form showed.


def value_text(model, name: str, value, *, disclosure: Disclosure | None) -> str:
    """A stored value as the change history writes it (labels, dd/mm/yyyy, masked ID numbers)."""
    khoi_names = dict(Khoi.objects.filter(pk=value).values_list("pk", "name")) if name == "khoi" and value else {}
    return _ValueFormatter(khoi_names=khoi_names, disclosure=disclosure)(model._meta.get_field(name), value)
