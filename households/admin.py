from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Khoi, UpperUnit, Ward


@admin.register(UpperUnit)
class UpperUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class KhoiInline(admin.TabularInline):
    model = Khoi
    extra = 0
    fields = ["name", "position"]
    show_change_link = True


@admin.register(Ward)
class WardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "area_type", "upper_unit"]
    list_filter = ["area_type", "upper_unit"]
    search_fields = ["name", "code"]
    list_select_related = ["upper_unit"]
    inlines = [KhoiInline]


@admin.register(Khoi)
class KhoiAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ward", "position"]
    list_filter = ["ward"]
    search_fields = ["name", "ward__name"]
    list_select_related = ["ward"]

    def save_model(self, request, obj, form, change):
        # Moving a khối to another ward goes through the service, which also
        # carries everything recorded under the khối along with it.
        if change and "ward" in form.changed_data:
            target = obj.ward
            obj.ward_id = form.initial["ward"]
            obj.save()
            services.khoi_move(khoi=obj, to_ward=target)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)
