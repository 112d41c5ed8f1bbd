"""Background jobs: a long list, export, import or report that runs outside the web request."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def job_file_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.created_at:%Y/%m}/{job.pk}/{filename}"


class Job(models.Model):
    """One piece of long work asked for by a user: its state, progress, reason of failure and file.

    The state and the file live here and in the storage (Django's storage API),
    not in the broker or a worker's memory, so any app server shows the
    progress and serves the download. The id is a UUID: job URLs cannot be
    guessed, and a job is only ever shown to the user who asked for it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="jobs"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    path = models.CharField(_("requested at"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    input_file = models.FileField(_("input file"), upload_to=job_file_path, max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=job_file_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="job_state_valid", condition=Q(state__in=["queued", "running", "done", "failed"])
            ),
            models.CheckConstraint(name="job_done_has_file", condition=~Q(state="done") | ~Q(file="")),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.state})"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class KhoiPopulation(models.Model):
    """The total households and persons of a khối in a year, as the ward counts them (docs/reports.md).

    The registry holds only the households the program follows; the rates of the
    review-result tables are over every household of the khối, a figure the ward
    enters once a year.
    """

    khoi = models.ForeignKey(
        "households.Khoi", verbose_name=_("khối"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveIntegerField(_("year"))
    households = models.PositiveIntegerField(_("households"))
    persons = models.PositiveIntegerField(_("persons"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("khối population")
        verbose_name_plural = _("khối populations")
        ordering = ["-year", "khoi__ward_id", "khoi__position", "khoi__name"]
        constraints = [
            models.UniqueConstraint(fields=["khoi", "year"], name="khoi_population_one_per_year"),
            models.CheckConstraint(name="khoi_population_year_range", condition=Q(year__gte=2000, year__lte=2100)),
            models.CheckConstraint(
                name="khoi_population_persons_cover_households", condition=Q(persons__gte=F("households"))
            ),
        ]

    def __str__(self):
        return f"{self.khoi} {self.year}: {self.households} / {self.persons}"


def submission_file_path(submission: "Submission", filename: str) -> str:
    return f"submissions/{submission.ward_id}/{submission.kind}/{submission.period}/v{submission.version}/{filename}"


class Submission(models.Model):
    """A report a ward sent upward for a period, frozen as stored PDF and Excel files (docs/reports.md).

    A later submission for the same ward, kind and period is a new version;
    the earlier ones stay. While one is being frozen (`state` freezing) the
    database refuses a second for the same ward, kind and period.
    """

    class Kind(models.TextChoices):
        RESULTS = "results", _("Review-result tables")
        PROGRESS = "progress", _("Progress report")

    class State(models.TextChoices):
        FREEZING = "freezing", _("Being frozen")
        DONE = "done", _("Submitted")

    class Stage(models.TextChoices):
        """The review-result tables of a year go up twice (Quyết định 24/2021, Điều 7): reports.rules.deadlines."""

        PRELIMINARY = "preliminary", _("Preliminary results")
        OFFICIAL = "official", _("Official results")

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=10, help_text=_("2025, 2025-H1 or 2025-Q3"))
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.FREEZING)
    stage = models.CharField(
        _("preliminary or official"),
        max_length=12,
        choices=Stage.choices,
        blank=True,
        help_text=_(
            "The review-result tables of a year: sent as the preliminary or the official results (the officer "
            "chooses; offered by the date: preliminary up to 15/11). Empty for any other report."
        ),
    )
    pdf = models.FileField(_("PDF file"), upload_to=submission_file_path, max_length=300, blank=True)
    xlsx = models.FileField(_("Excel file"), upload_to=submission_file_path, max_length=300, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    xlsx_sha256 = models.CharField(_("SHA-256 of the workbook"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submitted report")
        verbose_name_plural = _("submitted reports")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "kind", "period", "version"], name="submission_version_unique"),
            models.UniqueConstraint(
                fields=["ward", "kind", "period"],
                condition=Q(state="freezing"),
                name="submission_one_freezing",
            ),
            models.CheckConstraint(name="submission_kind_valid", condition=Q(kind__in=["results", "progress"])),
            models.CheckConstraint(name="submission_state_valid", condition=Q(state__in=["freezing", "done"])),
            models.CheckConstraint(
                name="submission_done_has_files",
                condition=Q(state="freezing") | (~Q(pdf="") & ~Q(xlsx="") & ~Q(pdf_sha256="") & ~Q(xlsx_sha256="")),
            ),
            models.CheckConstraint(name="submission_version_positive", condition=Q(version__gte=1)),
            models.CheckConstraint(
                name="submission_stage_valid", condition=Q(stage__in=["", "preliminary", "official"])
            ),
            # Only the review-result tables of a year (a period without "-H" or "-Q") have a stage.
            models.CheckConstraint(
                name="submission_stage_only_for_the_years_results",
                condition=Q(stage="") | (Q(kind="results") & ~Q(period__contains="-")),
            ),
        ]
        indexes = [models.Index(fields=["period", "kind", "ward"], name="submission_period")]

    def __str__(self):
        stage = f" ({self.stage})" if self.stage else ""
        return f"{self.ward_id} {self.kind} {self.period} v{self.version}{stage}"
