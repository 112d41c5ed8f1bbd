from django.urls import path

from . import views

urlpatterns = [
    path("households.pdf", views.households_pdf, name="report-households-pdf"),
    path("households.xlsx", views.households_xlsx, name="report-households-xlsx"),
    path("plans/<int:pk>.pdf", views.plan_pdf, name="report-plan-pdf"),
    path("jobs/", views.job_list, name="report-jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="report-job"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="report-job-status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="report-job-download"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="report-job-retry"),
]
