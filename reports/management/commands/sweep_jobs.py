"""`manage.py sweep_jobs`: delete old jobs and their stored files (README, "Operations"; docs/documents.md, "Jobs")."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.importing import runs
from reports.services import done_inputs_sweep, job_retention_cutoff, jobs_sweep


class Command(BaseCommand):
    help = (
        "Delete the jobs untouched for REPORT_JOB_RETENTION_DAYS days with their result and input files, "
        "stored files no job points to, inputs done jobs still name, and expired checked imports; take back "
        "imports whose process died. "
        "Safe while workers run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help="keep jobs touched in the last DAYS days (default: REPORT_JOB_RETENTION_DAYS)"
        )

    def handle(self, *args, days=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            # Imports whose process died (docs/workbook.md, "Interrupted imports"): taken back, whatever the
            # retention; their officers are told once, on the import page or in the API's import answer
            # (`interrupted`), whichever they reach first.
            taken_back = runs.recover()
            if taken_back:
                self.stdout.write(
                    ngettext(
                        "Took back %(count)s interrupted import; its officer is told on the import page or in the "
                        "API's import answer.",
                        "Took back %(count)s interrupted imports; their officers are told on the import page or in "
                        "the API's import answer.",
                        len(taken_back),
                    )
                    % {"count": len(taken_back)}
                )
            before = job_retention_cutoff(now=timezone.now(), days=days)
            if before is None:
                # Done jobs' inputs (an import's upload) are never kept, whatever the retention.
                inputs = done_inputs_sweep()
                self.stdout.write(
                    _("Jobs are kept for ever (REPORT_JOB_RETENTION_DAYS is 0); deleted %(files)s inputs of done jobs.")
                    % {"files": inputs}
                )
                return
            swept = jobs_sweep(before=before)
            runs.runs_sweep(before=before)  # finished import runs, kept as long as jobs
            self.stdout.write(
                _(
                    "Deleted %(jobs)s jobs untouched since %(before)s, %(files)s stored files and "
                    "%(pending)s expired checked imports."
                )
                % {
                    "jobs": swept.jobs,
                    "before": timezone.localtime(before).strftime("%d/%m/%Y %H:%M"),
                    "files": swept.files,
                    "pending": swept.pending,
                }
            )
