"""Units of a ward, who leads and who coordinates each plan item, the standing duties
of section IV of a plan, and the tasks the units work on (docs/program.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rules import AssignmentRole, TaskState, UnitKind


class Unit(models.Model):
    """A unit of the ward that plans assign work to: a civil servant's office, the
    health station, the Fatherland Front and its member organisations, the khối
    committees. Units are data: a ward adds or renames its own."""

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices, default=UnitKind.OFFICER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("member organisation of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["ward_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="unit_name_unique_in_ward"),
            models.CheckConstraint(name="unit_kind_valid", condition=Q(kind__in=UnitKind.values)),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class ItemAssignment(models.Model):
    """A unit leading (bộ phận chủ trì) or coordinating (bộ phận phối hợp) a plan item.

    An item has exactly one lead: the database allows at most one, and the plan
    services refuse an item without one.
    """

    item = models.ForeignKey(
        "projects.PlanItem", verbose_name=_("plan item"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="item_assignments")
    role = models.CharField(_("role"), max_length=20, choices=AssignmentRole.choices)

    class Meta:
        verbose_name = _("plan item assignment")
        verbose_name_plural = _("plan item assignments")
        ordering = ["item_id", "role", "unit__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="item_assignment_unit_once"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(role=AssignmentRole.LEAD), name="item_assignment_one_lead"
            ),
            models.CheckConstraint(name="item_assignment_role_valid", condition=Q(role__in=AssignmentRole.values)),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.unit} ({self.get_role_display()})"


class Duty(models.Model):
    """One heading of section IV (Tổ chức thực hiện) of a plan, with its paragraphs
    as written and the units it names."""

    plan = models.ForeignKey("projects.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveIntegerField(_("order"))
    heading = models.CharField(
        _("heading"), max_length=300, help_text=_("As the plan writes it, e.g. “Công chức Văn hóa”.")
    )
    text = models.TextField(_("text"), help_text=_("One paragraph per line, as the plan writes them."))
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="duties", blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="duty_position_unique_in_plan")]

    def __str__(self):
        return f"{self.position}. {self.heading}"

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]


def task_attachment_path(task, filename: str) -> str:
    # The stored name never carries the user's file name (it may hold personal
    # data); the original name is kept in the row and given back on download.
    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"tasks/{task.ward_id}/{task.pk or 'new'}-{task.version}.{suffix}"


class Task(models.Model):
    """Work a unit does for a plan: lead unit, coordinating units, due date, state,
    dated progress notes and one attached file."""

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="tasks")
    plan = models.ForeignKey("projects.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks")
    item = models.ForeignKey(
        "projects.PlanItem",
        verbose_name=_("plan item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks")
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name=_("coordinating units"), related_name="coordinated_tasks", blank=True
    )
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=20, choices=TaskState.choices, default=TaskState.NOT_STARTED)
    attachment = models.FileField(_("attached file"), upload_to=task_attachment_path, blank=True, max_length=300)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(name="task_state_valid", condition=Q(state__in=TaskState.values)),
            models.CheckConstraint(name="task_title_not_empty", condition=~Q(title="")),
            models.CheckConstraint(name="task_version_positive", condition=Q(version__gte=1)),
        ]
        indexes = [
            models.Index(fields=["ward", "state", "due_on"], name="task_ward_state_due"),
            models.Index(fields=["lead_unit", "state", "due_on"], name="task_unit_state_due"),
        ]

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        from .rules import is_overdue

        return is_overdue(state=self.state, due_on=self.due_on, today=today)


class TaskNote(models.Model):
    """A dated progress note on a task; a change of state is noted the same way."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("date"))
    text = models.TextField(_("note"), blank=True)
    from_state = models.CharField(_("previous state"), max_length=20, choices=TaskState.choices, blank=True)
    to_state = models.CharField(_("new state"), max_length=20, choices=TaskState.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["task_id", "on", "id"]
        constraints = [
            models.CheckConstraint(name="task_note_says_something", condition=~Q(text="") | ~Q(to_state="")),
        ]

    def __str__(self):
        return f"{self.on:%d/%m/%Y}: {self.text[:40]}"
