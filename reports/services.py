"""Writes of the reports app: creating, retrying and sweeping jobs (one transaction each), population, submissions."""

import contextlib
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .jobs import KINDS, stale_before
from .models import Job

logger = logging.getLogger(__name__)


class JobNotRetryable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _enqueue(job_id) -> None:
    """Hand the job to Celery: a worker through Redis, or right here when eager."""
    from .tasks import run_job

    try:
        # The queue named at send time, as configured now (Celery caches its routing table).
        run_job.apply_async(args=[str(job_id)], queue=run_job.app.conf.task_default_queue)
    except Exception:  # the broker is down: say so on the job instead of losing it
        logger.exception("Could not queue job %s", job_id)
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.FAILED,
            message=_("The job could not be handed to the job queue (is Redis running?). Try again later."),
            finished_at=timezone.now(),
        )


def job_create(*, user, kind: str, params: dict, path: str = "", total: int | None = None, input_file=None) -> Job:
    """Record a job for `user` and queue it once the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown job kind {kind!r}")
    with transaction.atomic():
        job = Job(user=user, kind=kind, params=params, path=path[:500], total=total)
        if input_file is not None:
            job.save()
            job.input_file.save(getattr(input_file, "name", "input") or "input", input_file, save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def job_can_retry(job: Job) -> bool:
    if job.state == Job.State.FAILED:
        return True
    if job.state == Job.State.DONE:
        return not job.file or not job.file.storage.exists(job.file.name)
    return job.updated_at < stale_before()


def job_retry(*, user, job: Job) -> Job:
    """Run a failed job again (or a done one whose file has gone, or a stalled one), with the same parameters."""
    if job.user_id != user.pk:
        raise PermissionDenied(_("Only the person who asked for a job may run it again."))
    with transaction.atomic():
        # Job.DoesNotExist when the sweep (manage.py sweep_jobs) deleted it meanwhile: the view answers 404.
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not job_can_retry(job):
            raise JobNotRetryable(_("This job is still running or its file is ready; there is nothing to retry."))
        if job.file:
            job.file.delete(save=False)
        job.state = Job.State.QUEUED
        job.message = ""
        job.done = 0
        job.finished_at = None
        job.save(update_fields=["state", "message", "done", "finished_at", "file", "updated_at"])
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


# --- Population figures of the khối (docs/reports.md) ----------------------------------


def may_enter_population(user) -> bool:
    from hungbinh.accounts.roles import can_manage_ward

    return can_manage_ward(user)


@transaction.atomic
def population_save(*, by, ward, year: int, figures: dict) -> int:
    """Set the year's total households and persons of the ward's khối: {khối id: (households, persons) or None}.

    None clears a khối's figure. Returns how many khối have a figure afterwards.
    """
    from households.models import Khoi

    from .models import KhoiPopulation

    if not may_enter_population(by):
        raise PermissionDenied(_("Your role may not enter the population figures."))
    khoi_ids = set(Khoi.objects.filter(ward=ward).values_list("pk", flat=True))
    for khoi_id, value in figures.items():
        if khoi_id not in khoi_ids:
            raise PermissionDenied(_("This khối is not in the ward."))
        if value is None:
            KhoiPopulation.objects.filter(khoi_id=khoi_id, year=year).delete()
            continue
        households, persons = value
        KhoiPopulation.objects.update_or_create(
            khoi_id=khoi_id, year=year, defaults={"households": households, "persons": persons, "updated_by": by}
        )
    return KhoiPopulation.objects.filter(khoi__ward=ward, year=year).count()


# --- Submissions (docs/reports.md, "Submissions") ---------------------------------------


class SubmissionRefused(Exception):
    """The submission cannot be made now; `status` is what a view answers (403, 409)."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


def _freeze_results(ward, period, stage: str):
    """The review-result tables of the ward for the period as (pdf bytes, xlsx bytes, file stem); the year's
    tables say in their title whether they are the preliminary or the official results."""
    import io

    from .result_documents import render_results_pdf, ward_results_report, write_results_xlsx

    report = ward_results_report(ward, period, stage=stage)
    pdf = render_results_pdf(report)
    workbook = io.BytesIO()
    write_results_xlsx(report, workbook)
    return pdf, workbook.getvalue(), report.filename_stem


