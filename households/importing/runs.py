"""Import runs: every writing of an import is recorded, so that one whose process died is taken back.

An import writes in batches, each committed on its own (writing.py). Each batch records beside it, in
its transaction, what it takes to take it back (`ImportBatch`); the last batch ends the run in its own
transaction. So at every moment either the run is over (done, or failed and taken back by its own
process) or every batch it committed has its record, and a process killed in the middle (a worker
restarted, a web server stopped during a request's import) leaves a run `running` that
`recover` takes back later, as the process itself would have (except the households someone saved
since: they are kept and named, b6ece66), and tells the importing officer (docs/workbook.md,
"Interrupted imports").

A run is interrupted when it gave no sign of life (a batch written or taken back) for
REPORT_JOB_STALE_MINUTES, when its process is gone from this server, or when the job that ran it is
run again.
"""

import logging
import os
import socket
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Household, ImportBatch, ImportRun, Member
from .planning import chunks
from .results import Kept

logger = logging.getLogger(__name__)

OPEN = (ImportRun.State.RUNNING, ImportRun.State.UNDOING)
# What the importing user is told about, once (the import page).
TOLD = (ImportRun.State.INTERRUPTED, ImportRun.State.STUCK)


def _host() -> str:
    """This server, as far as process ids go: its name and its PID namespace (two containers may share a name)."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{socket.gethostname()}/{namespace}"[:255]


def run_start(*, by, ward, now, total: int, file_name: str = "", job_id=None) -> ImportRun:
    """Record the start of an import's writing (committed at once, before its first batch)."""
    return ImportRun.objects.create(
        ward=ward,
        user=by,
        file_name=os.path.basename(file_name or "")[:200],
        job_id=job_id,
        written_at=now,
        heartbeat_at=timezone.now(),
        host=_host(),
        pid=os.getpid(),
        total=total,
    )


# --- What a batch wrote, as JSON -------------------------------------------------------


def _values(instance, names) -> dict:
    return {name: instance._meta.get_field(name).value_from_object(instance) for name in names}


def _instance(model, values: dict, names):
    instance = model(pk=values["pk"])
    for name in names:
        field = model._meta.get_field(name)
        setattr(instance, field.attname, field.to_python(values[name]))
    return instance


def encode(written) -> dict:
    """A committed batch's `Written` (writing.py) as JSON: ids, versions, and the changed rows' former values."""
    return {
        "households": written.households,
        "added_versions": sorted(written.added_versions.items()),
        "members": written.members,
        "status_changes": written.status_changes,
        "households_before": [{"pk": h.pk, **_values(h, written.household_fields)} for h in written.households_before],
        "versions": sorted(written.versions.items()),
        "members_before": [
            {"pk": m.pk, "household_id": m.household_id, **_values(m, written.member_fields)}
            for m in written.members_before
        ],
        "household_fields": written.household_fields,
        "member_fields": written.member_fields,
    }


def decode(data: dict):
    from .writing import Written

    households_before = [_instance(Household, h, data["household_fields"]) for h in data["households_before"]]
    members_before = []
    for values in data["members_before"]:
        member = _instance(Member, values, data["member_fields"])
        member.household_id = values["household_id"]
        members_before.append(member)
    return Written(
        households=list(data["households"]),
        added_versions=dict(data["added_versions"]),
        members=list(data["members"]),
        status_changes=list(data["status_changes"]),
        households_before=households_before,
        versions=dict(data["versions"]),
        members_before=members_before,
        household_fields=list(data["household_fields"]),
        member_fields=list(data["member_fields"]),
    )


# --- Inside the writing's transactions --------------------------------------------------


class TakenBack(Exception):
    """The run was found interrupted and is being taken back by a recovery (a process that stalled for longer
    than REPORT_JOB_STALE_MINUTES, or a job handed out again): its batch is not written. The import says so
    (service._taken_back), not that the registry changed."""


def batch_record(run: ImportRun, *, number: int, written, done: int, last: bool) -> None:
    """In a batch's transaction: its undo record, or, for the last batch, the end of the run (all of it in)."""
    now = timezone.now()
    ending = {"state": ImportRun.State.DONE, "finished_at": now} if last else {}
    if not ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.RUNNING).update(
        written=done, heartbeat_at=now, **ending
    ):
        raise TakenBack
    if last:
        run.batches.all().delete()
    else:
        ImportBatch.objects.create(run=run, number=number, undo=encode(written))


