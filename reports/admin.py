from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import KhoiPopulation


@admin.register(KhoiPopulation)
class KhoiPopulationAdmin(admin.ModelAdmin):
    """The khối's yearly totals (docs/reports.md); the ward enters them on /reports/population/…."""

    list_display = ["khoi", "ward", "year", "households", "persons", "updated_by", "updated_at"]
    list_filter = ["year", "khoi__ward"]
    search_fields = ["khoi__name", "khoi__ward__name"]
    list_select_related = ["khoi__ward", "updated_by"]
    autocomplete_fields = ["khoi"]
    readonly_fields = ["updated_by", "updated_at"]

    @admin.display(description=_("ward"), ordering="khoi__ward__name")
    def ward(self, obj):
        return obj.khoi.ward

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
