"""The import service: check a workbook and, unless told only to check, write it (docs/workbook.md)."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from hungbinh.accounts.roles import can_manage_ward

from .. import selectors
from ..models import Household, ImportRun, Khoi, Ward
from . import runs
from .cells import as_text, key
from .parsing import parse_households, parse_members
from .planning import Plan, chunks, plan_households, plan_members
from .reading import open_workbook, read_sheet
from .results import Errors, ImportResult, ImportRowError, Kept
from .workbook import COL_CODE, COL_VERSION, HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET
from .writing import PartlyUndone, RegistryChanged, write_in_batches

logger = logging.getLogger(__name__)


def _existing_households(ward: Ward, codes: set[str]) -> dict[str, Household]:
    # Read, not locked: each batch locks the households it changes and checks their versions; a
    # household added meanwhile makes a batch fail on its unique code, and the import asks to run again.
    found = {}
    for chunk in chunks(sorted(codes)):
        for household in Household.objects.filter(ward=ward, code__in=chunk):
            found[household.code] = household
    return found


def _require_importer(by, ward: Ward) -> None:
    # The views fetch the ward through the user's scope (404 there); this is the service's own guard.
    if not can_manage_ward(by):
        raise PermissionDenied(_("Only the ward's staff may import household lists."))
    if not selectors.ward_list(user=by).filter(pk=ward.pk).exists():
        raise PermissionDenied(_("This ward is outside your scope."))


def household_import(
    *, by, ward: Ward, file, dry_run: bool, progress=None, file_name: str = "", job_id=None
) -> ImportResult:
    """Check a workbook of households and members and, unless `dry_run` or any problem, write it.

    The write is all or nothing, in batches (writing.write_in_batches), except that a failed import
    keeps the households someone saved after it wrote them, and names them; `progress(done, total)`
    hears of each batch written. The writing is an import run (runs.py) named `file_name` (the job
    `job_id`'s when a job runs it); an interrupted run of the ward is taken back first.
    """
    _require_importer(by, ward)
    # Before the check: an interrupted import's batches would otherwise be read as the registry.
    runs.recover(wards=[ward], job_id=job_id)
    errors = Errors()
    workbook = open_workbook(file, errors)
    if workbook is None:
        return ImportResult(errors=list(errors))
    try:
        household_sheet = read_sheet(workbook, HOUSEHOLD_SHEET, (*HOUSEHOLD_COLUMNS, COL_VERSION), errors)
        member_sheet = read_sheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS, errors)
    finally:
        workbook.close()
    if errors:
        return ImportResult(errors=sorted(errors, key=_error_order))
    if not household_sheet.rows and not member_sheet.rows:
        errors.add(
            HOUSEHOLD_SHEET, 0, "", _("The workbook lists no household and no member: there is nothing to import.")
        )
        return ImportResult(errors=list(errors))

    today = timezone.localdate()
    khois = {key(khoi.name): khoi for khoi in Khoi.objects.filter(ward=ward)}
    khoi_scope = set(selectors.khoi_list(user=by, ward_id=ward.pk).values_list("pk", flat=True))
    household_rows = parse_households(
        household_sheet, ward=ward, khois=khois, khoi_scope=khoi_scope, errors=errors, today=today
    )
    member_rows = parse_members(member_sheet, errors=errors, today=today)
    file_codes = {as_text(household_sheet.get(v, COL_CODE)) for _n, v in household_sheet.rows}
    codes = file_codes | {r.code for r in member_rows}

    # Checked without a transaction: on SQLite one would hold the write lock for all of it. The batches
    # check again, under row locks, that nothing the plan changes was changed meanwhile.
    existing = _existing_households(ward, codes)
    plan = Plan()
    plan_households(household_rows, existing, by=by, plan=plan, errors=errors, today=today)
    versions = {row.code: row.version for row in household_rows if row.version is not None}
    plan_members(
        member_rows,
        file_codes=file_codes,
        existing=existing,
        by=by,
        plan=plan,
        errors=errors,
        today=today,
        versions=versions,
    )
    if errors:
        return ImportResult(errors=sorted(errors, key=_error_order))
    result = ImportResult(
        created=len(plan.new_households),
        updated=len(plan.changed_households),
        members_created=len(plan.new_members),
        members_updated=len(plan.changed_members),
        preview=plan.preview(),
    )
    if dry_run:
        return result
    run = runs.run_start(
        by=by,
        ward=ward,
        now=timezone.now(),
        total=len(plan.new_households) + len(plan.changed_households),
        file_name=file_name,
        job_id=job_id,
    )
    try:
        write_in_batches(plan, run=run, progress=progress)
    except PartlyUndone as partly:
        return _partly_undone(partly)
    except runs.TakenBack:
        return _taken_back(run)
    except (IntegrityError, RegistryChanged):
        # What the earlier batches wrote was taken back (writing.write_in_batches).
        errors.add(
            "",
            0,
            "",
            _("The registry changed while the file was being imported, so nothing was written. Import the file again."),
        )
        return ImportResult(errors=list(errors), stopped=True)
    return result


def _partly_undone(partly: PartlyUndone) -> ImportResult:
    """A failed import taken back except the households saved by others since: each named, to be checked."""
    if not isinstance(partly.__cause__, IntegrityError | RegistryChanged):
        # Not a change of the registry (a lost connection, a fault): it is told to the user as a failed
        # import all the same, since the households kept must be named, and logged as the fault it is.
        logger.error("A batch of an import failed", exc_info=partly.__cause__)
    # Every household is named, past MAX_ERRORS too: each is a save that the user must know was kept.
    headline = _(
        "The import could not be finished, so what it had written was taken back, except %(count)s households "
        "that were edited after they were imported: they keep those edits (listed below). Check them, then "
        "import the file again."
    ) % {"count": len(partly.kept)}
    errors = [ImportRowError("", 0, "", headline)]
    errors += [ImportRowError("", 0, "", household.message()) for household in partly.kept]
    return ImportResult(errors=errors, kept=partly.kept)


def _taken_back(run) -> ImportResult:
    """A recovery took this run for an interrupted one while it was still writing (runs.TakenBack): said as
    that, not as a change of the registry, with what came of what it wrote as far as the recovery has got."""
    run.refresh_from_db()
    minutes = {"minutes": settings.REPORT_JOB_STALE_MINUTES}
    if run.job_id is None:
        cause = _(
            "This import wrote nothing for more than %(minutes)s minutes, so it was taken for an interrupted "
            "import and stopped before it finished."
        )
    else:
        cause = _(
            "This import wrote nothing for more than %(minutes)s minutes, or its job was handed to another "
            "worker, so it was taken for an interrupted import and stopped before it finished."
        )
    cause %= minutes
    kept = [Kept(**k) for k in run.kept]
    if run.state not in runs.TOLD:
        # Another process is still taking it back: the import page tells the outcome when it is over.
        outcome = _(
            "What it had written is being taken back now. Households edited after they were imported keep those "
            "edits; the import page will name them once this is done. Then import the file again."
        )
        return ImportResult(errors=[ImportRowError("", 0, "", f"{cause} {outcome}")], stopped=True)
    runs.mark_told(run)  # told here, so not again on the import page
    if run.state == ImportRun.State.STUCK:  # its notice says what stays in the registry
        return ImportResult(errors=[ImportRowError("", 0, "", f"{cause} {runs.notice(run)}")], stuck=True)
    if not kept:
        outcome = _(
            "What it had written was taken back: nothing of the file is in the registry. Import the file again."
        )
        return ImportResult(errors=[ImportRowError("", 0, "", f"{cause} {outcome}")], stopped=True)
    outcome = _(
        "What it had written was taken back, except %(count)s households edited after they were imported: they "
        "keep those edits (listed below). Check them, then import the file again."
    ) % {"count": len(kept)}
    errors = [ImportRowError("", 0, "", f"{cause} {outcome}")]
    errors += [ImportRowError("", 0, "", household.message()) for household in kept]
    return ImportResult(errors=errors, kept=kept)


_SHEET_ORDER = {"": 0, HOUSEHOLD_SHEET: 1, MEMBER_SHEET: 2}


def _error_order(error: ImportRowError):
    return (_SHEET_ORDER.get(error.sheet, 3), error.row)
