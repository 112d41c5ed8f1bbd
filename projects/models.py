"""The program as data: programs, projects and sub-projects, the ward's plans with
their text, budgets, indicators and the support given to households and people.

docs/program.md describes each model, the rules and how a plan's document is
rebuilt from these rows alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.layout import NBSP, place_date

from .rules import (
    FundingCategory,
    IndicatorSource,
    PlanOrigin,
    PlanState,
    SupportKind,
    TargetRule,
    paragraphs,
)

# --- The national program, its projects and sub-projects ---------------------------


class Program(models.Model):
    """A national target program, e.g. Chương trình MTQG Giảm nghèo bền vững 2021–2025 (QĐ 90/QĐ-TTg)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    decision = models.CharField(
        _("approved by"), max_length=300, blank=True, help_text=_("E.g. Quyết định số 90/QĐ-TTg ngày 18/01/2022.")
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["start_year", "code"]
        constraints = [
            models.CheckConstraint(name="program_years_in_order", condition=Q(end_year__gte=models.F("start_year"))),
        ]

    def __str__(self):
        return self.short_name or self.name


class Project(models.Model):
    """A project (dự án) of a program, numbered as the program numbers it."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="projects")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    basis = models.CharField(
        _("basis in the program"), max_length=200, blank=True, help_text=_("E.g. khoản 3 mục III.")
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["program_id", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="project_number_unique")]

    def __str__(self):
        return f"Dự án {self.number}: {self.name}"


class SubProject(models.Model):
    """A sub-project (tiểu dự án), or a whole project that has none (number empty).

    `code` is written as the plan writes it: "3.1" for Dự án 3, Tiểu dự án 1;
    "2" for Dự án 2. `target_rule` names the plain function that decides whom it
    may support (projects/rules.py).
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="subprojects", editable=False
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="subprojects"
    )
    number = models.PositiveSmallIntegerField(
        _("sub-project number"), null=True, blank=True, help_text=_("Empty for a project without sub-projects.")
    )
    code = models.CharField(_("code"), max_length=10, editable=False)
    name = models.CharField(_("name"), max_length=300)
    basis = models.CharField(_("basis in the program"), max_length=200, blank=True)
    target_rule = models.CharField(
        _("whom it supports"), max_length=30, choices=TargetRule.choices, default=TargetRule.TARGET_HOUSEHOLD
    )

    class Meta:
        verbose_name = _("sub-project")
        verbose_name_plural = _("sub-projects")
        ordering = ["program_id", "project__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="subproject_code_unique_in_program"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(number__isnull=True), name="subproject_whole_project_once"
            ),
            models.CheckConstraint(name="subproject_rule_valid", condition=Q(target_rule__in=TargetRule.values)),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        # The program and the code follow the project, so they cannot disagree with it.
        self.program_id = Project.objects.only("program_id").get(pk=self.project_id).program_id
        self.code = subproject_code(self.project.number, self.number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "program", "code"}
        super().save(*args, **kwargs)


def subproject_code(project_number: int, number: int | None) -> str:
    return str(project_number) if number is None else f"{project_number}.{number}"


