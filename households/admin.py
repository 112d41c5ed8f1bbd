from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import services
from .models import Household, ImportRun, Khoi, Member, PersonalDataAccess, StatusChange, UpperUnit, Ward
from .personal_data import ID_NUMBER_FIELD, mask_id_number


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
            services.khoi_move(khoi=obj, to_ward=target, by=request.user)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["full_name", "birth_date", "gender", "relation", "ethnicity", "is_disabled", "has_merit"]
    # ID numbers are not shown here: the registry pages mask and log them.
    show_change_link = True


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["effective_on", "from_status", "to_status", "reason", "decision_number", "note", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["code", "head_name", "ward", "khoi", "status", "status_since", "escaped_poverty_on"]
    list_filter = ["status", "ward", "ethnic_minority", "has_merit_person"]
    search_fields = ["code", "head_name", "search_text"]
    list_select_related = ["ward", "khoi"]
    # Status moves only through a recorded change (date and reason), which the
    # registry pages and API make; here it is shown, not edited.
    readonly_fields = ["ward", "status", "status_since", "escaped_poverty_on", "version", "created_at", "updated_at"]
    inlines = [StatusChangeInline, MemberInline]

    def has_add_permission(self, request):
        return False


class MaskedIdHistory(HistoricalRecordContextHelper):
    """The member's history in the admin shows ID numbers masked, as its form leaves them out: full numbers
    are shown only on the registry pages, where each showing is logged (docs/personal-data.md)."""

    def prepare_delta_change_value(self, change, value):
        if change.field == ID_NUMBER_FIELD:
            return mask_id_number(value or "")
        return super().prepare_delta_change_value(change, value)


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "household", "birth_date", "gender", "relation"]
    search_fields = ["full_name", "household__code"]
    list_select_related = ["household"]
    exclude = ["id_number"]

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedIdHistory(self.model, historical_record)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the app writes and nobody edits: shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "id_numbers_shown", "member_count", "path"]
    list_filter = ["action", "id_numbers_shown"]
    list_select_related = ["user"]
    readonly_fields = ["at", "user", "action", "id_numbers_shown", "path", "household_ids", "member_count"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Imports written into the registry and how each ended (docs/workbook.md, "Interrupted imports"); read-only:
    an interrupted one is taken back by the app (the import page, the job, manage.py sweep_jobs)."""

    list_display = ["written_at", "user", "ward", "file_name", "state", "written", "total", "finished_at"]
    list_filter = ["state"]
    list_select_related = ["user", "ward"]
