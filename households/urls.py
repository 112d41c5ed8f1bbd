from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("households/", views.household_list, name="household-list"),
    path("households/new/", views.household_create, name="household-create"),
    path("households/import/", import_views.household_import, name="household-import"),
    path("households/import/template.xlsx", import_views.household_import_template, name="household-import-template"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:pk>/status/", views.household_change_status, name="household-status"),
    path("households/<int:pk>/members/new/", views.member_create, name="member-create"),
    path("households/<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member-edit"),
    path("households/<int:pk>/members/<int:member_pk>/delete/", views.member_delete, name="member-delete"),
]
