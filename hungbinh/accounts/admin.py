from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "ward", "khoi", "upper_unit", "unit", "is_active"]
    list_filter = ["role", "ward", "upper_unit", "is_active"]
    list_select_related = ["ward", "khoi__ward", "upper_unit", "unit"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "position", "ward", "khoi", "upper_unit", "unit")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "ward", "khoi", "upper_unit", "unit")}),
    )
