from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Indicator, ReviewSettings, Standard, WardDayOff


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "code", "dimension", "name", "criterion"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    """Where an administrator corrects a standard or adds the next one (docs/reviews.md)."""

    list_display = ["name", "year_from", "year_to", "income_line_urban", "income_line_rural", "poor_min_deprivations"]
    search_fields = ["name", "code"]
    inlines = [IndicatorInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", ("year_from", "year_to"), "notes"]}),
        (
            _("The legal document (cited in the recognition decision's grounds)"),
            {
                "fields": [
                    ("document_type", "document_number"),
                    ("document_date", "document_issuer"),
                    "document_subject",
                    ("extended_by", "extended_from_year"),
                ]
            },
        ),
        (
            None,
            {
                "fields": [
                    ("income_line_urban", "income_line_rural"),
                    ("average_top_urban", "average_top_rural"),
                    ("score_a_cutoff_urban", "score_a_cutoff_rural"),
                    "poor_min_deprivations",
                ]
            },
        ),
    ]


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    """A ward's posting duration, upper-level addressee and regular-review deadline."""

    list_display = ["ward", "posting_working_days", "upper_level_addressee", "regular_review_days"]
    list_select_related = ["ward"]


@admin.register(WardDayOff)
class WardDayOffAdmin(admin.ModelAdmin):
    """Days a ward adds to the national holidays when counting a posting's working days."""

    list_display = ["day", "ward", "reason"]
    list_filter = ["ward"]
    list_select_related = ["ward"]
    date_hierarchy = "day"