def submission_stage(*, kind: str, period, chosen: str | None, today) -> str:
    """The stage a new version is sent as: the officer's choice, else the date's default (reports.rules).

    Only the review-result tables of a year have one; naming a stage for any other report is refused (400).
    """
    from . import rules

    if not rules.has_stages(kind=kind, period=period):
        if chosen:
            raise SubmissionRefused(
                _(
                    "Only the review-result tables of a year are preliminary or official: leave the stage empty "
                    "for this report."
                ),
                400,
            )
        return ""
    if not chosen:
        return rules.default_stage(kind=kind, period=period, today=today)
    if chosen not in rules.STAGES:
        raise SubmissionRefused(_("Choose whether these are the preliminary or the official results."), 400)
    return chosen


def submission_create(*, by, ward, kind: str, period, stage: str | None = None):
    """Freeze the ward's report for the period as stored PDF and Excel files with their checksums.

    The next version of the ward's submissions for that kind and period; the
    earlier versions stay. A second submission while one is being frozen is
    refused by the database (one "freezing" row per ward, kind and period).
    The year's review-result tables are sent as the preliminary or the official
    results: `stage`, or by default what the date makes them (reports.rules).
    """
    import hashlib

    from django.core.files.base import ContentFile
    from django.db import IntegrityError
    from django.db.models import Max

    from hungbinh.accounts.roles import can_manage_ward

    from .jobs import stale_before
    from .models import Submission

    if not can_manage_ward(by):
        raise SubmissionRefused(_("Only the ward's staff submit its reports."), 403)
    if kind not in FREEZERS:
        raise SubmissionRefused(_("This kind of report cannot be submitted yet."), 400)
    stage = submission_stage(kind=kind, period=period, chosen=stage, today=timezone.localdate())
    scope = {"ward": ward, "kind": kind, "period": period.key}
    # A freezing left by a server that died mid-way does not block the ward for ever.
    Submission.objects.filter(**scope, state=Submission.State.FREEZING, submitted_at__lt=stale_before()).delete()
    try:
        with transaction.atomic():
            last = Submission.objects.filter(**scope).aggregate(last=Max("version"))["last"] or 0
            submission = Submission.objects.create(**scope, version=last + 1, stage=stage, submitted_by=by)
    except IntegrityError:
        raise SubmissionRefused(
            _(
                "A submission of this report for %(period)s is being frozen right now. Wait a moment and look at "
                "the list: it will appear there as a new version."
            )
            % {"period": period.key}
        ) from None
    try:
        with translation.override("vi"):
            pdf, workbook, stem = FREEZERS[kind](ward, period, stage)
        submission.pdf.save(f"{stem}-v{submission.version}.pdf", ContentFile(pdf), save=False)
        submission.xlsx.save(f"{stem}-v{submission.version}.xlsx", ContentFile(workbook), save=False)
        submission.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        submission.xlsx_sha256 = hashlib.sha256(workbook).hexdigest()
        submission.state = Submission.State.DONE
        submission.save(update_fields=["pdf", "xlsx", "pdf_sha256", "xlsx_sha256", "state"])
    except BaseException:
        for field in (submission.pdf, submission.xlsx):
            if field:
                field.delete(save=False)
        submission.delete()
        raise
    logger.info(
        "Report %s of ward %s for %s submitted as version %s %s", kind, ward.pk, period.key, submission.version, stage
    )
    return submission


def _freeze_progress(ward, period, _stage: str):
    """The progress report (BÁO CÁO) of the ward for the period as (pdf bytes, xlsx bytes, file stem)."""
    import io

    from .progress import progress_report, render_progress_pdf, write_progress_xlsx

    report = progress_report(ward, period)
    pdf = render_progress_pdf(report)
    workbook = io.BytesIO()
    write_progress_xlsx(report, workbook)
    return pdf, workbook.getvalue(), report.filename_stem


FREEZERS = {"results": _freeze_results, "progress": _freeze_progress}


# --- Sweeping old jobs (docs/documents.md, "Jobs"; README, "Operations") ----------------

SWEEP_BATCH = 500
JOB_FOLDER = "jobs"  # reports.models.job_file_path: jobs/<year>/<month>/<job id>/<file>


@dataclass(frozen=True)
class JobSweep:
    jobs: int  # job rows deleted
    files: int  # stored files deleted (the jobs' results and inputs, and files no job row points to)
    pending: int  # checked import workbooks past their 30 minutes (households.importing.pending)