def undo(run: ImportRun) -> list[Kept]:
    """Take back the run's recorded batches, newest first, each in a transaction with its record; the kept.

    Households kept are added to the run as each batch is taken back, so a recovery that is itself
    interrupted loses none of them.
    """
    from .writing import undo_batch

    kept = [Kept(**k) for k in ImportRun.objects.get(pk=run.pk).kept]
    for record_pk in run.batches.order_by("-number").values_list("pk", flat=True):
        with transaction.atomic():
            record = ImportBatch.objects.select_for_update().filter(pk=record_pk).first()
            if record is None:  # taken back meanwhile by another recovery
                continue
            found = undo_batch(decode(record.undo), by=run.user, now=run.written_at)
            record.delete()
            kept += found
            ImportRun.objects.filter(pk=run.pk).update(kept=[asdict(k) for k in kept], heartbeat_at=timezone.now())
    return sorted(kept, key=lambda household: household.code)


def run_done(run: ImportRun) -> None:
    """A run with nothing to write ends at once."""
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.DONE, heartbeat_at=now, finished_at=now)


def run_failed(run: ImportRun, kept: list[Kept]) -> None:
    """The run's own process took it back (the user reads why on the page, the API or the job's report)."""
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.FAILED, kept=[asdict(k) for k in kept], finished_at=timezone.now()
    )


# --- Finding and taking back interrupted runs --------------------------------------------


def _alive(pid: int | None) -> bool:
    if not pid:
        return True  # unknown: only the heartbeat can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it exists
        return True
    return True


def interrupted(run: ImportRun, *, now=None) -> bool:
    """Whether an open run's process is gone: silent too long, or no longer running on this server."""
    if run.state not in OPEN:
        return False
    now = now or timezone.now()
    if run.heartbeat_at < now - timedelta(minutes=settings.REPORT_JOB_STALE_MINUTES):
        return True
    return run.host == _host() and run.pid != os.getpid() and not _alive(run.pid)


# The batches that opening the import page takes back at most (1,000 households, under a second on a quiet
# machine): a page open stays quick, and a larger interrupted run is left whole for the ward's next check
# or import, its job run again, or sweep_jobs (docs/workbook.md, "Interrupted imports", has the figures).
PAGE_BATCHES = 4


def recover(*, wards=None, job_id=None, now=None, most_batches: int | None = None) -> list[ImportRun]:
    """Take back the interrupted runs (into `wards`, or all), and those of the job `job_id`, which is being
    run again (its earlier attempt is over: the job runner took the job back); the runs taken back.

    With `most_batches`, only runs whose batches fit, in all, within that many: each is taken back whole or
    left whole for a later recovery.
    """
    now = now or timezone.now()
    runs = ImportRun.objects.filter(state__in=OPEN)
    if wards is not None:
        runs = runs.filter(ward__in=wards)
    done, budget = [], most_batches
    for run in runs.select_related("user", "ward").order_by("written_at"):
        if not (job_id is not None and run.job_id == job_id) and not interrupted(run, now=now):
            continue
        if budget is not None:
            size = run.batches.count()
            if size > budget:
                continue
            budget -= size
        # Claimed by one recovery only: the state and heartbeat it was read with must not have moved.
        claimed = ImportRun.objects.filter(pk=run.pk, state=run.state, heartbeat_at=run.heartbeat_at).update(
            state=ImportRun.State.UNDOING, heartbeat_at=timezone.now(), host=_host(), pid=os.getpid()
        )
        if not claimed:
            continue
        try:
            kept = undo(run)
        except Exception:
            logger.exception(
                "An interrupted import (run %s, user %s, ward %s) could not be taken back: %s of its households "
                "stay in the registry",
                run.pk,
                run.user_id,
                run.ward_id,
                run.written,
            )
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.STUCK, finished_at=timezone.now())
        else:
            # Taken back by its own job, run again: the job's report tells the user what came of the file.
            told = timezone.now() if job_id is not None and run.job_id == job_id else None
            ImportRun.objects.filter(pk=run.pk).update(
                state=ImportRun.State.INTERRUPTED,
                kept=[asdict(k) for k in kept],
                finished_at=timezone.now(),
                noticed_at=told,
            )
            logger.warning(
                "An interrupted import (run %s, user %s, ward %s) was taken back: %s households it had written, "
                "%s kept because they were saved since",
                run.pk,
                run.user_id,
                run.ward_id,
                run.written,
                len(kept),
            )
        run.refresh_from_db()
        done.append(run)
    return done


# Households a notice names; past this, "and N more" (a stuck run may have written thousands).
NAMED = 10


