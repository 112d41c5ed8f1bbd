"""Administration of the program's data: an administrator adds a program (e.g. the
2026–2035 merged program of Quyết định 417/QĐ-BNNMT), its projects and
sub-projects, funding sources, without code. Issued plans are read-only here too."""

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from assignments.models import Duty, ItemAssignment

from .models import (
    Budget,
    FundingSource,
    Indicator,
    Intervention,
    Plan,
    PlanItem,
    PlanReference,
    Program,
    Project,
    SubProject,
)


class ProjectInline(admin.TabularInline):
    model = Project
    extra = 0
    fields = ["number", "name", "basis"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "start_year", "end_year", "decision"]
    search_fields = ["name", "code", "decision"]
    inlines = [ProjectInline]


class SubProjectInline(admin.TabularInline):
    model = SubProject
    extra = 0
    fields = ["number", "name", "basis", "target_rule"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "basis"]
    list_filter = ["program"]
    list_select_related = ["program"]
    inlines = [SubProjectInline]


@admin.register(SubProject)
class SubProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "project", "program", "target_rule"]
    list_filter = ["program", "target_rule"]
    list_select_related = ["project", "program"]
    search_fields = ["name", "code"]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "position"]
    list_editable = ["position"]


class FrozenWhenIssued:
    """Rows of a plan that is no longer a draft cannot be changed here either."""

    def _frozen(self, obj) -> bool:
        plan = obj if isinstance(obj, Plan) else getattr(obj, "plan", None)
        return plan is not None and plan.is_frozen

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_add_permission(self, request, obj=None):
        # An inline is asked with the parent object, a model admin without it.
        if isinstance(self, InlineModelAdmin):
            allowed = super().has_add_permission(request, obj)
        else:
            allowed = super().has_add_permission(request)
        return allowed and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class PlanReferenceInline(FrozenWhenIssued, admin.TabularInline):
    model = PlanReference
    extra = 0


class PlanItemInline(FrozenWhenIssued, admin.StackedInline):
    model = PlanItem
    extra = 0
    show_change_link = True


class DutyInline(FrozenWhenIssued, admin.StackedInline):
    model = Duty
    extra = 0
    filter_horizontal = ["units"]


@admin.register(Plan)
class PlanAdmin(FrozenWhenIssued, SimpleHistoryAdmin):
    list_display = ["__str__", "ward", "year", "version", "state", "number", "issued_on", "program"]
    list_filter = ["state", "year", "program", "ward"]
    list_select_related = ["ward", "program"]
    readonly_fields = ["state", "version", "origin", "previous", "issued_by", "created_by"]
    inlines = [PlanReferenceInline, PlanItemInline, DutyInline]


class ItemAssignmentInline(FrozenWhenIssued, admin.TabularInline):
    model = ItemAssignment
    extra = 0

    def _frozen(self, obj):
        return obj is not None and obj.plan.is_frozen


@admin.register(PlanItem)
class PlanItemAdmin(FrozenWhenIssued, admin.ModelAdmin):
    list_display = ["number", "heading", "plan", "subproject"]
    list_filter = ["plan__ward", "plan__year"]
    list_select_related = ["plan__ward", "subproject"]
    inlines = [ItemAssignmentInline]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["plan", "subproject", "funding_source", "allocated"]
    list_filter = ["plan__ward", "plan__year", "funding_source"]
    list_select_related = ["plan__ward", "subproject", "funding_source"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "unit", "source", "baseline", "target", "achieved_entered"]
    list_filter = ["plan__ward", "plan__year", "source"]
    list_select_related = ["plan__ward"]


@admin.register(Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    """Read-only: support is recorded through the pages and the API, which check its rules."""

    list_display = ["date", "household", "member_name", "subproject", "funding_source", "amount", "unit"]
    list_filter = ["ward", "funding_source", "subproject"]
    list_select_related = ["household", "subproject", "funding_source", "unit"]
    search_fields = ["household__code", "household__head_name", "member_name"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