class FundingSource(models.Model):
    """Where the money of a support comes from: central or local budget, mobilised funds, policy credit."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=FundingCategory.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(name="funding_category_valid", condition=Q(category__in=FundingCategory.values)),
        ]

    def __str__(self):
        return self.name


# --- The ward's plan ------------------------------------------------------------------


# The plan's text as its document prints it, in that order; its forms, API and copies share these lists.
PLAN_HEADER_FIELDS = ("issuing_body_parent", "issuing_body", "symbol", "place")
PLAN_BODY_FIELDS = (
    "subject",
    "basis",
    "purposes",
    "requirements",
    "target_groups",
    "scope",
    "closing",
    "recipients",
    "signer_authority",
    "signer_title",
    "signer_name",
)
# Body fields of more than one line (the signer's title and name are one line each).
PLAN_PARAGRAPH_FIELDS = PLAN_BODY_FIELDS[:-2]


class Plan(models.Model):
    """A ward's yearly plan (kế hoạch) implementing a program, with its whole text.

    States: a draft is edited; an issued plan (number and date) is frozen; a
    correction is a new version of the same ward and year, and issuing it
    supersedes the version it corrects. The database holds at most one issued
    and one draft plan per ward and year.

    Text fields holding several paragraphs keep one paragraph per line, with the
    marks ("- ", "+ ") the document writes.
    """

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="plans")
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    origin = models.CharField(_("made as"), max_length=20, choices=PlanOrigin.choices, default=PlanOrigin.NEW)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("made from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Heading of the document
    number = models.CharField(
        _("number"), max_length=50, blank=True, help_text=_("As issued, e.g. 45/KH-UBND; empty until issued.")
    )
    symbol = models.CharField(
        _("symbol"), max_length=30, default="KH-UBND", help_text=_("Printed after “Số: /” while the number is empty.")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuing_body_parent = models.CharField(_("issuing body, first line"), max_length=200, default="ỦY BAN NHÂN DÂN")
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    place = models.CharField(_("place"), max_length=100)
    dated_on = models.DateField(_("date on the document"), null=True, blank=True)
    subject = models.TextField(_("subject"), help_text=_("The line(s) under “KẾ HOẠCH”."))
    # Body
    basis = models.TextField(_("basis"), help_text=_("The opening paragraph: which documents the plan implements."))
    purposes = models.TextField(_("purposes"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True, help_text=_("One recipient per line."))
    signer_authority = models.TextField(
        _("signer's authority"), blank=True, help_text=_("One line each, e.g. TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH.")
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    # Bookkeeping
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["ward_id", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "year", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["ward", "year"], condition=Q(state=PlanState.ISSUED), name="plan_one_issued_per_ward_year"
            ),
            models.UniqueConstraint(
                fields=["ward", "year"], condition=Q(state=PlanState.DRAFT), name="plan_one_draft_per_ward_year"
            ),
            models.CheckConstraint(name="plan_state_valid", condition=Q(state__in=PlanState.values)),
            models.CheckConstraint(
                name="plan_issued_has_date", condition=Q(state=PlanState.DRAFT) | Q(issued_on__isnull=False)
            ),
            models.CheckConstraint(name="plan_year_sensible", condition=Q(year__gte=2000, year__lte=2100)),
            models.CheckConstraint(name="plan_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self):
        return f"{self.ward} {self.year} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.state != PlanState.DRAFT

    @property
    def number_line(self) -> str:
        """“Số: 45/KH-UBND”, or “Số:     /KH-UBND” with a blank for the number (as the seed)."""
        return f"Số: {self.number}" if self.number else f"Số:       /{self.symbol}"

    @property
    def place_date_line(self) -> str:
        """“Hưng Bình, ngày 05 tháng 6 năm 2025”: the heading's line as every document writes it (leading zeros
        for a day below 10 and the months 1 and 2, each word joined to its number; reports/layout.py). Undated
        (a draft), the blanks for the hand that dates it, before the plan's year."""
        line = place_date(self.place, self.dated_on)
        return line if self.dated_on is not None else f"{line}{NBSP}{self.year}"

    def paragraphs_of(self, name: str) -> list[str]:
        return paragraphs(getattr(self, name))


