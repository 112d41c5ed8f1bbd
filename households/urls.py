from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("households/import/", import_views.household_import, name="household-import"),
    path("households/import/template.xlsx", import_views.household_import_template, name="household-import-template"),
]
