"""Writing a checked plan in bulk, with the history a change through the services would leave.

A large plan is written in batches of a few hundred households, each in its own short
transaction, so that no one waits long for the write lock (SQLite locks the whole database;
issue 11, item 4). The batches are one step for the importing user: when one fails, what the
earlier ones wrote is taken back, except a household someone saved after its batch committed:
that save is kept, and the household is named to the user (docs/workbook.md, "Writing in batches").
Each batch records in its transaction what it takes to take it back (runs.py), so that a process
killed between two batches is taken back later, as it would have been taken back here.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..locking import lock_households
from ..models import Household, ImportRun, Member, MemberRemoval, StatusChange
from . import runs
from .planning import Plan
from .results import Kept

logger = logging.getLogger(__name__)

# Households (with their members and status changes) per transaction: about a quarter of a second
# of writing on SQLite, so an officer's save waits that long at most behind the import.
BATCH_HOUSEHOLDS = 250
HISTORY_REASON = "import"
# A batch that could not take SQLite's write lock within the timeout is tried again this many times.
LOCKED_RETRIES = 3
# On SQLite, the pause after each batch in which officers' saves waiting for the write lock take it
# (SQLite's busy handler checks again every 100 ms at most); without it the next batch would take
# the lock back at once, and they would wait for the whole import.
SQLITE_PAUSE_SECONDS = 0.1


class RegistryChanged(Exception):
    """A household the plan changes was changed by someone else after the file was checked."""


class PartlyUndone(Exception):
    """A batch failed (the cause is `__cause__`) and the earlier ones were taken back except `kept`."""

    def __init__(self, kept: list[Kept]):
        super().__init__(f"{len(kept)} households saved by others after the import wrote them were kept")
        self.kept = kept


def _household_fields(plan: Plan) -> list[str]:
    fields = sorted(plan.household_fields | {"version", "updated_at"})
    if plan.household_fields & {"head_name", "address"}:
        fields += ["search_text", "name_key"]
    return fields


def write(plan: Plan, *, by, now) -> tuple[list[Household], list[Member]]:
    """Write the plan in bulk, with history by `by` at `now`, as one change per record; the rows created."""
    history = {"default_user": by, "default_change_reason": HISTORY_REASON, "default_date": now}
    created = bulk_create_with_history(plan.new_households, Household, **history)
    by_code = {h.code: h for h in created}
    for change in plan.status_changes:
        if change.household_id is None:
            # A new household: the row just created (its instance may be another object).
            change.household = by_code[change.household.code]
    StatusChange.objects.bulk_create(plan.status_changes)
    if plan.changed_households:
        households = list(plan.changed_households.values())
        for household in households:
            household.version += 1
            household.updated_at = now
        bulk_update_with_history(households, Household, _household_fields(plan), **history)
    new_members = []
    for code, household, member in plan.new_members:
        member.household = household or by_code[code]
        new_members.append(member)
    members = bulk_create_with_history(new_members, Member, **history)
    if plan.changed_members:
        bulk_update_with_history(plan.changed_members, Member, sorted(plan.member_fields), **history)
    return created, members


def batches(plan: Plan, size: int | None = None) -> list[Plan]:
    """The plan cut into plans of at most `size` households, each with its own members and status changes."""
    size = size or BATCH_HOUSEHOLDS
    keys: list = [h.code for h in plan.new_households] + sorted(plan.changed_households)
    statuses, new_members, changed_members = defaultdict(list), defaultdict(list), defaultdict(list)
    for change in plan.status_changes:
        statuses[change.household.pk or change.household.code].append(change)
    for code, household, member in plan.new_members:
        new_members[household.pk if household is not None else code].append((code, household, member))
    for member in plan.changed_members:
        changed_members[member.household_id].append(member)
    new_by_code = {h.code: h for h in plan.new_households}
    cut = []
    for start in range(0, len(keys), size):
        part = Plan(household_fields=plan.household_fields, member_fields=plan.member_fields)
        for key in keys[start : start + size]:
            if isinstance(key, int):  # a household of the registry; a new one is known by its code
                part.changed_households[key] = plan.changed_households[key]
            else:
                part.new_households.append(new_by_code[key])
            part.status_changes += statuses[key]
            part.new_members += new_members[key]
            part.changed_members += changed_members[key]
        cut.append(part)
    return cut


@dataclass
class Written:
    """What one committed batch wrote, and what the rows it changed held before: enough to take it back."""

    households: list[int] = field(default_factory=list)  # created
    added_versions: dict[int, int] = field(default_factory=dict)  # the created households' versions
    members: list[int] = field(default_factory=list)  # created
    status_changes: list[int] = field(default_factory=list)
    households_before: list[Household] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # what the import set
    members_before: list[Member] = field(default_factory=list)
    household_fields: list[str] = field(default_factory=list)
    member_fields: list[str] = field(default_factory=list)


def _write_batch(part: Plan, *, run: ImportRun, number: int, done: int, last: bool) -> None:
    with transaction.atomic():
        planned = {pk: household.version for pk, household in part.changed_households.items()}
        # Locked in primary-key order, at the versions the plan was made from; an edit saved since
        # the check would otherwise be overwritten (docs/concurrent-edits.md).
        before = lock_households(sorted(planned))
        if any(household.version != planned[household.pk] for household in before) or len(before) != len(planned):
            raise RegistryChanged
        members_before = list(Member.objects.filter(pk__in=[m.pk for m in part.changed_members]))
        households, members = write(part, by=run.user, now=run.written_at)
        written = Written(
            households=[h.pk for h in households],
            added_versions={h.pk: h.version for h in households},
            members=[member.pk for member in members],
            status_changes=[change.pk for change in part.status_changes],
            households_before=before,
            versions={pk: household.version for pk, household in part.changed_households.items()},
            members_before=members_before,
            household_fields=_household_fields(part) if part.changed_households else [],
            member_fields=sorted(part.member_fields) if part.changed_members else [],
        )
        # In the same transaction: the batch is never in the registry without what takes it back.
        runs.batch_record(run, number=number, written=written, done=done, last=last)


def _locked(error: OperationalError) -> bool:
    return "locked" in str(error)


def write_in_batches(plan: Plan, *, run: ImportRun, progress: Callable[[int, int], None] | None = None) -> None:
    """Write the plan batch by batch for `run` (runs.run_start: its user and moment are the history's); if any
    batch fails, take back the earlier ones and raise its error. The last batch's commit ends the run."""
    parts = batches(plan)
    total = sum(len(part.new_households) + len(part.changed_households) for part in parts)
    done = 0
    if not parts:  # the file changes nothing: the run is over
        runs.run_done(run)
        return
    try:
        for number, part in enumerate(parts, start=1):
            size = len(part.new_households) + len(part.changed_households)
            for attempt in range(LOCKED_RETRIES + 1):
                try:
                    _write_batch(part, run=run, number=number, done=done + size, last=number == len(parts))
                    break
                except OperationalError as error:
                    if not _locked(error) or attempt == LOCKED_RETRIES:
                        raise
                    time.sleep(0.5 * (attempt + 1))
            done += size
            if progress is not None:
                progress(done, total)
            if connection.vendor == "sqlite" and done < total:
                time.sleep(SQLITE_PAUSE_SECONDS)
    except BaseException as error:
        if isinstance(error, runs.TakenBack):
            raise  # a recovery takes back what this run wrote
        if ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.DONE).exists():
            raise  # after the last batch (a progress report failed): the whole file is in, nothing to take back
        kept = undo(run)
        if kept and isinstance(error, Exception):
            raise PartlyUndone(kept) from error
        raise