class PlanReference(models.Model):
    """A document the plan implements or cites (its legal basis), kept as data."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="references")
    position = models.PositiveIntegerField(_("order"))
    document = models.CharField(_("document"), max_length=200, help_text=_("E.g. Kế hoạch số 120/KH-UBND."))
    issued_on = models.DateField(_("dated"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    title = models.CharField(_("about"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("basis document")
        verbose_name_plural = _("basis documents")
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="plan_reference_position_unique")]

    def __str__(self):
        return self.document


class PlanItem(models.Model):
    """One item of section III (Nội dung thực hiện): a project or sub-project with its
    objective, support targets and content, and who leads and coordinates it.

    Items of one project share `group_number` and `group_heading` ("2", "Dự án 3:
    Hỗ trợ phát triển sản xuất"); an item standing alone leaves them empty. The
    units are in assignments.ItemAssignment; `lead_text` and `coordinating_text`
    keep the plan's own wording.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("order"))
    number = models.CharField(_("number"), max_length=10, help_text=_("As the plan numbers it: 1, 2.1, 2.2…"))
    group_number = models.CharField(_("group number"), max_length=10, blank=True)
    group_heading = models.CharField(_("group heading"), max_length=300, blank=True)
    heading = models.CharField(_("heading"), max_length=300)
    subproject = models.ForeignKey(
        SubProject, verbose_name=_("sub-project"), on_delete=models.PROTECT, related_name="plan_items"
    )
    objective = models.TextField(_("objective"), help_text=_("a) Mục tiêu; one paragraph per line."))
    targets_content = models.TextField(
        _("support targets and content"), help_text=_("b) Đối tượng và nội dung hỗ trợ.")
    )
    lead_text = models.TextField(_("lead unit, as written"), help_text=_("After “- Bộ phận chủ trì:”."))
    coordinating_text = models.TextField(
        _("coordinating units, as written"), help_text=_("After “- Bộ phận phối hợp:”.")
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_item_position_unique"),
            models.UniqueConstraint(fields=["plan", "number"], name="plan_item_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.heading}"


# --- Budgets and indicators -------------------------------------------------------------


class Budget(models.Model):
    """The amount allocated to a sub-project from a funding source in a plan.

    What was spent is not stored: it is the sum of the support recorded in the
    plan's ward and year for the same sub-project and source. An empty
    sub-project is support outside the sub-projects (Tết gifts, Quỹ vì người nghèo).
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budgets")
    subproject = models.ForeignKey(
        SubProject,
        verbose_name=_("sub-project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budgets",
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="budgets"
    )
    allocated = models.BigIntegerField(_("allocated (VND)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["plan_id", "subproject__code", "funding_source__position"]
        constraints = [
            models.CheckConstraint(name="budget_allocated_not_negative", condition=Q(allocated__gte=0)),
            models.UniqueConstraint(
                fields=["plan", "subproject", "funding_source"],
                condition=Q(subproject__isnull=False),
                name="budget_once_per_subproject_source",
            ),
            models.UniqueConstraint(
                fields=["plan", "funding_source"],
                condition=Q(subproject__isnull=True),
                name="budget_once_per_source_outside_subprojects",
            ),
        ]

    def __str__(self):
        return f"{self.plan}: {self.subproject or '—'} / {self.funding_source}"


class Indicator(models.Model):
    """A target the plan sets, with its baseline, target and achieved value.

    `source` says where the achieved value comes from: computed from the
    registry or the support recorded, or entered by hand (`achieved_entered`).
    A rate needs the ward's total number of households (`households_total`),
    which the registry does not hold.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("E.g. %, hộ, người, đồng."))
    source = models.CharField(
        _("achieved value from"), max_length=30, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    subproject = models.ForeignKey(
        SubProject,
        verbose_name=_("sub-project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("For support counts: only support of this sub-project."),
    )
    funding_source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("For support counts: only support from this source."),
    )
    households_total = models.PositiveIntegerField(
        _("households in the ward"), null=True, blank=True, help_text=_("For rates: the ward's total households.")
    )
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    achieved_entered = models.DecimalField(
        _("achieved (entered)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan_id", "position", "id"]
        constraints = [
            models.CheckConstraint(name="indicator_source_valid", condition=Q(source__in=IndicatorSource.values)),
            models.CheckConstraint(
                name="indicator_households_total_positive",
                condition=Q(households_total__isnull=True) | Q(households_total__gt=0),
            ),
        ]

    def __str__(self):
        return self.name


# --- Support given ------------------------------------------------------------------------


class SupportBatch(models.Model):
    """One action that recorded the same support for a list of households."""

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    households = models.PositiveIntegerField(_("households"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support batch")
        verbose_name_plural = _("support batches")
        ordering = ["-created_at"]

    def __str__(self):
        return self.description


class Intervention(models.Model):
    """Support given to a household, or to one of its members (an intervention).

    `ward` repeats the household's ward for scoping and budget sums. A support
    that broke its sub-project's target rule on its date keeps the rule's
    reason (`eligibility_problem`) with the officer's written `override_reason`;
    the database refuses the one without the other.
    """

    ward = models.ForeignKey(
        "households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="interventions"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="interventions"
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
    )
    # Kept so the record still says who received it if the member is later removed.
    member_name = models.CharField(_("member's name"), max_length=200, blank=True)
    subproject = models.ForeignKey(
        SubProject,
        verbose_name=_("sub-project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="interventions"
    )
    unit = models.ForeignKey(
        "assignments.Unit",
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
    )
    batch = models.ForeignKey(
        SupportBatch,
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.BigIntegerField(_("amount (VND)"))
    eligibility_problem = models.TextField(_("rule not met"), blank=True)
    override_reason = models.TextField(_("reason for the exception"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception allowed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support given")
        verbose_name_plural = _("support given")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(name="intervention_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="intervention_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="intervention_kind_valid", condition=Q(kind__in=SupportKind.values)),
            models.CheckConstraint(
                name="intervention_exception_has_reason",
                condition=Q(eligibility_problem="") | (~Q(override_reason="") & Q(overridden_by__isnull=False)),
            ),
        ]
        indexes = [
            # Budget and indicator sums read one ward's year and need nothing else.
            models.Index(
                fields=["ward", "date"],
                include=["subproject", "funding_source", "amount", "household", "member"],
                name="intervention_ward_date",
            ),
            models.Index(fields=["household", "date"], name="intervention_household_date"),
            models.Index(fields=["unit", "date"], name="intervention_unit_date"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.household_id}: {self.amount}"

    @property
    def is_exception(self) -> bool:
        return bool(self.eligibility_problem)
