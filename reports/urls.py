from django.urls import path

from . import views

urlpatterns = [
    path("households.xlsx", views.households_xlsx, name="report-households-xlsx"),
]