def job_retention_cutoff(*, now=None, days: int | None = None):
    """The moment before which a job's last change makes it expired, or None when jobs are kept for ever.

    Never later than the stale-job limit: a job that reported progress since then may still be running.
    """
    days = settings.REPORT_JOB_RETENTION_DAYS if days is None else days
    if days <= 0:
        return None
    now = now or timezone.now()
    return min(now - timedelta(days=days), now - timedelta(minutes=settings.REPORT_JOB_STALE_MINUTES))


def jobs_sweep(*, before, storage=None) -> JobSweep:
    """Delete the jobs nothing happened to since `before`, and their stored files.

    A job's `updated_at` moves whenever it is queued, claimed, reports progress
    or ends, so a job a worker is still writing is never taken; the rows are
    locked (and ones locked by a retry skipped) and deleted first, and their
    files only once that has committed: a crash in between leaves files without
    a row, which the next sweep finds (`_orphan_files`), never a row without its
    file.
    """
    from households.importing.pending import pending_sweep

    storage = storage or default_storage
    jobs = files = 0
    while True:
        with transaction.atomic():
            batch = list(
                Job.objects.filter(updated_at__lt=before)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", "file", "input_file")[:SWEEP_BATCH]
            )
            if not batch:
                break
            Job.objects.filter(pk__in=[pk for pk, _file, _input in batch]).delete()
        for _pk, *names in batch:
            files += sum(_delete_file(storage, name) for name in names if name)
        jobs += len(batch)
    files += _orphan_files(storage, before)
    files += done_inputs_sweep(storage)
    pending = pending_sweep(now=timezone.now(), storage=storage)
    if jobs or files or pending:
        logger.info("Swept %s jobs, %s stored files, %s pending imports", jobs, files, pending)
    return JobSweep(jobs=jobs, files=files, pending=pending)


def done_inputs_sweep(storage=None) -> int:
    """Delete the inputs that done jobs still name, whatever their age: their worker died between marking the
    job done and deleting its input, or the bucket refused the delete (`reports.jobs._delete_input`). An
    import's upload holds full ID numbers (docs/personal-data.md) and a done job never reads it again, so it is
    not kept for the jobs' retention."""
    storage = storage or default_storage
    deleted = 0
    for pk, name in Job.objects.filter(state=Job.State.DONE).exclude(input_file="").values_list("pk", "input_file"):
        if _delete_file(storage, name):
            Job.objects.filter(pk=pk, input_file=name).update(input_file="")
            deleted += 1
    return deleted


def _delete_file(storage, name: str) -> bool:
    try:
        storage.delete(name)
    except Exception:  # an unreachable bucket: the next sweep finds the file again as an orphan
        logger.exception("Could not delete stored file %s", name)
        return False
    _remove_empty_folder(storage, name.rsplit("/", 1)[0])
    return True


def _remove_empty_folder(storage, folder: str) -> None:
    """On a directory (not S3, which has no folders) remove the job's folder once it is empty."""
    try:
        path = storage.path(folder)
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):  # not empty, or already gone
        os.rmdir(path)


def _listdir(storage, folder: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return [], []


def _orphan_files(storage, before) -> int:
    """Delete the files of job folders without a job row, in months wholly before `before`.

    A job's folder is named after the month it was created in (UTC); a month
    that ended before the cutoff can hold no job being created now.
    """
    deleted = 0
    for year in _listdir(storage, JOB_FOLDER)[0]:
        for month in _listdir(storage, f"{JOB_FOLDER}/{year}")[0]:
            if not (year.isdigit() and month.isdigit()) or not _month_ended_before(int(year), int(month), before):
                continue
            folder = f"{JOB_FOLDER}/{year}/{month}"
            job_folders = _listdir(storage, folder)[0]
            ids = [name for name in job_folders if _is_uuid(name)]
            known = {str(pk) for pk in Job.objects.filter(pk__in=ids).values_list("pk", flat=True)}
            for name in job_folders:
                if name in known:
                    continue
                for file in _listdir(storage, f"{folder}/{name}")[1]:
                    deleted += _delete_file(storage, f"{folder}/{name}/{file}")
    return deleted


def _month_ended_before(year: int, month: int, before) -> bool:
    if not 1 <= month <= 12:
        return False
    next_month = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return next_month <= before


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True
