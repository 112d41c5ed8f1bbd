from django.contrib import admin

from .models import Task, TaskNote, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "ward", "parent", "position", "is_active"]
    list_filter = ["ward", "kind", "is_active"]
    list_select_related = ["ward", "parent"]
    search_fields = ["name", "short_name"]


class TaskNoteInline(admin.TabularInline):
    model = TaskNote
    extra = 0
    readonly_fields = ["author", "created_at"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "ward", "lead_unit", "due_on", "state"]
    list_filter = ["ward", "state", "lead_unit"]
    list_select_related = ["ward", "lead_unit"]
    search_fields = ["title"]
    filter_horizontal = ["coordinating_units"]
    inlines = [TaskNoteInline]
