"""The job runner: kinds of long work, how one runs, and how its file is kept.

A kind is a function registered with `@job_kind("name")`. It receives the job
(its `user` and `params`), a binary temporary file to write the result into,
and `progress(done, total=None)`; it returns the download's file name and
content type, and may add a sentence for the job's page (`message`). It
raises `JobFailed` with a message for the user when the work cannot be done
(the message is shown as is, in Vietnamese). The runner saves
the file through Django's storage API and records the outcome on the job; see
docs/documents.md, "Jobs".
"""

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """The work cannot be done, for a reason the user can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content_type: str
    message: str = ""  # shown on the job's page beside the download (an import's outcome)


Progress = Callable[..., None]
JobFunction = Callable[..., JobOutput]
KINDS: dict[str, JobFunction] = {}
LABELS: dict[str, str] = {}


def job_kind(name: str, label):
    """Register a kind of job under `name` (stored on each job, so never rename one); `label` names it to users."""

    def register(function: JobFunction) -> JobFunction:
        KINDS[name] = function
        LABELS[name] = label
        return function

    return register


def stale_before():
    return timezone.now() - timedelta(minutes=settings.REPORT_JOB_STALE_MINUTES)


def _claim(job_id) -> bool:
    """Take the job: a waiting one, or a running one whose worker stopped reporting (it died)."""
    claimable = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, updated_at__lt=stale_before())
    now = timezone.now()
    return bool(
        Job.objects.filter(claimable, pk=job_id).update(
            state=Job.State.RUNNING, started_at=now, updated_at=now, attempts=F("attempts") + 1, done=0, message=""
        )
    )


def _progress(job_id, attempt: int):
    def report(done: int, total: int | None = None) -> None:
        values = {"done": done, "updated_at": timezone.now()}
        if total is not None:
            values["total"] = total
        _this_attempt(job_id, attempt).update(**values)

    return report


def _this_attempt(job_id, attempt: int):
    """The job while this attempt still holds it: a running job that another worker took over after it stalled
    (its attempts counted on) is no longer this attempt's to report, finish or fail."""
    return Job.objects.filter(pk=job_id, state=Job.State.RUNNING, attempts=attempt)


def _fail(job_id, message: str, attempt: int) -> None:
    _this_attempt(job_id, attempt).update(
        state=Job.State.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def job_run(job_id) -> None:
    """Run one job to its end (called by the Celery task, in a worker or eagerly). Never raises."""
    if not _claim(job_id):
        return  # done, failed, or another worker has it
    job = Job.objects.select_related("user").get(pk=job_id)
    attempt = job.attempts  # this run's; a worker that takes the job over after it stalls counts the next
    function = KINDS.get(job.kind)
    with translation.override("vi"), tempfile.TemporaryFile() as output:
        try:
            if function is None:
                raise JobFailed(_("This kind of job (%(kind)s) is not known to this server.") % {"kind": job.kind})
            result = function(job=job, output=output, progress=_progress(job.pk, attempt))
            output.seek(0)
            job.file.save(result.filename, File(output), save=False)
        except JobFailed as failure:
            _fail(job.pk, failure.message, attempt)
            return
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _fail(
                job.pk,
                _(
                    "The job stopped on an unexpected error. Try again; if it fails again, tell the administrator "
                    "the job's code %(code)s."
                )
                % {"code": job.pk},
                attempt,
            )
            return
    now = timezone.now()
    finished = _this_attempt(job.pk, attempt).update(
        state=Job.State.DONE,
        file=job.file.name,
        filename=result.filename,
        content_type=result.content_type,
        message=result.message,
        finished_at=now,
        updated_at=now,
        done=Coalesce("total", "done"),
    )
    if not finished:
        # Another worker took the job over (this one had stalled) or the job was swept: its answer stands, and
        # the file this attempt stored belongs to nobody. The job's input is not this attempt's to delete: the
        # attempt that holds the job may not have opened it yet.
        logger.warning("Job %s (%s): attempt %s finished after the job was taken from it", job.pk, job.kind, attempt)
        job.file.delete(save=False)
        return
    _delete_input(job)


def _delete_input(job: Job) -> None:
    """A done job's input (an import's upload holds full ID numbers, docs/personal-data.md) is not kept: deleted
    only once the job is done for good, never at the end of an attempt another attempt continues, and never when
    it failed, which "Run it again" reads again (docs/documents.md, "Jobs").

    The job's row names its input until the file is gone: a worker that dies between marking the job done and
    deleting the file (or a bucket that refused the delete) leaves a done job with an input, which the next
    `manage.py sweep_jobs` deletes (`reports.services.done_inputs_sweep`), not a file nothing points to."""
    if not job.input_file:
        return
    name = job.input_file.name
    try:
        job.input_file.delete(save=False)
    except Exception:  # an unreachable bucket: the next sweep tries again
        logger.exception("Job %s: could not delete its input %s", job.pk, name)
        return
    Job.objects.filter(pk=job.pk, state=Job.State.DONE, input_file=name).update(input_file="")
