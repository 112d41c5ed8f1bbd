from django.urls import path, re_path

from . import review_views, views

# /reports/results/ward/<ward id>/<period>.pdf and /reports/results/upper/<unit id>/<period>.pdf (README).
RESULTS = r"^results/(?P<level>ward|upper)/(?P<unit_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)"

urlpatterns = [
    path("households.pdf", views.households_pdf, name="report-households-pdf"),
    path("households.xlsx", views.households_xlsx, name="report-households-xlsx"),
    path("plans/<int:pk>.pdf", views.plan_pdf, name="report-plan-pdf"),
    # The review's papers (docs/documents.md, "The review's papers").
    path("reviews/<int:campaign_id>/households.pdf", review_views.review_list_pdf, name="report-review-list-pdf"),
    path(
        "reviews/<int:campaign_id>/khoi/<int:khoi_id>/households.pdf",
        review_views.review_list_pdf,
        name="report-review-khoi-list-pdf",
    ),
    path("reviews/<int:campaign_id>.pdf", review_views.campaign_results_pdf, name="report-campaign-results-pdf"),
    path("reviews/<int:campaign_id>.xlsx", review_views.campaign_results_xlsx, name="report-campaign-results-xlsx"),
    path("reviews/applications/<int:pk>.pdf", review_views.application_pdf, name="report-application-pdf"),
    path("reviews/meetings/<int:pk>.pdf", review_views.meeting_pdf, name="report-meeting-pdf"),
    path("reviews/postings/<int:pk>.pdf", review_views.posting_pdf, name="report-posting-pdf"),
    path("reviews/decisions/<int:pk>.pdf", review_views.decision_pdf, name="report-decision-pdf"),
    path(
        "reviews/decisions/<int:pk>/certificates.pdf",
        review_views.decision_certificates_pdf,
        name="report-decision-certificates-pdf",
    ),
    path("reviews/certificates/<int:pk>.pdf", review_views.certificate_pdf, name="report-certificate-pdf"),
    path("reviews/refusals/<int:pk>.pdf", review_views.refusal_pdf, name="report-refusal-pdf"),
    path("", views.report_index, name="report-index"),
    path("population/<int:ward_id>/<int:year>/", views.population_page, name="report-population"),
    re_path(RESULTS + r"/$", views.results_page, name="report-results"),
    re_path(RESULTS + r"/(?P<name>[a-z]+)\.svg$", views.results_chart, name="report-results-chart"),
    re_path(RESULTS + r"\.pdf$", views.results_pdf, name="report-results-pdf"),
    re_path(RESULTS + r"\.xlsx$", views.results_xlsx, name="report-results-xlsx"),
    re_path(
        r"^progress/(?P<ward_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)\.(?P<extension>pdf|xlsx)$",
        views.progress_download,
        name="report-progress",
    ),
    path("submissions/", views.submission_page, name="report-submissions"),
    re_path(
        r"^submissions/submit/(?P<ward_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)/$",
        views.submission_submit,
        name="report-submission-submit",
    ),
    re_path(
        r"^submissions/(?P<pk>[0-9]+)\.(?P<extension>pdf|xlsx)$",
        views.submission_download,
        name="report-submission-file",
    ),
    path("jobs/", views.job_list, name="report-jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="report-job"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="report-job-status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="report-job-download"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="report-job-retry"),
]
