"""Poverty standards as data, and the household reviews that use them (docs/reviews.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.rules import Status

from . import rules


class Standard(models.Model):
    """A multidimensional poverty standard for a span of status years.

    Amounts are VND per person per month. Empty optional figures mean "not
    known": the classifier then says the class is not determined rather than
    guess. An administrator corrects a standard or adds the next one in the admin.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # The legal document that sets the standard, as a decision's grounds cite it: "Nghị định số 07/2021/NĐ-CP
    # ngày 27 tháng 01 năm 2021 của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025".
    document_type = models.CharField(
        _("type of legal document"), max_length=50, blank=True, help_text=_("E.g. Nghị định, Quyết định.")
    )
    document_number = models.CharField(
        _("number of the legal document"), max_length=50, blank=True, help_text=_("E.g. 07/2021/NĐ-CP.")
    )
    document_date = models.DateField(_("date of the legal document"), null=True, blank=True)
    document_issuer = models.CharField(
        _("issuing body of the legal document"),
        max_length=100,
        blank=True,
        help_text=_("E.g. Chính phủ, Ủy ban nhân dân tỉnh Nghệ An."),
    )
    document_subject = models.CharField(
        _("subject of the legal document"),
        max_length=200,
        blank=True,
        help_text=_("As its title says it, e.g. quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025."),
    )
    # A later text that extended the standard's span (Nghị định 351/2025/NĐ-CP kept 07/2021's standard for 2026):
    # the decision of a status year from `extended_from_year` on cites that standard's document too.
    extended_by = models.ForeignKey(
        "self",
        verbose_name=_("extended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extends",
        help_text=_("The standard whose legal document extended this one's status years."),
    )
    extended_from_year = models.PositiveIntegerField(
        _("extended from status year"),
        null=True,
        blank=True,
        help_text=_("The first status year this standard holds by that extension."),
    )
    year_from = models.PositiveIntegerField(_("first status year"))
    year_to = models.PositiveIntegerField(_("last status year"))
    income_line_urban = models.PositiveIntegerField(_("income line, urban"))
    income_line_rural = models.PositiveIntegerField(_("income line, rural"))
    average_top_urban = models.PositiveIntegerField(
        _("top of the average-living band, urban"),
        null=True,
        blank=True,
        help_text=_("Empty when not known: households above the line are then “not determined”."),
    )
    average_top_rural = models.PositiveIntegerField(_("top of the average-living band, rural"), null=True, blank=True)
    score_a_cutoff_urban = models.DecimalField(
        _("score A cut-off, urban"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Score A at or below which a household counts as within the income line; empty if none."),
    )
    score_a_cutoff_rural = models.DecimalField(
        _("score A cut-off, rural"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    poor_min_deprivations = models.PositiveSmallIntegerField(_("deprivations that make a household poor"), default=3)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What remains to verify against the official text."))

    class Meta:
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["year_from"]
        constraints = [
            models.CheckConstraint(name="standard_years_ordered", condition=Q(year_from__lte=F("year_to"))),
            models.CheckConstraint(
                name="standard_average_above_line",
                condition=(Q(average_top_urban__isnull=True) | Q(average_top_urban__gt=F("income_line_urban")))
                & (Q(average_top_rural__isnull=True) | Q(average_top_rural__gt=F("income_line_rural"))),
            ),
            models.CheckConstraint(name="standard_poor_min_positive", condition=Q(poor_min_deprivations__gte=1)),
            models.CheckConstraint(
                name="standard_extension_whole",
                condition=Q(extended_by__isnull=True, extended_from_year__isnull=True)
                | Q(extended_by__isnull=False, extended_from_year__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year_from}–{self.year_to})"

    def clean(self):
        self._clean_extension()
        if self.year_from is None or self.year_to is None:
            return
        others = Standard.objects.exclude(pk=self.pk).filter(year_from__lte=self.year_to, year_to__gte=self.year_from)
        clash = others.first()
        if clash is not None:
            raise ValidationError(
                {
                    "year_from": _("The status years overlap those of %(other)s; one year has one standard.")
                    % {"other": clash}
                }
            )

    def _clean_extension(self):
        if (self.extended_by_id is None) != (self.extended_from_year is None):
            raise ValidationError(
                {"extended_from_year": _("Give both the extending standard and the first status year it extends.")}
            )
        if self.extended_by_id is not None and self.extended_by_id == self.pk:
            raise ValidationError({"extended_by": _("A standard does not extend itself.")})
        years = (self.year_from, self.extended_from_year, self.year_to)
        if None not in years and not years[0] <= years[1] <= years[2]:
            raise ValidationError(
                {"extended_from_year": _("The extended year is one of this standard's status years.")}
            )

    def cited_documents(self, status_year: int) -> list["Standard"]:
        """The standards whose legal documents ground a decision for `status_year`: this one, and the one whose
        document extended it when the year is one the extension added."""
        cited = [self]
        if self.extended_by_id is not None and self.extended_from_year and status_year >= self.extended_from_year:
            cited.append(self.extended_by)
        return cited

    def span(self) -> rules.StandardSpan:
        return rules.StandardSpan(key=self.pk, name=self.name, year_from=self.year_from, year_to=self.year_to)

    def terms(self) -> rules.StandardTerms:
        """The plain values the classifier reads (uses prefetched indicators when present)."""
        return rules.StandardTerms(
            name=self.name,
            income_line_urban=self.income_line_urban,
            income_line_rural=self.income_line_rural,
            average_top_urban=self.average_top_urban,
            average_top_rural=self.average_top_rural,
            score_a_cutoff_urban=self.score_a_cutoff_urban,
            score_a_cutoff_rural=self.score_a_cutoff_rural,
            poor_min_deprivations=self.poor_min_deprivations,
            indicators=tuple(
                rules.IndicatorTerms(code=i.code, name=i.name, dimension=i.dimension) for i in self.indicators.all()
            ),
        )


class Indicator(models.Model):
    """A deprivation indicator of a standard; `code` is the project's own and is stored in reviews."""

    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=120)
    name = models.CharField(_("name"), max_length=200)
    criterion = models.TextField(_("deprived when"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("deprivation indicator")
        verbose_name_plural = _("deprivation indicators")
        ordering = ["standard_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_unique_in_standard"),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


# --- The workflow (docs/reviews.md, "The workflow") ---------------------------------


class ReviewSettings(models.Model):
    """A ward's settings for its reviews; a ward without a row uses the defaults."""

    ward = models.OneToOneField(
        "households.Ward", verbose_name=_("ward"), on_delete=models.CASCADE, related_name="review_settings"
    )
    posting_working_days = models.PositiveSmallIntegerField(
        _("posting duration (working days)"),
        default=rules.DEFAULT_POSTING_WORKING_DAYS,
        help_text=_("How many working days the results stay posted; weekends and holidays are skipped."),
    )
    upper_level_addressee = models.CharField(
        _("upper-level addressee"), max_length=200, default=rules.DEFAULT_UPPER_LEVEL_ADDRESSEE
    )
    regular_review_days = models.PositiveSmallIntegerField(
        _("days to decide a regular review"), default=rules.REGULAR_REVIEW_DAYS
    )

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")
        constraints = [
            models.CheckConstraint(
                name="review_settings_posting_days_positive", condition=Q(posting_working_days__gte=1)
            )
        ]

    def __str__(self):
        return str(self.ward)


class WardDayOff(models.Model):
    """A day the ward does not count as a working day, beyond weekends and national holidays."""

    ward = models.ForeignKey(
        "households.Ward", verbose_name=_("ward"), on_delete=models.CASCADE, related_name="days_off"
    )
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ward day off")
        verbose_name_plural = _("ward days off")
        ordering = ["ward_id", "day"]
        constraints = [models.UniqueConstraint(fields=["ward", "day"], name="ward_day_off_unique")]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.reason}"


class CampaignKind(models.TextChoices):
    PERIODIC = rules.PERIODIC, _("Periodic review")
    REGULAR = rules.REGULAR, _("Regular review")


class Campaign(models.Model):
    """A ward's periodic review of a year, or its regular reviews of a month."""

    ward = models.ForeignKey(
        "households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="campaigns"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    year = models.PositiveIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-year", "-month", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "year"], condition=Q(kind="periodic"), name="campaign_one_periodic_per_year"
            ),
            models.UniqueConstraint(
                fields=["ward", "year", "month"], condition=Q(kind="regular"), name="campaign_one_regular_per_month"
            ),
            models.CheckConstraint(
                name="campaign_month_only_for_regular",
                condition=(Q(kind="periodic") & Q(month__isnull=True))
                | (Q(kind="regular") & Q(month__gte=1) & Q(month__lte=12)),
            ),
            models.CheckConstraint(name="campaign_dates_ordered", condition=Q(starts_on__lte=F("ends_on"))),
        ]

    def __str__(self):
        if self.kind == CampaignKind.REGULAR:
            return _("Regular review %(month)02d/%(year)s") % {"month": self.month, "year": self.year}
        return _("Periodic review %(year)s") % {"year": self.year}

    @property
    def status_year(self) -> int:
        return rules.status_year(kind=self.kind, year=self.year)


class ReviewSource(models.TextChoices):
    LISTED = "listed", _("On the poor or near-poor list")
    FORM_01 = "form_01", _("Request for review (Mẫu số 01)")
    FORM_04 = "form_04", _("Request to be recognised as escaped (Mẫu số 04)")


class ReviewState(models.TextChoices):
    LISTED = "listed", _("Listed")
    DRAFT = "draft", _("Survey draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for survey")
    VERIFIED = "verified", _("Verified")
    AGREED = "agreed", _("Agreed at the meeting")
    POSTED = "posted", _("Posted")
    RECOGNISED = "recognised", _("Recognised by decision")
    REFUSED = "refused", _("Refused in writing")


class Cause(models.TextChoices):
    """Causes of poverty as the review-result tables count them."""

    LAND = "land", _("Lack of land")
    CAPITAL = "capital", _("Lack of capital")
    LABOUR = "labour", _("Lack of labour")
    TOOLS = "tools", _("Lack of tools and means of production")
    SKILLS = "skills", _("Lack of knowledge or skills")
    ILLNESS = "illness", _("Illness")
    OTHER = "other", _("Other")


class Review(models.Model):
    """One household's review in a campaign: its Phiếu B and where it stands."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reviews")
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="reviews"
    )
    # The household's khối when listed: the board and the khối members' scope read it.
    khoi = models.ForeignKey("households.Khoi", verbose_name=_("khối"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=ReviewSource.choices, default=ReviewSource.LISTED)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    from_status = models.CharField(_("status when listed"), max_length=20, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=12, choices=ReviewState.choices, default=ReviewState.LISTED)
    phieu_a_passed = models.BooleanField(_("passes Phiếu A"), null=True, blank=True)
    score_a = models.DecimalField(_("score A (B1)"), max_digits=6, decimal_places=2, null=True, blank=True)
    income_per_capita = models.PositiveIntegerField(_("income per person per month"), null=True, blank=True)
    deprivations = models.JSONField(_("deprived indicators"), default=list, blank=True)
    causes = models.JSONField(_("causes of poverty"), default=list, blank=True)
    cause_other = models.CharField(_("other cause"), max_length=200, blank=True)
    proposed_status = models.CharField(_("proposed class"), max_length=20, blank=True)
    score_b = models.PositiveSmallIntegerField(_("score B (B2)"), default=0)
    comment = models.TextField(_("last comment"), blank=True)
    agreed_votes = models.PositiveIntegerField(_("agreed at the meeting"), null=True, blank=True)
    posting = models.ForeignKey(
        "Posting", verbose_name=_("posting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    decision = models.ForeignKey(
        "Decision", verbose_name=_("decision"), on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    refusal_reason = models.TextField(_("reasons for refusal"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household review")
        verbose_name_plural = _("household reviews")
        ordering = ["campaign_id", "khoi_id", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="review_one_per_household_in_campaign"),
            models.CheckConstraint(name="review_state_valid", condition=Q(state__in=ReviewState.values)),
            models.CheckConstraint(
                name="review_recognised_has_decision",
                condition=~Q(state=ReviewState.RECOGNISED) | Q(decision__isnull=False),
            ),
            models.CheckConstraint(
                name="review_refused_has_reasons", condition=~Q(state=ReviewState.REFUSED) | ~Q(refusal_reason="")
            ),
        ]
        indexes = [models.Index(fields=["campaign", "khoi", "state"], name="review_board")]

    def __str__(self):
        return f"{self.campaign} – {self.household_id}"

    @property
    def is_frozen(self) -> bool:
        return self.state in (ReviewState.RECOGNISED, ReviewState.REFUSED)

    def get_from_status_display(self) -> str:
        return str(Status(self.from_status).label) if self.from_status else "—"

    def get_proposed_status_display(self) -> str:
        return str(Status(self.proposed_status).label) if self.proposed_status else str(_("Not determined"))


EVENT_ACTIONS = {
    "apply": _("Application received"),
    "save": _("Survey saved"),
    "submit": _("Submitted"),
    "verify": _("Verified"),
    "return": _("Returned for survey"),
    "meeting": _("Community meeting"),
    "post": _("Posted"),
    "complaint": _("Complaint received"),
    "complaint_resolved": _("Complaint resolved"),
    "decision": _("Recognition decision"),
    "refuse": _("Refused in writing"),
}


class ReviewEvent(models.Model):
    """One step of a review: who did what, when, from which state to which."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12)
    to_state = models.CharField(_("to"), max_length=12)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["review_id", "at", "id"]

    def __str__(self):
        return f"{self.review_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))


class Meeting(models.Model):
    """A khối's community meeting (họp dân) on the proposed classes (Phụ lục V of TT 07)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="meetings"
    )
    khoi = models.ForeignKey("households.Khoi", verbose_name=_("khối"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    secretary = models.CharField(_("secretary"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("attendees"))
    # The attendees by group (rules.ATTENDANCE_GROUPS); all empty for a meeting recorded with its total only.
    attendees_ward = models.PositiveIntegerField(_("ward committee and officers"), null=True, blank=True)
    attendees_khoi = models.PositiveIntegerField(_("khối head, party cell and committee"), null=True, blank=True)
    attendees_front = models.PositiveIntegerField(_("Fatherland Front"), null=True, blank=True)
    attendees_organisations = models.PositiveIntegerField(_("mass organisations"), null=True, blank=True)
    attendees_reviewers = models.PositiveIntegerField(_("reviewers"), null=True, blank=True)
    attendees_households = models.PositiveIntegerField(_("reviewed households' representatives"), null=True, blank=True)
    attendees_others = models.PositiveIntegerField(_("other households and others"), null=True, blank=True)
    households_listed = models.PositiveIntegerField(_("listed households"), default=0)
    households_represented = models.PositiveIntegerField(_("households represented"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("community meeting")
        verbose_name_plural = _("community meetings")
        ordering = ["campaign_id", "khoi_id", "held_on", "id"]
        constraints = [
            models.CheckConstraint(name="meeting_has_attendees", condition=Q(attendees__gte=1)),
            # Either no group is recorded (a meeting recorded with its total only) or every group is, and the
            # total is their sum: the ≥ 50 % rule always counts against the attendees the minutes list.
            models.CheckConstraint(
                name="meeting_attendance_adds_up",
                condition=Q(**{f"attendees_{g}__isnull": True for g in rules.ATTENDANCE_GROUPS})
                | Q(
                    **{f"attendees_{g}__isnull": False for g in rules.ATTENDANCE_GROUPS},
                    attendees=sum((F(f"attendees_{g}") for g in rules.ATTENDANCE_GROUPS[1:]), F("attendees_ward")),
                ),
            ),
            models.CheckConstraint(
                name="meeting_represented_within_listed",
                condition=Q(households_represented__lte=F("households_listed")),
            ),
        ]

    def __str__(self):
        return f"{self.khoi} {self.held_on:%d/%m/%Y}"

    @classmethod
    def attendance_label(cls, group: str):
        return cls._meta.get_field(f"attendees_{group}").verbose_name

    def attendance(self) -> dict[str, int] | None:
        """The attendees by group, or None for a meeting recorded with its total only."""
        counts = {group: getattr(self, f"attendees_{group}") for group in rules.ATTENDANCE_GROUPS}
        return None if all(n is None for n in counts.values()) else counts


class MeetingVote(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="votes")
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="votes")
    agreed = models.PositiveIntegerField(_("attendees who agreed"))
    passed = models.BooleanField(_("passed"))

    class Meta:
        verbose_name = _("meeting vote")
        verbose_name_plural = _("meeting votes")
        constraints = [models.UniqueConstraint(fields=["meeting", "review"], name="meeting_vote_once_per_review")]

    def __str__(self):
        return f"{self.review_id}: {self.agreed}"


class Posting(models.Model):
    """The public posting (niêm yết) of a khối's agreed results, from `starts_on` through `ends_on`."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="postings"
    )
    khoi = models.ForeignKey("households.Khoi", verbose_name=_("khối"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["campaign_id", "khoi_id", "starts_on", "id"]
        constraints = [models.CheckConstraint(name="posting_dates_ordered", condition=Q(starts_on__lte=F("ends_on")))]

    def __str__(self):
        return f"{self.khoi} {self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"


class Complaint(models.Model):
    """A complaint received during a posting; re-checked, then the result is posted again."""

    posting = models.ForeignKey(Posting, verbose_name=_("posting"), on_delete=models.CASCADE, related_name="complaints")
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="complaints")
    received_on = models.DateField(_("received on"))
    complainant = models.CharField(_("complainant"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    result = models.TextField(_("result of the re-check"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["posting_id", "received_on", "id"]

    def __str__(self):
        return f"{self.review_id} {self.received_on:%d/%m/%Y}"


class UpperLevelReport(models.Model):
    """The ward's report of a periodic review to the upper level, and its answer."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="upper_reports"
    )
    sent_on = models.DateField(_("sent on"))
    addressee = models.CharField(_("addressee"), max_length=200)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report to the upper level")
        verbose_name_plural = _("reports to the upper level")
        ordering = ["campaign_id", "sent_on", "id"]

    def __str__(self):
        return f"{self.number or self.addressee} {self.sent_on:%d/%m/%Y}"


class Decision(models.Model):
    """The ward leader's recognition decision (Mẫu số 02): it alone changes household classes."""

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="decisions"
    )
    number = models.CharField(_("number"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "number"], name="decision_number_unique_in_ward"),
            models.CheckConstraint(name="decision_has_number", condition=~Q(number="")),
        ]

    def __str__(self):
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class Certificate(models.Model):
    """A certificate of a poor or near-poor household (Mẫu số 03), numbered `n/GCN-HN.HCN` per ward and year."""

    ward = models.ForeignKey("households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    review = models.OneToOneField(
        Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="certificate"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="certificates"
    )
    status = models.CharField(_("class"), max_length=20)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["ward_id", "year", "serial"]
        constraints = [models.UniqueConstraint(fields=["ward", "year", "serial"], name="certificate_serial_unique")]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return rules.certificate_number(self.serial)
