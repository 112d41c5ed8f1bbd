"""Poverty standards as data, and the household reviews that use them (docs/reviews.md)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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
        ]

    def __str__(self):
        return f"{self.name} ({self.year_from}–{self.year_to})"

    def clean(self):
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