def undo(run: ImportRun) -> list[Kept]:
    """Take back the run's committed batches, newest first, each in a short transaction of its own; the
    households kept. The run is then over (failed); if this fails too, it stays open for runs.recover."""
    by = run.user
    try:
        kept = runs.undo(run)
    except Exception:
        logger.exception(
            "An import by user %s could not take back the batches it wrote; they stay in the registry until "
            "the import is recovered (run %s)",
            by.pk,
            run.pk,
        )
        raise
    runs.run_failed(run, kept)
    if kept:
        logger.warning(
            "An import by user %s was taken back except %s households saved by others since: %s",
            by.pk,
            len(kept),
            ", ".join(household.code for household in kept),
        )
    return kept


def _delete(queryset) -> None:
    # Without signals: a deletion through the ORM would write a history row for each record, one by
    # one, and hold the write lock for seconds. A row of another app that protects a household (a
    # review, a support) makes the database refuse, as the ORM would.
    queryset._raw_delete(queryset.db)


def undo_batch(batch: Written, *, by, now) -> list[Kept]:
    """Take back one batch, except the households saved by someone since it committed; those, as Kept.

    A household is taken back only while its version is still the one the import wrote, read under
    its row lock: any save since (its fields, its status, a member added, changed or removed: each
    moves the household's version) means someone worked on what the import wrote, and restoring
    the household would silently overwrite that work. Such a household keeps everything: the
    import's values, members, status changes and history, and the later save on top of them.
    """
    history, member_history = Household.history.model, Member.history.model
    ours = {"history_date": now, "history_user": by, "history_change_reason": HISTORY_REASON}
    with transaction.atomic():
        current = {h.pk: h for h in lock_households(sorted([*batch.households, *batch.versions]))}
        wrote = {**batch.added_versions, **batch.versions}
        # A household gone since (deleted by someone) has nothing left to take back.
        moved = {pk for pk, household in current.items() if household.version != wrote[pk]}
        kept = [Kept(current[pk].code, current[pk].head_name, added=pk in batch.added_versions) for pk in sorted(moved)]
        added = [pk for pk in batch.households if pk in current and pk not in moved]
        changed = [pk for pk in batch.versions if pk in current and pk not in moved]
        # Changed members and households get back what they held, and lose the import's history rows.
        members_before = [m for m in batch.members_before if m.household_id in changed]
        _delete(member_history.objects.filter(id__in=[m.pk for m in members_before], **ours))
        if members_before:
            Member.objects.bulk_update(members_before, batch.member_fields)
        _delete(history.objects.filter(id__in=changed, **ours))
        households_before = [h for h in batch.households_before if h.pk in changed]
        if households_before:
            Household.objects.bulk_update(households_before, batch.household_fields)
        # What the import added: households with anything added to them meanwhile, and all their
        # history; members and status changes of households it changed.
        taken = Q(household_id__in=added) | Q(pk__in=batch.members, household_id__in=changed)
        members = list(Member.objects.filter(taken).values_list("pk", flat=True))
        _delete(Member.objects.filter(pk__in=members))
        _delete(member_history.objects.filter(Q(id__in=members) | Q(household_id__in=added)))
        _delete(MemberRemoval.objects.filter(household_id__in=added))
        _delete(
            StatusChange.objects.filter(
                Q(household_id__in=added) | Q(pk__in=batch.status_changes, household_id__in=changed)
            )
        )
        _delete(Household.objects.filter(pk__in=added))
        _delete(history.objects.filter(id__in=added))
    return kept
