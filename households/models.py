from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import rules
from .rules import ChangeReason, Gender, Status
from .text import collation_key, fold
from .vocab import OTHER_DECREASES, OTHER_INCREASES, MemberRemovalReason, Movement


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class UpperUnit(models.Model):
    """The level above the wards (a city or province department) that oversees them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("upper-level unit")
        verbose_name_plural = _("upper-level units")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Ward(models.Model):
    """A ward (phường) or commune (xã); its area type selects the poverty line."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("official code"), max_length=20, unique=True)
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices, default=AreaType.URBAN)
    upper_unit = models.ForeignKey(
        UpperUnit,
        verbose_name=_("upper-level unit"),
        on_delete=models.PROTECT,
        related_name="wards",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["upper_unit", "name"], name="ward_name_unique_in_upper_unit"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        problem = rules.ward_name_problem(self.name)
        if problem:
            raise ValidationError({"name": problem})


class Khoi(models.Model):
    """A residential block (khối, tổ dân phố, thôn) of a ward."""

    ward = models.ForeignKey(Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="khois")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("order"), default=0, help_text=_("Order in lists: Khối 2 before Khối 10."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khối")
        verbose_name_plural = _("khối")
        ordering = ["ward_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="khoi_name_unique_in_ward"),
        ]

    def __str__(self):
        return self.name


class Household(models.Model):
    """A household on the ward's registry.

    `ward` repeats the ward of `khoi` so that the household code can be unique
    per ward in the database; `khoi_move` keeps the two in step. `search_text`
    and `name_key` are derived in `save()` (accent-free search, Vietnamese
    order) and indexed.
    """

    ward = models.ForeignKey(Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="households")
    khoi = models.ForeignKey(Khoi, verbose_name=_("khối"), on_delete=models.PROTECT, related_name="households")
    code = models.CharField(_("household code"), max_length=30)
    head_name = models.CharField(_("head of household"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    status_since = models.DateField(_("status since"))
    escaped_poverty_on = models.DateField(_("escaped poverty on"), null=True, blank=True)
    ethnic_minority = models.BooleanField(_("ethnic minority household"), default=False)
    has_merit_person = models.BooleanField(_("has a person with revolutionary merit"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    SEARCH_TEXT_LENGTH, NAME_KEY_LENGTH = 600, 800
    search_text = models.CharField(max_length=SEARCH_TEXT_LENGTH, editable=False, default="")
    name_key = models.CharField(max_length=NAME_KEY_LENGTH, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "name_key", "updated_at"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "code"], name="household_code_unique_in_ward"),
            models.CheckConstraint(name="household_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(
                name="household_poor_has_no_escape_date",
                condition=Q(escaped_poverty_on__isnull=True) | ~Q(status=Status.POOR),
            ),
            models.CheckConstraint(name="household_version_positive", condition=Q(version__gte=1)),
        ]
        indexes = [
            models.Index(fields=["ward", "name_key", "id"], name="household_ward_order"),
            models.Index(fields=["khoi", "name_key", "id"], name="household_khoi_order"),
            models.Index(fields=["ward", "status", "name_key"], name="household_ward_status"),
            # Counting a filtered list (a page's total) reads only this index on
            # PostgreSQL, search text included (elsewhere it is a plain index).
            models.Index(fields=["ward", "status"], include=["search_text"], name="household_ward_status_search"),
            models.Index(fields=["escaped_poverty_on"], name="household_escaped_on"),
        ]

    def __str__(self):
        return f"{self.code} – {self.head_name}"

    def save(self, *args, **kwargs):
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "name_key", "updated_at"}
        super().save(*args, **kwargs)

    def refresh_derived(self):
        # Cut to their columns: a character that decomposes into several (Hangul) makes them longer
        # than the name, and PostgreSQL refuses text longer than its column.
        self.search_text = fold(f"{self.code} {self.head_name} {self.address}")[: self.SEARCH_TEXT_LENGTH]
        self.name_key = collation_key(self.head_name)[: self.NAME_KEY_LENGTH]

    def newly_escaped_until(self):
        return rules.newly_escaped_until(self.escaped_poverty_on)

    def is_newly_escaped(self, as_of):
        return rules.is_newly_escaped(self.status, self.escaped_poverty_on, as_of)

    def is_target(self, as_of):
        return rules.is_target(self.status, self.escaped_poverty_on, as_of)


class StatusChange(models.Model):
    """One change of a household's official status, with its date and reason."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("previous status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=20, choices=Status.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=20, choices=ChangeReason.choices)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    # What the change counts as in the review-result tables (docs/reviews.md);
    # empty for changes that are no movement (a first registration, a correction).
    movement = models.CharField(_("movement"), max_length=30, choices=Movement.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["household_id", "effective_on", "id"]
        constraints = [
            models.CheckConstraint(name="status_change_to_valid", condition=Q(to_status__in=Status.values)),
            models.CheckConstraint(
                name="status_change_decision_has_number",
                condition=~Q(reason=ChangeReason.DECISION) | ~Q(decision_number=""),
            ),
            models.CheckConstraint(
                name="status_change_correction_has_note",
                condition=~Q(reason=ChangeReason.CORRECTION) | ~Q(note=""),
            ),
            models.CheckConstraint(
                name="status_change_movement_valid",
                condition=Q(movement="") | Q(movement__in=Movement.values),
            ),
            models.CheckConstraint(
                name="status_change_outside_movement_named",
                condition=~Q(reason=ChangeReason.MOVEMENT)
                | Q(movement__in=sorted(OTHER_DECREASES | OTHER_INCREASES), note__gt=""),
            ),
        ]
        indexes = [
            models.Index(fields=["movement", "effective_on"], name="status_change_movement"),
            # A household's class on a day is its latest change up to that day (households.selectors.status_on):
            # the first entry of this index read backwards, without a sort.
            models.Index(fields=["household", "effective_on", "id"], name="status_change_household_day"),
        ]

    def __str__(self):
        return f"{self.household_id}: {self.from_status or '–'} → {self.to_status} ({self.effective_on})"


class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    relation = models.CharField(_("relation to the head"), max_length=50, blank=True)
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True, default="Kinh")
    is_disabled = models.BooleanField(_("has a disability"), default=False)
    has_merit = models.BooleanField(_("person with revolutionary merit"), default=False)
    position = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""), name="member_id_number_unique"),
            models.CheckConstraint(
                name="member_id_number_12_digits",
                condition=Q(id_number="") | Q(id_number__regex=r"^[0-9]{12}$"),
            ),
        ]

    def __str__(self):
        return self.full_name


class MemberRemoval(models.Model):
    """A person taken off a household's list: who, why and when (docs/member-removal.md).

    The member row is deleted (its history keeps every value and, as the change
    reason, the reason code); this row is what the reviews and the reports read:
    deaths, moves and household splits are the "other decreases" in persons of the
    review-result tables, a mistaken entry is not a decrease.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="member_removals"
    )
    member_id = models.PositiveIntegerField(_("member id"), help_text=_("The removed member's id in the history."))
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    relation = models.CharField(_("relation to the head"), max_length=50, blank=True)
    reason = models.CharField(
        _("reason"),
        max_length=30,
        choices=MemberRemovalReason.choices,
        blank=True,
        help_text=_("Empty when the removal came without a reason (through the API)."),
    )
    left_on = models.DateField(_("left on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member removal")
        verbose_name_plural = _("member removals")
        ordering = ["household_id", "-left_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="member_removal_reason_valid",
                condition=Q(reason="") | Q(reason__in=MemberRemovalReason.values),
            ),
        ]
        indexes = [models.Index(fields=["left_on", "reason"], name="member_removal_left_on")]

    def __str__(self):
        return f"{self.full_name} ({self.get_reason_display() or '—'}, {self.left_on:%d/%m/%Y})"


class PersonalDataAccess(models.Model):
    """Who saw full citizen ID numbers or exported people's data, when, and of which households.

    Written only through households.personal_data (docs/personal-data.md).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed on a page")
        API = "api", _("Read through the API")
        EXPORT = "export", _("Exported")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    path = models.CharField(_("path"), max_length=300, blank=True)
    household_ids = models.JSONField(_("households"), default=list)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    id_numbers_shown = models.BooleanField(_("full ID numbers shown"), default=False)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.action} {self.at:%d/%m/%Y %H:%M}"


class ImportRun(models.Model):
    """One writing of an Excel import into the registry, from its first batch to its end (docs/workbook.md,
    "Interrupted imports").

    While it runs, each committed batch leaves beside it, in the same transaction, what it takes to take
    it back (`ImportBatch`); the last batch ends the run in its own transaction. A process killed in the
    middle (a worker restarted, a request's server stopped) leaves the run `running` with its batches: the
    next import of the ward, the job run again, or `manage.py sweep_jobs` finds it (its heartbeat stale,
    or its process gone from this server) and takes the batches back, and the importing officer is told.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Writing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed and taken back")
        UNDOING = "undoing", _("Interrupted, being taken back")
        INTERRUPTED = "interrupted", _("Interrupted and taken back")
        STUCK = "stuck", _("Interrupted, could not be taken back")

    ward = models.ForeignKey(Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    # The job that ran it (reports.Job), when the import was a job; its next attempt takes this run back.
    job_id = models.UUIDField(_("job"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RUNNING)
    # The moment of its history rows (history_date), which the undo looks for.
    written_at = models.DateTimeField(_("written at"))
    heartbeat_at = models.DateTimeField(_("last sign of life"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    host = models.CharField(_("server"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process"), null=True, blank=True)
    total = models.PositiveIntegerField(_("households to write"), default=0)
    written = models.PositiveIntegerField(_("households written"), default=0)
    # Households kept when it was taken back (saved by someone after their batch): [{code, head_name, added}].
    kept = models.JSONField(_("households kept"), default=list, blank=True)
    # When the importing user was told that it was interrupted (the import page shows it once).
    noticed_at = models.DateTimeField(_("user told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["state", "ward"], name="import_run_state_ward")]

    def __str__(self):
        return f"{self.file_name or '—'} {self.written_at:%d/%m/%Y %H:%M} ({self.get_state_display()})"


class ImportBatch(models.Model):
    """What one committed batch of a running import wrote, and what the rows it changed held before.

    Written in the batch's own transaction, deleted in the one that takes the batch back or ends the run:
    a batch in the registry always has its row while the run is not over. It may hold members' former
    values (ID numbers too) for those seconds, never longer (docs/personal-data.md).
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    undo = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="import_batch_number")]

    def __str__(self):
        return f"{self.run_id} #{self.number}"