def _left(run: ImportRun) -> list[tuple[str, str]]:
    """A stuck run's households in the registry, (code, head), by code: those of the batches not taken back
    (their undo records remain) and those kept because they were saved since."""
    ids = set()
    for record in run.batches.values_list("undo", flat=True):
        ids.update(record["households"])
        ids.update(pk for pk, _version in record["versions"])
    left = {kept["code"]: kept["head_name"] for kept in run.kept}
    for chunk in chunks(sorted(ids)):
        left.update(Household.objects.filter(pk__in=chunk).values_list("code", "head_name"))
    return sorted(left.items())


def _named(households: list[tuple[str, str]]) -> str:
    """Households as notices name them, the first NAMED of them, then how many more."""
    named = [_("%(code)s (head: %(head)s)") % {"code": code, "head": head} for code, head in households[:NAMED]]
    more = len(households) - NAMED
    if more > 0:
        named.append(ngettext("and %(n)s more household", "and %(n)s more households", more) % {"n": more})
    return "; ".join(named)


def _names(run: ImportRun) -> dict:
    return {
        "file": run.file_name or _("workbook"),
        "ward": run.ward.name,
        "started": timezone.localtime(run.written_at).strftime("%H:%M %d/%m/%Y"),
        "written": run.written,
        "total": run.total,
    }


def notice(run: ImportRun) -> str:
    """What the importing user reads about an interrupted run."""
    names = _names(run)
    if run.state == ImportRun.State.STUCK:
        left = _left(run)
        if left:
            return _(
                "Your import of “%(file)s” (%(ward)s, started at %(started)s) was interrupted after writing "
                "%(written)s of %(total)s households, and what it wrote could not be taken back: %(count)s "
                "households are still as the file wrote them: %(households)s. Check them, or ask the administrator."
            ) % {**names, "count": len(left), "households": _named(left)}
        return (
            _(
                "Your import of “%(file)s” (%(ward)s, started at %(started)s) was interrupted after writing "
                "%(written)s of %(total)s households, and what it wrote could not be taken back: those households "
                "are in the registry. Check them, or ask the administrator."
            )
            % names
        )
    kept = [Kept(**k) for k in run.kept]
    if kept:
        return _(
            "Your import of “%(file)s” (%(ward)s, started at %(started)s) was interrupted after writing "
            "%(written)s of %(total)s households, so what it wrote was taken back, except %(count)s households "
            "edited after they were imported, which keep those edits: %(households)s. Check them, then import "
            "the file again."
        ) % {
            **names,
            "count": len(kept),
            "households": "; ".join(
                _("%(code)s (head: %(head)s)") % {"code": h.code, "head": h.head_name} for h in kept
            ),
        }
    return (
        _(
            "Your import of “%(file)s” (%(ward)s, started at %(started)s) was interrupted after writing "
            "%(written)s of %(total)s households, so what it wrote was taken back: nothing of the file is in "
            "the registry. Import the file again."
        )
        % names
    )


def mark_told(run: ImportRun) -> None:
    """The importing user was told of the run otherwise (the import that it stopped says it): not again."""
    ImportRun.objects.filter(pk=run.pk, state__in=TOLD, noticed_at=None).update(noticed_at=timezone.now())


def waiting_for(user, *, wards) -> list[str]:
    """The user's interrupted runs in `wards` left for a later recovery (too large for a page open), as
    messages, each said until it is taken back; a job's run is left out: its job's page follows it."""
    now = timezone.now()
    runs = ImportRun.objects.filter(user=user, ward__in=wards, state__in=OPEN, job_id=None).select_related("ward")
    return [
        _(
            "Your import of “%(file)s” (%(ward)s, started at %(started)s) was interrupted after writing %(written)s "
            "of %(total)s households, which are still in the registry: they are taken back at the ward's next "
            "check or import of a file. Check the file again to have them taken back now."
        )
        % _names(run)
        for run in runs.order_by("pk")
        if interrupted(run, now=now)
    ]


def notices_for(user) -> list[str]:
    """The user's interrupted runs not yet told, as messages; each is told once."""
    runs = list(
        ImportRun.objects.filter(user=user, state__in=TOLD, noticed_at=None).select_related("ward").order_by("pk")
    )
    if not runs:
        return []
    ImportRun.objects.filter(pk__in=[run.pk for run in runs]).update(noticed_at=timezone.now())
    return [notice(run) for run in runs]


def runs_sweep(*, before) -> int:
    """Delete the runs that ended before `before` (their outcome was told); the number deleted."""
    _total, by_model = ImportRun.objects.exclude(state__in=OPEN).filter(finished_at__lt=before).delete()
    return by_model.get(ImportRun._meta.label, 0)
